import EventLog

#if canImport(Glibc)
import Glibc
#endif

/// Imports a generic JSON Lines file into a log, all or nothing.
///
/// Two passes over the file: the first parses every line and checks every claimed version
/// against the log (so a bad line is reported with its number and nothing is written); the
/// second appends inside an `ImportTransaction`, grouping consecutive events of one stream into
/// batches, and commits with one fsync (none with a `.noSync` log). An I/O failure in the
/// second pass rolls the log back to where it was.
public struct JSONLinesImporter {
    /// Progress: which pass (1 = checking, 2 = writing), bytes done, bytes in all.
    public typealias Progress = (_ pass: Int, _ bytesDone: Int, _ bytesTotal: Int) -> Void

    public struct Summary: Sendable, Equatable {
        public var events: UInt64 = 0
        public var streams: Int = 0
        public var firstPosition: UInt64 = 0
        public var lastPosition: UInt64 = 0
        public var bytes: Int = 0
    }

    /// The errors of a failed check, up to `maxErrors` of them, and how many lines were bad.
    public struct ImportError: Error, Sendable, CustomStringConvertible {
        public var errors: [GenericEventLine.LineError]
        public var badLines: Int
        public var file: String

        public var description: String {
            var lines = errors.map { "\(file): \($0)" }
            if badLines > errors.count { lines.append("… and \(badLines - errors.count) more bad lines") }
            lines.append("nothing was imported; fix the lines above and run the import again")
            return lines.joined(separator: "\n")
        }
    }

    public var maxErrors = 20
    public var batchEvents = 1000
    public var batchBytes = 1 << 20

    public init() {}

    /// Imports `file` into `log` (opened as writer).
    /// - Parameter name: how errors name the input (default: the file's path), e.g. "stdin".
    public func run(file: String, named name: String? = nil, into log: EventLog, progress: Progress? = nil) throws -> Summary {
        let handle: FileHandle
        do { handle = try FileHandle.open(file, flags: O_RDONLY) } catch {
            throw EventLogError.invalidArgument("cannot read \(file): \((error as? IOError)?.reason ?? "\(error)")")
        }
        let total = (try? handle.size()) ?? 0

        // Pass 1: parse and check versions, write nothing.
        var versions: [String: UInt64] = [:]
        var errors: [GenericEventLine.LineError] = []
        var badLines = 0
        var summary = Summary()
        var reader = LineReader(handle: handle)
        var lastReport = 0
        try reader.forEachLine { bytes, number, bytesRead in
            if bytes.allSatisfy({ $0 == 32 || $0 == 9 }) { return true }
            do {
                let decoded = try GenericEventLine.decode(bytes, line: number)
                let current = versions[decoded.stream] ?? log.version(of: decoded.stream)
                if let v = decoded.version, v != current + 1 {
                    let now = current == 0 ? "does not exist yet" : "is at version \(current)"
                    throw GenericEventLine.LineError(line: number, reason: "event claims version \(v) of stream '\(decoded.stream)', but the stream \(now) (the next version is \(current + 1))")
                }
                versions[decoded.stream] = current + 1
                summary.events += 1
            } catch let error as GenericEventLine.LineError {
                badLines += 1
                if errors.count < maxErrors { errors.append(error) }
            }
            if let progress, bytesRead - lastReport > 1 << 20 {
                lastReport = bytesRead
                progress(1, bytesRead, total)
            }
            return true
        }
        progress?(1, total, total)
        if badLines > 0 { throw ImportError(errors: errors, badLines: badLines, file: name ?? file) }
        if summary.events == 0 { return summary }
        summary.streams = versions.count
        summary.bytes = total

        // Pass 2: write in one transaction.
        let transaction = try log.beginImport()
        do {
            var batch: [NewEvent] = []
            var batchStream = ""
            var batchExpected = ExpectedVersion.any
            var batchSize = 0
            func flush() throws {
                guard !batch.isEmpty else { return }
                let result = try transaction.append(to: batchStream, batch, expected: batchExpected)
                if summary.firstPosition == 0 { summary.firstPosition = result.firstPosition }
                summary.lastPosition = result.lastPosition
                batch.removeAll(keepingCapacity: true)
                batchSize = 0
            }
            var writer = LineReader(handle: handle)
            lastReport = 0
            try writer.forEachLine { bytes, number, bytesRead in
                if bytes.allSatisfy({ $0 == 32 || $0 == 9 }) { return true }
                let decoded: GenericEventLine.Decoded
                do { decoded = try GenericEventLine.decode(bytes, line: number) } catch {
                    throw EventLogError.invalidArgument("\(name ?? file) changed while importing (\(error)); nothing was imported")
                }
                if decoded.stream != batchStream || batch.count >= batchEvents || batchSize >= batchBytes {
                    try flush()
                    batchStream = decoded.stream
                    if let v = decoded.version { batchExpected = v == 1 ? .noStream : .exact(v - 1) } else { batchExpected = .any }
                }
                batch.append(decoded.event)
                batchSize += decoded.event.data.count + decoded.event.metadata.count + 64
                if let progress, bytesRead - lastReport > 1 << 20 {
                    lastReport = bytesRead
                    progress(2, bytesRead, total)
                }
                return true
            }
            try flush()
            try transaction.commit()
            progress?(2, total, total)
        } catch {
            try? transaction.rollback()
            throw error
        }
        return summary
    }
}
