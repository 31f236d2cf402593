/// The refill step of the readers that go through a file a large chunk at a time
/// (`LineReader`, Interchange's `JSONValueReader`): they hand out bytes of one buffer, and
/// when what is left does not hold a whole line or value they call this.
public enum ChunkedRead {
    /// Moves the unconsumed bytes `buffer[start..<end]` to the front, doubles the buffer when
    /// they fill it (a line or value longer than a chunk), and reads as much as fits from
    /// `fileOffset` on. `start` becomes 0; `end`, `fileOffset` and `atEOF` (set when the read
    /// returned nothing) follow. Returns how far the unconsumed bytes moved.
    @discardableResult
    public static func refill(
        _ handle: SystemFile, _ buffer: inout [UInt8], start: inout Int, end: inout Int, fileOffset: inout Int, atEOF: inout Bool
    ) throws -> Int {
        let shift = start
        let partial = end - start
        if shift > 0 {
            buffer.withUnsafeMutableBytes { raw in
                guard let p = raw.baseAddress else { return }
                p.copyMemory(from: p + shift, byteCount: partial)
            }
        }
        start = 0
        end = partial
        if end == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: max(1, buffer.count))) }
        let room = buffer.count - end
        let (offset, filled) = (fileOffset, end)
        let got = try buffer.withUnsafeMutableBytes { raw -> Int in
            guard let p = raw.baseAddress else { return 0 }
            return try handle.read(into: p + filled, count: room, at: offset)
        }
        fileOffset += got
        end += got
        if got == 0 { atEOF = true }
        return shift
    }
}
