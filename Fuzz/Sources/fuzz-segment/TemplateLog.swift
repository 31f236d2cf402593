#if canImport(Glibc)
import Glibc  // getenv
#endif
import EventLog
import FuzzSupport
import Platform

/// The small valid log every input of the segment target mutates: three segments of 4 KiB
/// (two sealed, with index files, and the active one), three streams, batches of one to three
/// events with JSON data and metadata.
///
/// Loaded from `$REWIND_FUZZ_LOG` (Fuzz/run points it at Fuzz/Fixtures/log, so that inputs
/// mean the same thing in every run), else built afresh in the scratch directory. Setting
/// `$REWIND_FUZZ_SAVE_LOG` to a directory copies the log used there.
struct TemplateLog {
    /// Paths relative to the log directory, and their bytes: the marker first, then segments
    /// and indexes in name order.
    var files: [(name: String, bytes: [UInt8])]

    static func load() -> TemplateLog {
        let source: String
        if let given = environment("REWIND_FUZZ_LOG") {
            source = given
        } else {
            source = Scratch.directory + "/template"
            build(at: source)
        }
        var files: [(name: String, bytes: [UInt8])] = []
        do {
            files.append((LogFormat.markerFile, try FileSystem.readFile(source + "/" + LogFormat.markerFile)))
            for directory in [LogFormat.segmentsDirectory, LogFormat.indexDirectory] {
                for name in try FileSystem.list(source + "/" + directory).sorted() {
                    let relative = directory + "/" + name
                    files.append((relative, try FileSystem.readFile(source + "/" + relative)))
                }
            }
        } catch {
            FuzzFailure.fail("cannot read the template log at \(source): \(error)")
        }
        FuzzFailure.require(files.count >= 4, "the template log at \(source) has too few files (\(files.map { $0.name }))")
        if let target = environment("REWIND_FUZZ_SAVE_LOG") {
            save(files, to: target)
        }
        return TemplateLog(files: files)
    }

    private static func build(at path: String) {
        do {
            try EventLog.create(at: path, segmentBytes: LogFormat.minimumSegmentBytes)
            let log = try EventLog.openWriter(at: path, options: .init(durability: .noSync, command: "fuzz"))
            defer { log.close() }
            let streams = ["account-1", "account-2", "order-ü"]
            var serial: UInt64 = 1
            for round in 0..<40 {
                let stream = streams[round % streams.count]
                var events: [NewEvent] = []
                for i in 0..<(1 + round % 3) {
                    let data = Array("{\"amountCents\":\(round * 100 + i),\"note\":\"r\(round)\"}".utf8)
                    let metadata: [UInt8] = round % 2 == 0 ? Array("{\"correlationId\":\"c-\(round)\"}".utf8) : []
                    events.append(NewEvent(
                        id: EventID(high: 0x0123_4567_89AB_4DEF, low: 0x8000_0000_0000_0000 | serial),
                        type: round % 4 == 0 ? "Opened" : "MoneyDeposited", data: data, metadata: metadata,
                        schemaVersion: 1 + UInt32(round % 2), originalMicros: 1_767_225_600_000_000 + Int64(serial)))
                    serial += 1
                }
                try log.append(to: stream, events)
            }
        } catch {
            FuzzFailure.fail("cannot build the template log at \(path): \(error)")
        }
    }

    private static func save(_ files: [(name: String, bytes: [UInt8])], to path: String) {
        do {
            for directory in ["", "/" + LogFormat.segmentsDirectory, "/" + LogFormat.indexDirectory] where !FileSystem.isDirectory(path + directory) {
                try FileSystem.makeDirectory(path + directory)
            }
            for file in files {
                try FileSystem.writeAtomically(file.bytes, to: path + "/" + file.name, durable: false)
            }
        } catch {
            FuzzFailure.fail("cannot save the template log to \(path): \(error)")
        }
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name), value.pointee != 0 else { return nil }
        return String(cString: value)
    }
}
