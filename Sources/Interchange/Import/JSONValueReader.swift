import Platform

/// Reads JSON values one after another from a file, a chunk at a time (the `concatenated` and
/// `array` framings of `JSONRecordFramer`): every top-level value is a record, except a
/// top-level array, whose elements are. Memory: one chunk plus the record being read.
struct JSONValueReader {
    private let handle: SystemFile
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var fileOffset = 0
    private var atEOF = false
    /// The file offset of `buffer[0]`.
    private var base = 0
    private var line = 1
    /// The file offset of the current line's first byte.
    private var lineStart = 0

    init(handle: SystemFile, chunkSize: Int) {
        self.handle = handle
        buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    mutating func forEach(_ body: (JSONRecordFramer.Record) throws -> Void) throws {
        try refill()
        if end >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
        var number = 0
        var inArray = false
        var needSeparator = false
        var inThisArray = 0
        while true {
            guard let b = try nextNonSpace() else {
                if inArray { try fail("the input ends inside a JSON array of records (no closing ']'): is the file truncated?", number + 1, body) }
                return
            }
            if inArray {
                if needSeparator {
                    if b == UInt8(ascii: ",") { start += 1; needSeparator = false; continue }
                    if b == UInt8(ascii: "]") { start += 1; inArray = false; continue }
                    return try fail("expected ',' or ']' after the previous record of the array", number + 1, body)
                }
                if b == UInt8(ascii: "]") {
                    if inThisArray > 0 { return try fail("a ',' with no record after it, before ']'", number + 1, body) }
                    start += 1
                    inArray = false
                    continue
                }
                if b == UInt8(ascii: ",") { return try fail("a ',' where a record should be", number + 1, body) }
            } else if b == UInt8(ascii: "[") {
                start += 1
                inArray = true
                needSeparator = false
                inThisArray = 0
                continue
            }
            number += 1
            let recordStart = RecordStart(number: number, line: line, column: base + start - lineStart + 1, byLine: false)
            var scan = ValueScan(first: b)
            var i = start + 1
            while true {
                let from = i
                let e = end
                i = buffer.withUnsafeBytes { raw in scan.advance(UnsafeRawBufferPointer(rebasing: raw[0..<e]), from: from) }
                line += scan.newlines
                scan.newlines = 0
                if scan.lastNewlineEnd >= 0 { lineStart = base + scan.lastNewlineEnd }
                if scan.done { break }
                if atEOF {
                    if scan.isScalar { break }
                    start = end
                    return try body(JSONRecordFramer.Record(bytes: UnsafeRawBufferPointer(start: nil, count: 0), start: recordStart,
                                                            problem: "the input ends inside this record (it is never closed): is the file truncated?", bytesRead: base + end))
                }
                i -= try refill()
            }
            let (s, e) = (start, i)
            start = i
            let done = base + i
            try buffer.withUnsafeBytes { raw in
                try body(JSONRecordFramer.Record(bytes: UnsafeRawBufferPointer(rebasing: raw[s..<e]), start: recordStart, problem: nil, bytesRead: done))
            }
            if inArray {
                needSeparator = true
                inThisArray += 1
            }
        }
    }

    /// Reports a problem at the current place; nothing is read after it.
    private mutating func fail(_ problem: String, _ number: Int, _ body: (JSONRecordFramer.Record) throws -> Void) throws {
        let here = RecordStart(number: number, line: line, column: base + start - lineStart + 1, byLine: false)
        start = end
        try body(JSONRecordFramer.Record(bytes: UnsafeRawBufferPointer(start: nil, count: 0), start: here, problem: problem, bytesRead: base + end))
    }

    /// Skips whitespace (counting lines) and returns the next byte without consuming it; nil at
    /// the end of the input.
    private mutating func nextNonSpace() throws -> UInt8? {
        while true {
            while start < end {
                let c = buffer[start]
                if c == 10 {
                    line += 1
                    lineStart = base + start + 1
                } else if !JSONRecordFramer.isSpace(c) {
                    return c
                }
                start += 1
            }
            if atEOF { return nil }
            try refill()
        }
    }

    /// Moves the unconsumed bytes to the front, grows the buffer when they fill it, and reads
    /// more; returns how far the bytes moved.
    @discardableResult
    private mutating func refill() throws -> Int {
        let shift = try ChunkedRead.refill(handle, &buffer, start: &start, end: &end, fileOffset: &fileOffset, atEOF: &atEOF)
        base += shift
        return shift
    }
}
