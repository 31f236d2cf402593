import EventLog

import JSON
import Platform

/// An input file of an import, read in large chunks.
struct InputFile {
    let path: String
    let size: Int
    /// How a JSON-based input's records are laid out (`--framing`; auto-detected by default).
    let framing: InputFraming

    init(path: String, framing: InputFraming = .auto) throws {
        self.path = path
        self.framing = framing
        let handle = try Self.open(path)
        defer { handle.close() }
        size = (try? handle.size()) ?? 0
    }

    /// The read buffer for this file: the whole file (plus one byte, to see the end in one read)
    /// when it is under 1 MiB, else 1 MiB chunks. A small input then costs a small buffer, not a
    /// zeroed mebibyte.
    var chunkSize: Int { min(1 << 20, max(4096, size + 1)) }

    static func open(_ path: String) throws -> SystemFile {
        do { return try SystemFile.open(path, flags: .readOnly) } catch {
            throw EventLogError.invalidArgument("cannot read \(path): \((error as? IOError)?.reason ?? "\(error)")")
        }
    }

    /// Calls `body` with each record's text, in any framing (JSON Lines, values one after
    /// another, arrays of records); a part that cannot be framed arrives as `problem`.
    func forEachRecord(_ body: (JSONRecordFramer.Record) throws -> Void) throws {
        try JSONRecordFramer.forEach(self, framing: framing, body)
    }

    /// Calls `body` with each record parsed as JSON (the name is historical: every framing is
    /// read); a record that is not JSON becomes an invalid record. `body` maps a value to the
    /// records it holds.
    func forEachJSONLine(_ visit: (SourceRecord, Int) throws -> Void, _ body: (JSONValue, SourceLocation) -> [SourceRecord]) throws {
        try forEachJSONRecord(visit) { value, start in body(value, start.location) }
    }

    /// `forEachJSONLine`, telling `body` where and how the record was framed.
    func forEachJSONRecord(_ visit: (SourceRecord, Int) throws -> Void, _ body: (JSONValue, RecordStart) -> [SourceRecord]) throws {
        try forEachRecord { record in
            let start = record.start
            if let problem = record.problem {
                try visit(.invalid(RecordError(start.location, problem + " (" + JSONRecordFramer.hint + ")")), record.bytesRead)
                return
            }
            let value: JSONValue
            do throws(JSONParseError) { value = try JSONValue.parse(record.bytes) } catch {
                try visit(.invalid(start.invalidJSON(error)), record.bytesRead)
                return
            }
            for item in body(value, start) { try visit(item, record.bytesRead) }
        }
    }

    /// The whole file (for formats that are one JSON document); refuses files over `limit`.
    func readAll(limit: Int = 1 << 30) throws -> [UInt8] {
        guard size <= limit else {
            throw EventLogError.invalidArgument("\(path) is \(size) bytes, too large to read as one JSON document; split it (one feed page per file) or convert it to JSON Lines")
        }
        let handle = try Self.open(path)
        defer { handle.close() }
        var out = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = try out.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return try handle.read(into: base + done, count: size - done, at: done)
            }
            if n == 0 { break }
            done += n
        }
        if done < size { out.removeLast(size - done) }
        return out
    }
}
