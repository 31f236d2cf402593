import Platform
/// Reads framed batches from segment files through one reusable buffer (pread, never mmap: the
/// active segment grows under readers). Sequential scans read in large chunks; random reads of
/// nearby batches are served from the chunk already read.
///
/// Not thread-safe: each reading call owns its own `BatchReader`.
struct BatchReader {
    private var storage: [UInt8] = []
    private var fileOffset = 0
    private var count = 0
    private var currentPath = ""
    /// The largest read-ahead.
    let chunkSize: Int
    /// The next read-ahead: starts small (a single-event read should not copy 256 KiB), doubles
    /// on every refill that continues the previous read up to `chunkSize`, so scans soon read in
    /// large chunks, and drops back after a jump (a stream whose batches are spread through the
    /// log reads each batch, not 256 KiB around it).
    private var readAhead: Int
    private static let firstReadAhead = 4 << 10

    init(chunkSize: Int = 1 << 20) {
        self.chunkSize = chunkSize
        readAhead = min(chunkSize, Self.firstReadAhead)
    }

    /// Where a scan stopped.
    enum Stop: Equatable {
        /// Exactly at `limit`: every byte was a valid batch.
        case end
        /// A frame starts at `offset` but runs past `limit` (a tail still being written, or torn).
        case incomplete(offset: Int)
        /// A zero length field at `offset`: the writer's zeroed space, nothing more written yet.
        case unwritten(offset: Int)
        /// The frame at `offset` is damaged.
        case invalid(offset: Int, reason: String)
    }

    /// Drops what the buffer holds, so the next read goes to the file. A scan that stopped at
    /// the writer's zeros buffered them; once the writer has written there (and sealed the
    /// segment), a second scan of the same bytes must not be served those stale zeros.
    mutating func forget() {
        count = 0
        currentPath = ""
    }

    /// Makes the buffer hold at least `needed` bytes from `offset` (fewer only at `limit`).
    private mutating func fill(_ handle: SystemFile, at offset: Int, needed: Int, limit: Int) throws {
        if handle.path == currentPath, offset >= fileOffset, offset + needed <= fileOffset + count { return }
        let continues = handle.path == currentPath && offset >= fileOffset && offset <= fileOffset + count + Self.firstReadAhead
        if !continues { readAhead = min(chunkSize, Self.firstReadAhead) }
        let want = min(max(needed, readAhead), limit - offset)
        readAhead = min(readAhead * 2, chunkSize)
        if storage.count < want { storage = [UInt8](repeating: 0, count: want) }
        let result = storage.withUnsafeMutableBytes { raw -> Result<Int, any Error> in
            guard let base = raw.baseAddress else { return .success(0) }
            do { return .success(try handle.read(into: base, count: want, at: offset)) } catch {
                return .failure(EventLogError.readFailure(error, segment: handle.path, offset: offset, count: want))
            }
        }
        let got = try result.get()
        fileOffset = offset
        count = got
        currentPath = handle.path
    }

    /// Checks the batch at `offset` of `handle`, whose valid bytes end at `limit`.
    private mutating func check(_ handle: SystemFile, at offset: Int, limit: Int) throws -> (BatchCodec.Check, Int) {
        try fill(handle, at: offset, needed: min(4, limit - offset), limit: limit)
        var result = checkBuffered(at: offset)
        if case .incomplete(let needed) = result, offset + needed <= limit {
            try fill(handle, at: offset, needed: needed, limit: limit)
            result = checkBuffered(at: offset)
        }
        return (result, offset - fileOffset)
    }

    private func checkBuffered(at offset: Int) -> BatchCodec.Check {
        storage.withUnsafeBytes { raw in
            let window = UnsafeRawBufferPointer(rebasing: raw[0..<count])
            return BatchCodec.check(window, at: offset - fileOffset)
        }
    }

    /// Calls `body` with the checked batch at `offset`; the index promised one is there, so
    /// anything else is corruption, reported with the segment and offset.
    mutating func withBatch<R>(
        _ handle: SystemFile, at offset: Int, limit: Int,
        _ body: (BatchCodec.Header, UnsafeRawBufferPointer) throws -> R
    ) throws -> R {
        let (result, _) = try check(handle, at: offset, limit: limit)
        switch result {
        case .valid(let header):
            return try storage.withUnsafeBytes { raw in
                try body(header, UnsafeRawBufferPointer(rebasing: raw[0..<count]))
            }
        case .incomplete, .unwritten:
            throw EventLogError.corrupt(segment: handle.path, offset: offset, reason: "the indexed batch runs past the end of the segment")
        case .invalid(let reason):
            throw EventLogError.corrupt(segment: handle.path, offset: offset, reason: reason)
        }
    }

    /// Visits every valid batch from `offset` up to `limit` in order, with its file offset;
    /// stops early when `visit` returns false (reported as `.end` at that batch's end).
    mutating func scan(
        _ handle: SystemFile, from offset: Int, limit: Int,
        _ visit: (BatchCodec.Header, UnsafeRawBufferPointer, Int) throws -> Bool
    ) throws -> (stop: Stop, offset: Int) {
        var at = offset
        while at < limit {
            let (result, _) = try check(handle, at: at, limit: limit)
            switch result {
            case .valid(let header):
                let keepGoing = try storage.withUnsafeBytes { raw in
                    try visit(header, UnsafeRawBufferPointer(rebasing: raw[0..<count]), at)
                }
                at += header.frameLength
                if !keepGoing { return (.end, at) }
            case .incomplete:
                return (.incomplete(offset: at), at)
            case .unwritten:
                return (.unwritten(offset: at), at)
            case .invalid(let reason):
                return (.invalid(offset: at, reason: reason), at)
            }
        }
        return (.end, at)
    }

    /// True when every byte in [from, limit) is zero (the writer's preallocated space).
    mutating func isZeroFilled(_ handle: SystemFile, from: Int, limit: Int) throws -> Bool {
        var at = from
        while at < limit {
            try fill(handle, at: at, needed: min(limit - at, chunkSize), limit: limit)
            let start = at - fileOffset
            let end = min(count, limit - fileOffset)
            guard end > start else { return false }
            let zero = storage.withUnsafeBytes { raw in
                UnsafeRawBufferPointer(rebasing: raw[start..<end]).allSatisfy { $0 == 0 }
            }
            if !zero { return false }
            at = fileOffset + end
        }
        return true
    }

    /// True when some offset in (after, limit) starts a complete, valid batch that continues the
    /// log (first position beyond `position`): the test that tells a torn tail (nothing valid
    /// after the damage) from corruption before the tail. Batches with older positions do not
    /// count: they can only be bytes inside an event's data (a copy of some earlier batch).
    mutating func validBatchExists(_ handle: SystemFile, after: Int, limit: Int, beyond position: UInt64) throws -> Bool {
        var at = after + 1
        var probe = BatchReader(chunkSize: 64 << 10)
        while at + 4 <= limit {
            try fill(handle, at: at, needed: min(limit - at, 4 << 20), limit: limit)
            let windowStart = fileOffset
            let windowCount = count
            // Candidates whose length field is sane and whose frame fits in the file.
            var candidates: [(offset: Int, length: Int, suffixMatched: Bool)] = []
            storage.withUnsafeBytes { raw in
                let window = UnsafeRawBufferPointer(rebasing: raw[0..<windowCount])
                var o = at - windowStart
                while o + 4 <= window.count {
                    let length = Int(window.u32(at: o))
                    if length >= LogFormat.batchBodyHeaderSize, length <= LogFormat.maxBatchBodyBytes,
                       windowStart + o + length + LogFormat.batchFrameOverhead <= limit {
                        if o + length + LogFormat.batchFrameOverhead <= window.count {
                            if Int(window.u32(at: o + 8 + length)) == length { candidates.append((windowStart + o, length, true)) }
                        } else {
                            candidates.append((windowStart + o, length, false))
                        }
                    }
                    o += 1
                }
            }
            for candidate in candidates {
                if !candidate.suffixMatched {
                    let at = candidate.offset + 8 + candidate.length
                    let suffix: [UInt8]
                    do { suffix = try handle.read(count: 4, at: at) } catch {
                        throw EventLogError.readFailure(error, segment: handle.path, offset: at, count: 4)
                    }
                    let value = suffix.count == 4 ? suffix.withUnsafeBytes { Int($0.u32(at: 0)) } : -1
                    if value != candidate.length { continue }
                }
                let (result, _) = try probe.check(handle, at: candidate.offset, limit: limit)
                if case .valid(let header) = result, header.firstPosition > position { return true }
            }
            let windowEnd = windowStart + windowCount
            if windowEnd >= limit { break }
            // The file ended before `limit` (a writer trimmed its preallocated space while we
            // scanned): nothing more to read, and `at` would stop moving.
            if windowEnd - 3 <= at { break }
            at = windowEnd - 3
        }
        return false
    }
}
