import EventLog
import Platform

/// The lookup side of one trace index file: the page directory in memory, the pages read on
/// demand from the file (or from memory when the file could not be saved) and checked as read.
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
    /// Each page's first hash, ascending, and its checksum (the file's directory).
    var firstHashes: [UInt32]
    var pageCRCs: [UInt32]
    var entryCount: Int
    var entriesOffset: Int

    /// Positions whose entries carry `hash`, ascending (candidates: the caller checks the events).
    /// Reads only the pages `hash` can be in, each checked against its checksum first.
    /// - Throws: `TraceIndexFile.Problem.damaged` when a page fails its checksum or cannot be
    ///   read whole (the caller rebuilds the file); nothing from a bad page is used.
    func candidates(_ hash: UInt32) throws(TraceIndexFile.Problem) -> [UInt64] {
        // The first page whose first hash is >= hash; the page before it may end with hash.
        var lo = 0, hi = firstHashes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if firstHashes[mid] < hash { lo = mid + 1 } else { hi = mid }
        }
        var out: [UInt64] = []
        var page = max(lo - 1, 0)
        while page < firstHashes.count && firstHashes[page] <= hash {
            try forEachEntry(ofPage: page) { h, offset in
                if h == hash, UInt64(offset) < eventCount { out.append(basePosition + UInt64(offset)) }
            }
            page += 1
        }
        return out
    }

    /// Every key of the file, `hash << 32 | offset`, in file order (sorted when the file is sound).
    func allKeys() throws(TraceIndexFile.Problem) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(entryCount)
        for page in 0..<firstHashes.count {
            try forEachEntry(ofPage: page) { h, offset in out.append(UInt64(h) << 32 | UInt64(offset)) }
        }
        return out
    }

    private func forEachEntry(ofPage page: Int, _ body: (UInt32, UInt32) -> Void) throws(TraceIndexFile.Problem) {
        let first = page * TraceIndexFile.pageEntries
        let n = min(TraceIndexFile.pageEntries, entryCount - first)
        guard n > 0 else { return }
        let bytes: [UInt8]
        do { bytes = try source.read(count: 8 * n, at: entriesOffset + 8 * first) } catch {
            throw .damaged("page \(page + 1) cannot be read (\(error))")
        }
        guard bytes.count == 8 * n else { throw .damaged("it is shorter than its counts (page \(page + 1))") }
        guard Checksum.crc32c(bytes) == pageCRCs[page] else {
            throw .damaged("page \(page + 1) of \(firstHashes.count) fails its checksum")
        }
        for i in 0..<n { body(TraceIndexFile.u32(bytes, 8 * i), TraceIndexFile.u32(bytes, 8 * i + 4)) }
    }
}

/// The trace index of the active segment: its checkpoint file (the keys of its first events,
/// `index/NNNNNNNNNNNN.trp`) when one holds up, and the keys of the events after it in memory,
/// extended as the log grows: `hash << 32 | offset` in a sorted array (binary search) plus the
/// newest ones unsorted (a linear pass), merged in once there are enough of them. 8 bytes an
/// entry; building it is an append and one sort, which costs a fraction of a hash table's inserts.
struct ActiveTraceTable: Sendable {
    var number: UInt32
    var basePosition: UInt64
    /// One past the last position indexed.
    var end: UInt64
    /// The checkpoint file covering positions `basePosition..<prefixEnd`, if any.
    var prefix: TraceTable?
    var prefixEnd: UInt64
    private var sorted: [UInt64] = []
    private var recent: [UInt64] = []
    /// More unsorted keys than this are merged into the sorted ones.
    static let recentLimit = 4_096

    init(number: UInt32, basePosition: UInt64) {
        self.number = number
        self.basePosition = basePosition
        self.end = basePosition
        self.prefixEnd = basePosition
    }

    /// A table that starts from a checkpoint file of the segment's first `prefix.eventCount` events.
    init(number: UInt32, basePosition: UInt64, prefix: TraceTable) {
        self.init(number: number, basePosition: basePosition)
        self.prefix = prefix
        self.prefixEnd = basePosition + prefix.eventCount
        self.end = prefixEnd
    }

    /// Events indexed in memory (past the checkpoint).
    var eventsInMemory: UInt64 { end - prefixEnd }

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

    /// Every key of the segment so far (the checkpoint's and memory's), sorted: a new checkpoint's.
    /// - Throws: the checkpoint file's problem when one of its pages is damaged.
    func allKeys() throws(TraceIndexFile.Problem) -> [UInt64] {
        var keys = try prefix?.allKeys() ?? []
        keys.reserveCapacity(keys.count + sorted.count + recent.count)
        keys += sorted
        keys += recent
        keys.sort()  // runs already sorted: a merge
        return keys
    }

    /// Positions whose keys carry `hash`: the checkpoint's, then memory's.
    /// - Throws: the checkpoint file's problem when the page read is damaged.
    func candidates(_ hash: UInt32) throws(TraceIndexFile.Problem) -> [UInt64] {
        var out = try prefix?.candidates(hash) ?? []
        let low = UInt64(hash) << 32
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < low { lo = mid + 1 } else { hi = mid }
        }
        while lo < sorted.count && sorted[lo] >> 32 == UInt64(hash) {
            out.append(basePosition + (sorted[lo] & 0xFFFF_FFFF))
            lo += 1
        }
        for key in recent where key >> 32 == UInt64(hash) { out.append(basePosition + (key & 0xFFFF_FFFF)) }
        return out
    }
}
