import EventLog

import JSON
import Platform

/// An input file of an import: opened once per pass, read in large chunks.
struct InputFile {
    let path: String
    let size: Int

    init(path: String) throws {
        self.path = path
        let handle = try Self.open(path)
        defer { handle.close() }
        size = (try? handle.size()) ?? 0
    }

    /// The read buffer for this file: the whole file (plus one byte, to see the end in one read)
    /// when it is under 1 MiB, else 1 MiB chunks. A small input then costs a small buffer, not a
    /// zeroed mebibyte per pass (the importer reads each file twice).
    var chunkSize: Int { min(1 << 20, max(4096, size + 1)) }

    static func open(_ path: String) throws -> SystemFile {
        do { return try SystemFile.open(path, flags: .readOnly) } catch {
            throw EventLogError.invalidArgument("cannot read \(path): \((error as? IOError)?.reason ?? "\(error)")")
        }
    }

    /// Calls `body` with each line that is not blank, its number and the bytes read so far.
    func forEachLine(_ body: (UnsafeRawBufferPointer, Int, Int) throws -> Void) throws {
        let handle = try Self.open(path)
        defer { handle.close() }
        var reader = LineReader(handle: handle, chunkSize: chunkSize)
        try reader.forEachLine { bytes, number, bytesRead in
            if bytes.allSatisfy({ $0 == 32 || $0 == 9 }) { return true }
            try body(bytes, number, bytesRead)
            return true
        }
    }

    /// Calls `body` with each non-blank line parsed as JSON; a line that is not JSON becomes an
    /// invalid record. `body` maps a value to the records it holds.
    func forEachJSONLine(_ visit: (SourceRecord, Int) throws -> Void, _ body: (JSONValue, SourceLocation) -> [SourceRecord]) throws {
        try forEachLine { bytes, number, bytesRead in
            let location = SourceLocation.line(number)
            let value: JSONValue
            do throws(JSONParseError) { value = try JSONValue.parse(bytes) } catch {
                try visit(.invalid(RecordError(location, "invalid JSON at column \(error.column): \(error.reason)")), bytesRead)
                return
            }
            for record in body(value, location) { try visit(record, bytesRead) }
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
