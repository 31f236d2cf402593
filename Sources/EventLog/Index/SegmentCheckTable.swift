/// What a walk compares an unchecked sealed segment's batches with, built once from the index
/// so that the check of each batch takes no lock, hashes no stream name and allocates nothing.
///
/// `LogIndex.mismatch` answers the same question for one batch, but each call looks the batch's
/// stream up by name in the index's dictionary under the log's lock: about a fifth of the CPU
/// of `rewind find` on a log of one-event batches, paid again by every process that reads the
/// segment. The table holds, for each position of the segment, the stream run (an entry of the
/// segment's persisted index, `LogIndex.Segment.runStreams`) that owns it and its ordinal in
/// that run; a batch matches when all its positions sit in its batch offset, its neighbours do
/// not, one run owns them all, with consecutive ordinals, and that run's stream and first
/// version are the batch's. That is `mismatch`'s test: every position of the batch at this
/// offset and no other, and the stream's versions v…v+c−1 at exactly these positions. On a
/// mismatch the caller asks `mismatch` for the message, so the reasons read as before.
///
/// Built in O(runs · log n + events of the segment): 8 bytes per event of the segment, held only
/// while one walk covers it. Not synchronised: one walk owns it.
struct SegmentCheckTable {
    let base: UInt64
    /// One past the segment's last position.
    let end: UInt64
    private let offsets: [UInt32]
    /// The run that owns each position (`UInt32.max`: none), and the position's ordinal in it.
    private var owner: [UInt32]
    private var ordinal: [UInt32]
    private var names: [String] = []
    /// The version of each run's first position in this segment.
    private var firstVersions: [UInt64] = []

    /// The table of segment `k`, or nil when the index has no run list for it (a segment built
    /// by scanning is checked already and needs none).
    init?(index: LogIndex, segment k: Int) {
        guard index.segments.indices.contains(k) else { return nil }
        let segment = index.segments[k]
        guard !segment.runStreams.isEmpty, segment.eventCount < Int(UInt32.max) else { return nil }
        base = segment.basePosition
        end = segment.endPosition
        offsets = segment.batchOffsets
        let count = segment.eventCount
        owner = [UInt32](repeating: .max, count: count)
        ordinal = [UInt32](repeating: 0, count: count)
        names.reserveCapacity(segment.runStreams.count)
        firstVersions.reserveCapacity(segment.runStreams.count)
        for id in segment.runStreams {
            guard index.streams.indices.contains(Int(id)) else { return nil }
            let stream = index.streams[Int(id)]
            let run = UInt32(names.count)
            names.append(stream.name)
            let first = EventLog.lowerBound(stream.positions, base)
            firstVersions.append(UInt64(first + 1))
            var j = first
            let positions = stream.positions
            while j < positions.count, positions[j] < end {
                let i = Int(positions[j] - base)
                // A stream listed twice keeps its first run: its positions are the same.
                if owner[i] == .max {
                    owner[i] = run
                    ordinal[i] = UInt32(truncatingIfNeeded: j - first)
                }
                j += 1
            }
        }
    }

    /// True when the batch at `offset` holding positions `firstPosition`… (`count` of them) of
    /// `stream`, from version `firstVersion`, is exactly what the index says is there. The
    /// claim's ranges are checked (`LogFormat.rangeIsValid`) by whoever decoded it.
    func matches(offset: Int, stream: String, firstPosition: UInt64, firstVersion: UInt64, count: Int) -> Bool {
        guard count >= 1, firstPosition >= base, firstPosition < end, UInt64(count) <= end - firstPosition else { return false }
        let i = Int(firstPosition - base)
        let at = UInt32(truncatingIfNeeded: offset)
        guard UInt64(offset) <= UInt64(UInt32.max) else { return false }
        let run = owner[i]
        guard run != .max else { return false }
        let first = ordinal[i]
        for j in i..<(i + count) {
            guard offsets[j] == at, owner[j] == run, ordinal[j] == first &+ UInt32(truncatingIfNeeded: j - i) else { return false }
        }
        if i > 0, offsets[i - 1] == at { return false }
        if i + count < offsets.count, offsets[i + count] == at { return false }
        return firstVersions[Int(run)] + UInt64(first) == firstVersion && names[Int(run)] == stream
    }
}
