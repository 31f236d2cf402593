/// Checks batches found in a segment against the in-memory index, so that a sealed segment whose
/// persisted index was trusted at open is never served unless its bytes agree with it.
///
/// A persisted index is derived data with its own CRC; the segment's batches have theirs. Each
/// can be whole while the two disagree (batches swapped, a position rewritten and the batch's CRC
/// recomputed, a copied file). Readers compare every batch they serve from an unchecked segment
/// with what the index says is there: the batch boundaries (every position of the batch is
/// indexed at this offset, its neighbours are not), the positions and the stream's versions.
/// Continuity from batch to batch is the walker's part (`expected`). Pure and cheap: a few array
/// reads and one dictionary lookup per batch, none per event.
extension LogIndex {
    /// What a batch header says, as far as the index is concerned.
    struct BatchClaim {
        var offset: Int
        var stream: String
        var firstPosition: UInt64
        var firstVersion: UInt64
        var count: Int
    }

    /// Why `claim`, found in segment `k`, disagrees with the index; nil when it matches.
    /// The claim's ranges are checked (`LogFormat.rangeIsValid`) by whoever decoded it.
    func mismatch(_ claim: BatchClaim, inSegment k: Int) -> String? {
        let segment = segments[k]
        let last = claim.firstPosition + UInt64(claim.count - 1)
        // Only built for an answer: this runs for every batch of a segment's first walk.
        var where_: String { "the batch at this offset holds positions \(claim.firstPosition)–\(last) of stream '\(claim.stream)'" }
        guard claim.firstPosition >= segment.basePosition, last < segment.endPosition else {
            return where_ + ", but the index of this segment holds positions \(segment.basePosition)–\(segment.endPosition - 1)"
        }
        let i = Int(claim.firstPosition - segment.basePosition)
        let offset = UInt32(truncatingIfNeeded: claim.offset)
        let offsets = segment.batchOffsets
        for j in i..<(i + claim.count) where offsets[j] != offset {
            return where_ + ", but the index expects position \(segment.basePosition + UInt64(j)) in the batch at offset \(offsets[j])"
        }
        if i > 0, offsets[i - 1] == offset {
            return where_ + ", but the index expects this batch to start at position \(segment.basePosition + UInt64(i - 1)) or before"
        }
        if i + claim.count < offsets.count, offsets[i + claim.count] == offset {
            return where_ + ", but the index expects this batch to go on past position \(last)"
        }
        // A positions-only handle knows no streams: the batch's place and positions are all it checks.
        if positionsOnly { return nil }
        guard let id = streamIDs[claim.stream] else {
            return where_ + ", a stream the index does not know"
        }
        let positions = streams[Int(id)].positions
        let v = claim.firstVersion - 1
        guard v < UInt64(positions.count), UInt64(claim.count) <= UInt64(positions.count) - v,
              positions[Int(v)] == claim.firstPosition, positions[Int(v) + claim.count - 1] == last else {
            let expected = v < UInt64(positions.count) ? "at position \(positions[Int(v)])" : "absent (the stream has \(positions.count) events)"
            return where_ + " as versions \(claim.firstVersion)–\(claim.firstVersion + UInt64(claim.count - 1)), but the index has version \(claim.firstVersion) of that stream " + expected
        }
        return nil
    }
}
