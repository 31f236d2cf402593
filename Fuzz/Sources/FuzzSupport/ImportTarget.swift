import Interchange

/// The harness the five importer targets share: the fuzzer's bytes become an input file in
/// the scratch directory, and the format's reader scans it twice.
///
/// Scanning is the whole parse-and-validate path of `rewind import` before anything is
/// written: every record comes out as an event, an ignored record or an invalid one with a
/// reason. Writing to a log is left out on purpose (it needs fsyncs and is fuzzed by the
/// segment target's reading side). Properties checked:
/// - no crash, trap or hang on any input;
/// - the two scans give the same records in the same order (`EventImporter` relies on it: the
///   first pass checks, the second writes).
public enum ImportTarget {
    /// Runs one input through `format`'s reader.
    public static func run(_ format: ImportFormat, _ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        let path = Scratch.write(UnsafeRawBufferPointer(start: data, count: size), to: "input." + format.rawValue)
        let source: any EventSource
        do {
            source = try format.source(path: path, options: ImportOptions())
        } catch {
            return 0
        }
        let first = scan(source)
        let second = scan(source)
        FuzzFailure.require(first.records == second.records, "two scans of one input differ (\(first.records.count) and \(second.records.count) records)")
        FuzzFailure.require(first.error == second.error, "two scans of one input end differently: \(first.error ?? "-") and \(second.error ?? "-")")
        for record in first.records {
            // The texts users read: building them must not trap either.
            switch record {
            case .event(let e): _ = e.location.description
            case .ignored(let location, let reason): _ = location.description + reason
            case .invalid(let error): _ = error.description
            }
        }
        return 0
    }

    private static func scan(_ source: any EventSource) -> (records: [SourceRecord], error: String?) {
        var records: [SourceRecord] = []
        do {
            try source.scan { record, _ in records.append(record) }
        } catch {
            return (records, "\(error)")
        }
        return (records, nil)
    }
}
