import EventLog
import JSON
import Platform

/// How the records of a JSON-based input are laid out (`--framing`).
public enum InputFraming: String, Sendable, CaseIterable {
    /// Decided from the start of the input; see `JSONRecordFramer.detect`.
    case auto
    /// JSON Lines: one record a line.
    case lines
    /// Values one after another, pretty-printed or not (`jq .` output); a top-level array's
    /// elements are records.
    case concatenated
    /// One JSON array of records (`[ {…}, {…} ]`); same framer as `concatenated`.
    case array

    public static let names = allCases.map(\.rawValue).joined(separator: "|")
}

/// Where a framed record starts, and how messages name it.
struct RecordStart {
    /// 1-based number of the record in the input.
    var number: Int
    var line: Int
    /// 1-based byte column of the record's first byte on its line.
    var column: Int
    /// True when each line is a record (JSON Lines): messages then name the line alone.
    var byLine: Bool

    var location: SourceLocation {
        byLine ? .line(line) : SourceLocation(line: line, column: column, record: "record \(number)")
    }

    /// The record error for a parse error inside this record's text (whose lines and columns
    /// count from the record's start).
    func invalidJSON(_ error: JSONParseError) -> RecordError {
        if byLine { return RecordError(location, "invalid JSON at column \(error.column): \(error.reason)") }
        let line = self.line + error.line - 1
        let column = error.line == 1 ? self.column + error.column - 1 : error.column
        return RecordError(location, "invalid JSON at line \(line), column \(column): \(error.reason)")
    }
}

/// Finds the records of a JSON-based input as it streams by, without holding more than the
/// record being read (and one read chunk) in memory.
///
/// Three framings, told apart from the start of the input (`detect`): JSON Lines, values one
/// after another (pretty-printed objects, `jq .` output, concatenated documents) and JSON
/// arrays of records. Outside lines framing, the framer only tracks strings and nesting to find
/// where each value ends; the values are parsed by their source. A UTF-8 byte order mark at
/// the start is skipped; "\r\n" line ends are accepted.
struct JSONRecordFramer {
    /// What the framer hands out: the record's text, or why the input cannot be framed any
    /// further (a truncated value, text between an array's records); nothing follows a problem.
    struct Record {
        var bytes: UnsafeRawBufferPointer
        var start: RecordStart
        var problem: String?
        var bytesRead: Int
    }

    static let hint = "a JSON input holds JSON Lines, values one after another, or one JSON array of records; --framing lines|concatenated|array says which when the start of the file misleads"

    /// The framing of an input from its first non-blank line: an array when it starts with
    /// `[`; values one after another when it opens an object (or a string) that it does not
    /// close, or has more after the value (a pretty-printed value opens on a line it does not
    /// close on); else JSON Lines.
    static func detect(_ file: InputFile) throws -> InputFraming {
        let handle = try InputFile.open(file.path)
        defer { handle.close() }
        var reader = LineReader(handle: handle, chunkSize: min(file.chunkSize, 1 << 16))
        var answer = InputFraming.lines
        try reader.forEachLine { raw, number, _ in
            var line = raw
            if number == 1 { line = withoutBOM(line) }
            guard let first = line.firstIndex(where: { !isSpace($0) }) else { return true }
            if line[first] == UInt8(ascii: "[") {
                answer = .array
                return false
            }
            var scan = ValueScan(first: line[first])
            // A line that does not open an object or a string (a number, a literal, or text
            // that is not JSON, such as a CSV header) is read as a line.
            if scan.isScalar { return false }
            let i = scan.advance(line, from: first + 1)
            let rest = line[i...]
            answer = scan.done && rest.allSatisfy(isSpace) ? .lines : .concatenated
            return false
        }
        return answer
    }

    /// Calls `body` with each record of `file` in order.
    static func forEach(_ file: InputFile, framing: InputFraming, _ body: (Record) throws -> Void) throws {
        let framing = framing == .auto ? try detect(file) : framing
        let handle = try InputFile.open(file.path)
        defer { handle.close() }
        if framing == .lines {
            var reader = LineReader(handle: handle, chunkSize: file.chunkSize)
            var number = 0
            try reader.forEachLine { raw, line, bytesRead in
                let bytes = line == 1 ? withoutBOM(raw) : raw
                if bytes.allSatisfy(isSpace) { return true }
                number += 1
                try body(Record(bytes: bytes, start: RecordStart(number: number, line: line, column: 1, byLine: true), bytesRead: bytesRead))
                return true
            }
            return
        }
        var values = JSONValueReader(handle: handle, chunkSize: file.chunkSize)
        try values.forEach(body)
    }

    static func withoutBOM(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return UnsafeRawBufferPointer(rebasing: bytes[3...]) }
        return bytes
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 10 || b == 13 || b == 9 }
}

/// Finds where one JSON value ends, a chunk at a time: it tracks strings, escapes and nesting
/// only (the value is parsed afterwards).
struct ValueScan {
    var depth = 0
    var inString = false
    var escaped = false
    let isScalar: Bool
    var done = false
    /// Newlines seen inside the value so far, and the offset after the last one (relative to
    /// the `advance` call's buffer).
    var newlines = 0
    var lastNewlineEnd = -1

    init(first: UInt8) {
        switch first {
        case UInt8(ascii: "{"), UInt8(ascii: "["): depth = 1; isScalar = false
        case UInt8(ascii: "\""): inString = true; isScalar = false
        default: isScalar = true
        }
        done = false
    }

    /// Scans from `i`; returns the index after the value when `done`, else the buffer's end.
    mutating func advance(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var i = start
        let n = bytes.count
        lastNewlineEnd = -1
        if isScalar {
            while i < n {
                let c = bytes[i]
                if JSONRecordFramer.isSpace(c) || c == UInt8(ascii: ",") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}")
                    || c == UInt8(ascii: "[") || c == UInt8(ascii: "{") || c == UInt8(ascii: "\"") {
                    done = true
                    return i
                }
                i += 1
            }
            return i
        }
        while i < n {
            let c = bytes[i]
            i += 1
            if c == 10 { newlines += 1; lastNewlineEnd = i; continue }
            if inString {
                if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 { done = true; return i }
                }
                continue
            }
            if c == UInt8(ascii: "\"") { inString = true }
            else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
            else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { done = true; return i }
            }
        }
        return i
    }
}
