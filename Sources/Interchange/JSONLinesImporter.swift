import EventLog

/// Imports a generic JSON Lines file into a log, all or nothing: `EventImporter` over
/// `--format jsonl`, kept for callers that import Rewind's own JSON Lines (samples, tests).
public struct JSONLinesImporter {
    /// Progress: which pass (1 = checking, 2 = writing), bytes done, bytes in all.
    public typealias Progress = (_ pass: Int, _ bytesDone: Int, _ bytesTotal: Int) -> Void

    public var maxErrors = 20
    public var batchEvents = 1000
    public var batchBytes = 1 << 20

    public init() {}

    /// Imports `file` into `log` (opened as writer).
    /// - Parameter name: how errors name the input (default: the file's path), e.g. "stdin".
    public func run(file: String, named name: String? = nil, into log: EventLog, progress: Progress? = nil) throws -> ImportSummary {
        var importer = EventImporter()
        importer.maxReasons = maxErrors
        importer.batchEvents = batchEvents
        importer.batchBytes = batchBytes
        let source = try ImportFormat.jsonl.source(path: file, options: ImportOptions())
        return try importer.run(source, named: name ?? file, into: log) { p in
            progress?(p.phase == .checking ? 1 : 2, p.bytesDone, p.bytesTotal)
        }
    }
}
