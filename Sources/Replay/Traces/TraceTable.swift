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

/// The trace index of the active segment, in memory and extended as the log grows: keys
/// `hash << 32 | offset` in a sorted array (binary search) plus the newest ones unsorted (a
/// linear pass), merged in once there are enough of them. 8 bytes an entry; building it is an
/// append and one sort, which costs a fraction of a hash table's inserts.
struct ActiveTraceTable: Sendable {
    var number: UInt32
    var basePosition: UInt64
    /// One past the last position scanned.
    var end: UInt64
    private var sorted: [UInt64] = []
    private var recent: [UInt64] = []
    /// More unsorted keys than this are merged into the sorted ones.
    static let recentLimit = 4_096

    init(number: UInt32, basePosition: UInt64) {
        self.number = number
        self.basePosition = basePosition
        self.end = basePosition
    }

    mutating func add(_ hash: UInt32, position: UInt64) {
        recent.append(UInt64(hash) << 32 | (position - basePosition))
    }

    /// Merges the recent keys into the sorted ones when there are many (after a scan).
    mutating func settle() {
        guard recent.count > Self.recentLimit else { return }
        sorted.append(contentsOf: recent)
        recent = []
        sorted.sort()
    }

    func candidates(_ hash: UInt32) -> [UInt64] {
        let low = UInt64(hash) << 32
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < low { lo = mid + 1 } else { hi = mid }
        }
        var out: [UInt64] = []
        while lo < sorted.count && sorted[lo] >> 32 == UInt64(hash) {
            out.append(basePosition + (sorted[lo] & 0xFFFF_FFFF))
            lo += 1
        }
        for key in recent where key >> 32 == UInt64(hash) { out.append(basePosition + (key & 0xFFFF_FFFF)) }
        return out
    }
}
