import Platform

/// The lookup side of one sealed segment's trace index: the bucket table in memory, the
/// entries read on demand from the file (or from memory when the file could not be saved).
struct TraceTable: Sendable {
    /// Where the file's bytes are.
    enum Source: Sendable {
        case file(SystemFile)
        case memory([UInt8])

        func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws -> Int {
            switch self {
            case .file(let f): return try f.read(into: buffer, count: count, at: offset)
            case .memory(let bytes):
                guard offset >= 0, offset < bytes.count else { return 0 }
                let n = min(count, bytes.count - offset)
                bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
                return n
            }
        }

        func read(count: Int, at offset: Int) throws -> [UInt8] {
            var out = [UInt8](repeating: 0, count: count)
            let n = try out.withUnsafeMutableBytes { try read(into: $0.baseAddress!, count: count, at: offset) }
            if n < count { out.removeLast(count - n) }
            return out
        }

        func close() { if case .file(let f) = self { f.close() } }
    }

    var source: Source
    var basePosition: UInt64
    var eventCount: UInt64
    var bucketBits: UInt32
    var bucketStarts: [UInt32]
    var entriesOffset: Int

    /// Positions whose entries carry `hash`, ascending (candidates: the caller checks the events).
    func candidates(_ hash: UInt32) throws -> [UInt64] {
        let b = TraceIndexFile.bucket(of: hash, bits: bucketBits)
        let start = Int(bucketStarts[b]), end = Int(bucketStarts[b + 1])
        var out: [UInt64] = []
        var at = start
        let chunk = 8192
        while at < end {
            let n = min(chunk, end - at)
            let bytes = try source.read(count: 8 * n, at: entriesOffset + 8 * at)
            guard bytes.count == 8 * n else { break }  // the file shrank under us: nothing more to trust
            for i in 0..<n {
                guard TraceIndexFile.u32(bytes, 8 * i) == hash else { continue }
                let offset = UInt64(TraceIndexFile.u32(bytes, 8 * i + 4))
                if offset < eventCount { out.append(basePosition + offset) }
            }
            at += n
        }
        return out
    }
}

/// The trace index of the active segment, in memory and extended as the log grows: a hash
/// chain (head per hash, then a link per entry), about 16 bytes an entry.
struct ActiveTraceTable: Sendable {
    var number: UInt32
    var basePosition: UInt64
    /// One past the last position scanned.
    var end: UInt64
    private var heads: [UInt32: Int32] = [:]
    private var next: [Int32] = []
    private var positions: [UInt64] = []

    init(number: UInt32, basePosition: UInt64) {
        self.number = number
        self.basePosition = basePosition
        self.end = basePosition
    }

    mutating func add(_ hash: UInt32, position: UInt64) {
        next.append(heads[hash] ?? -1)
        positions.append(position)
        heads[hash] = Int32(positions.count - 1)
    }

    func candidates(_ hash: UInt32) -> [UInt64] {
        var out: [UInt64] = []
        var i = heads[hash] ?? -1
        while i >= 0 {
            out.append(positions[Int(i)])
            i = next[Int(i)]
        }
        return out.reversed()
    }
}
