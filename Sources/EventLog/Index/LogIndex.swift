/// The in-memory index of a whole log: position → (segment, batch offset) and stream → positions.
///
/// Derived from the segments (or from persisted segment indexes) and never written as truth.
/// About 12 bytes per event: a u32 batch offset per position and a u64 position per stream
/// entry. Not synchronised: `EventLog` guards it with its lock.
struct LogIndex {
    struct Segment {
        var number: UInt32
        var basePosition: UInt64
        /// Offset (in the segment file) of the batch holding position basePosition + i.
        var batchOffsets: [UInt32] = []
        /// End offset of the last indexed batch: bytes past it are not (yet) part of the log.
        var length: Int
        /// For the active segment only: the stream of each event, to persist the index at seal.
        var streamOfEvent: [Int32] = []
        /// True once this segment's batches are known to match the index: built by scanning
        /// them, or a sealed segment loaded from its persisted index and then walked whole
        /// (`IndexCheck`). Readers check the batches of an unchecked segment before serving them.
        var checked = true
        /// For a segment loaded from its persisted index and not yet checked: the streams of its
        /// runs, in file order, from which a walk builds its `SegmentCheckTable`; emptied once
        /// checked.
        var runStreams: [Int32] = []

        /// For a sealed segment of a positions-only handle whose batch offsets are not loaded
        /// yet (`EventLog.loadLazyOffsets`): its event count, from the next segment's base
        /// position. Nil once loaded, and for every segment of a full handle.
        var lazyCount: Int?

        var eventCount: Int { lazyCount ?? batchOffsets.count }
        var endPosition: UInt64 { basePosition + UInt64(eventCount) }  // one past the last
    }

    struct Stream {
        var name: String
        var positions: [UInt64] = []
        var lastRecordedMicros: Int64 = 0
        var count: UInt64 { UInt64(positions.count) }
    }

    /// Why an indexed batch does not follow the one before it.
    struct Inconsistency: Error {
        var reason: String
    }

    var segments: [Segment] = []
    /// A handle that serves positions only (`EventLog.openReadOnly(at:positionsOnly:)`): batches
    /// are indexed by position and offset, streams are not tracked (`streams` stays empty), and a
    /// batch is checked for its place and positions, not its stream's versions.
    var positionsOnly = false
    var streamIDs: [String: Int32] = [:]
    var streams: [Stream] = []
    /// The last position in the log (0 when empty).
    var head: UInt64 = 0

    func streamID(_ name: String) -> Int32? { streamIDs[name] }

    func count(of stream: String) -> UInt64 {
        guard let id = streamIDs[stream] else { return 0 }
        return streams[Int(id)].count
    }

    mutating func id(for name: String) -> Int32 {
        if let id = streamIDs[name] { return id }
        let id = Int32(streams.count)
        streams.append(Stream(name: name))
        streamIDs[name] = id
        return id
    }

    /// Adds a checked batch found at `offset` of the last segment. Throws when the batch's
    /// position or version does not continue the log: a gap is corruption, never skipped.
    mutating func add(
        stream: String, firstPosition: UInt64, firstVersion: UInt64, count: Int,
        lastRecordedMicros: Int64, offset: Int, frameLength: Int, trackStreams: Bool
    ) throws {
        if positionsOnly {
            let off = try checkedOffset(offset, continuing: firstPosition)
            let last = segments.count - 1
            segments[last].batchOffsets.append(contentsOf: repeatElement(off, count: count))
            segments[last].length = offset + frameLength
            head = firstPosition + UInt64(count) - 1
            return
        }
        try add(
            streamID: id(for: stream), firstPosition: firstPosition, firstVersion: firstVersion, count: count,
            lastRecordedMicros: lastRecordedMicros, offset: offset, frameLength: frameLength, trackStreams: trackStreams)
    }

    /// `add` for a stream already known by its id (`id(for:)`): no lookup by name.
    mutating func add(
        streamID id: Int32, firstPosition: UInt64, firstVersion: UInt64, count: Int,
        lastRecordedMicros: Int64, offset: Int, frameLength: Int, trackStreams: Bool
    ) throws {
        let off = try checkedOffset(offset, continuing: firstPosition)
        let current = streams[Int(id)].count
        guard firstVersion == current + 1 else {
            throw Inconsistency(reason: "batch of stream '\(streams[Int(id)].name)' starts at version \(firstVersion) but the stream is at version \(current)")
        }
        let last = segments.count - 1
        for i in 0..<count {
            segments[last].batchOffsets.append(off)
            streams[Int(id)].positions.append(firstPosition + UInt64(i))
            if trackStreams { segments[last].streamOfEvent.append(id) }
        }
        segments[last].length = offset + frameLength
        streams[Int(id)].lastRecordedMicros = lastRecordedMicros
        head = firstPosition + UInt64(count) - 1
    }

    /// What every added batch must be: the next positions after the head, at an offset the
    /// index can hold. Returns the offset as stored.
    private func checkedOffset(_ offset: Int, continuing firstPosition: UInt64) throws -> UInt32 {
        guard firstPosition == head + 1 else {
            throw Inconsistency(reason: "batch starts at position \(firstPosition) but the log's head is \(head)")
        }
        guard let off = UInt32(exactly: offset) else {
            throw Inconsistency(reason: "batch offset \(offset) is past the largest segment size")
        }
        return off
    }

    /// The segment (array index) holding `position`, by base positions alone.
    func segment(holding position: UInt64) -> Int? {
        guard position >= 1, position <= head, !segments.isEmpty else { return nil }
        var lo = 0, hi = segments.count - 1
        while lo < hi {  // last segment whose base <= position
            let mid = (lo + hi + 1) / 2
            if segments[mid].basePosition <= position { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Where the batch holding `position` is: segment array index and byte offset. Nil for a
    /// segment whose offsets are not loaded (`lazyCount`): load them first.
    func location(of position: UInt64) -> (segment: Int, offset: Int)? {
        guard let lo = segment(holding: position) else { return nil }
        let s = segments[lo]
        let i = Int(position - s.basePosition)
        guard i >= 0, i < s.batchOffsets.count else { return nil }
        return (lo, Int(s.batchOffsets[i]))
    }

    /// The stream's summary counting only events up to position `limit` (nil when it has none).
    func info(of id: Int32, upTo limit: UInt64 = .max) -> StreamInfo? {
        let s = streams[Int(id)]
        var count = s.positions.count
        if let last = s.positions.last, last > limit {
            count = EventLog.lowerBound(s.positions, limit + 1)
        }
        guard count > 0 else { return nil }
        return StreamInfo(
            name: s.name, category: StreamName.category(of: s.name), count: UInt64(count),
            lastPosition: s.positions[count - 1],
            lastRecordedMicros: s.lastRecordedMicros)
    }

    /// Bytes held by the index arrays (capacity, not count): the figure benchmarks report.
    var memoryBytes: Int {
        var total = 0
        for s in segments { total += s.batchOffsets.capacity * 4 + s.streamOfEvent.capacity * 4 + s.runStreams.capacity * 4 }
        for s in streams { total += s.positions.capacity * 8 + s.name.utf8.count + 48 }
        total += streamIDs.capacity * 24
        return total
    }
}
