/// Decodes a segment's index file on its own, from raw bytes: the entry point of the `index`
/// fuzz target (Fuzz/), which lives in another package and cannot see `SegmentIndexFile`.
///
/// Opening a log reads index files through the same decoder, and only ever uses one that
/// decodes; this check adds nothing to that path.
public enum IndexFileCheck {
    /// What decoding found.
    public enum Outcome: Sendable, Equatable {
        /// Refused, with the reason opening would rebuild the index for.
        case refused(String)
        /// Decoded. `roundTrips` says whether encoding what was decoded and decoding that gives
        /// the same index again (it must: the writer and the reader share one grammar).
        case decoded(events: Int, streams: Int, roundTrips: Bool)
    }

    /// Decodes `bytes` as an index file (magic, version, CRC and every length are checked).
    public static func decode(_ bytes: [UInt8]) -> Outcome {
        let file: SegmentIndexFile
        switch SegmentIndexFile.decode(bytes) {
        case .failure(let problem): return .refused(problem.description)
        case .success(let decoded): file = decoded
        }
        let again: SegmentIndexFile
        switch SegmentIndexFile.decode(file.encoded()) {
        case .failure: return .decoded(events: file.batchOffsets.count, streams: file.streams.count, roundTrips: false)
        case .success(let decoded): again = decoded
        }
        return .decoded(events: file.batchOffsets.count, streams: file.streams.count, roundTrips: same(file, again))
    }

    private static func same(_ a: SegmentIndexFile, _ b: SegmentIndexFile) -> Bool {
        guard a.number == b.number, a.basePosition == b.basePosition, a.segmentLength == b.segmentLength,
              a.batchOffsets == b.batchOffsets, a.streams.count == b.streams.count else { return false }
        for (x, y) in zip(a.streams, b.streams) {
            guard x.name == y.name, x.firstVersion == y.firstVersion, x.lastRecordedMicros == y.lastRecordedMicros,
                  x.positions == y.positions else { return false }
        }
        return true
    }
}
