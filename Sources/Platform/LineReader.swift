#if canImport(Glibc)
import Glibc
#endif

/// Reads a file line by line in large chunks; lines are handed out as borrowed bytes without
/// their "\n" (or "\r\n"). Not thread-safe.
public struct LineReader {
    private let handle: SystemFile
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var fileOffset = 0
    private var atEOF = false
    /// Bytes consumed so far (for progress).
    public private(set) var bytesRead = 0
    /// 1-based number of the last line handed out.
    public private(set) var lineNumber = 0

    public init(handle: SystemFile, chunkSize: Int = 1 << 20) {
        self.handle = handle
        buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    /// Calls `body` with each line, its 1-based number and the bytes consumed so far, until the
    /// end of the file or until it returns false.
    public mutating func forEachLine(_ body: (UnsafeRawBufferPointer, Int, Int) throws -> Bool) throws {
        while true {
            // Find the next newline in [start, end).
            let (s0, e0) = (start, end)
            let newline = buffer.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress, e0 > s0, let hit = memchr(base + s0, 10, e0 - s0) else { return -1 }
                return base.distance(to: UnsafeRawPointer(hit))
            }
            if newline < 0 {
                if atEOF {
                    if start < end {
                        lineNumber += 1
                        bytesRead += end - start
                        let s = start, e = end
                        start = end
                        let (n, done) = (lineNumber, bytesRead)
                        _ = try buffer.withUnsafeBytes { try body(trimmed(UnsafeRawBufferPointer(rebasing: $0[s..<e])), n, done) }
                    }
                    return
                }
                try refill()
                continue
            }
            lineNumber += 1
            bytesRead += newline + 1 - start
            let s = start
            start = newline + 1
            let (n, done) = (lineNumber, bytesRead)
            let keepGoing = try buffer.withUnsafeBytes { try body(trimmed(UnsafeRawBufferPointer(rebasing: $0[s..<newline])), n, done) }
            if !keepGoing { return }
        }
    }

    private func trimmed(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if let last = line.last, last == 13 { return UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        return line
    }

    /// Keeps the partial line, grows the buffer when one line fills it, reads more.
    private mutating func refill() throws {
        try ChunkedRead.refill(handle, &buffer, start: &start, end: &end, fileOffset: &fileOffset, atEOF: &atEOF)
    }
}
