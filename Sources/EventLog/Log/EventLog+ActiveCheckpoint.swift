import Platform

/// Reading and writing the active segment's index checkpoint (`ActiveIndexCheckpoint`,
/// docs/FORMAT.md "The active segment's index checkpoint").
extension EventLog {
    static func activeIndexFile(_ n: UInt32) -> String { LogFormat.indexDirectory + "/" + LogFormat.activeIndexFileName(n) }

    /// Loads the checkpoint of the last segment (whose header the caller read and appended to
    /// `index` with nothing else) when it holds up; otherwise leaves `index` as it was, and the
    /// caller scans the segment from its header. Never throws: a checkpoint that cannot be read
    /// or checked is not used, and the scan reports whatever is wrong with the segment.
    static func loadActiveCheckpoint(log: String, number: UInt32, handle: SystemFile, segmentSize: Int, cap: UInt64?, into index: inout LogIndex) {
        guard let last = index.segments.indices.last, index.segments[last].eventCount == 0 else { return }
        guard let bytes = try? FileSystem.readFile(log + "/" + activeIndexFile(number)),
              let file = ActiveIndexCheckpoint.decode(bytes, number: number, basePosition: index.head + 1, segmentSize: segmentSize, positionsOnly: index.positionsOnly),
              let lastOffset = file.batchOffsets.last.map(Int.init), lastOffset < file.segmentLength,
              let frame = try? handle.read(count: file.segmentLength - lastOffset, at: lastOffset),
              frame.count == file.segmentLength - lastOffset,
              ActiveIndexCheckpoint.lastBatchMatches(file, frame: frame) else { return }
        _ = adoptIndexFile(file, cap: cap, into: &index)
    }

    /// Writes the checkpoint of the active segment (the writer, at a clean close, after the
    /// final commit record is durable). Best effort: a checkpoint that is not written costs the
    /// next reader a scan, nothing else. Caller holds the monitor.
    func writeActiveCheckpoint(handle: SystemFile) {
        guard let segment = index.segments.last, let end = Optional(segment.length), end > LogFormat.segmentHeaderSize + 8,
              let crcBytes = try? handle.read(count: 4, at: end - 8), crcBytes.count == 4 else { return }
        let crc = crcBytes.withUnsafeBytes { $0.u32(at: 0) }
        guard let file = ActiveIndexCheckpoint.make(segment: segment, index: index, lastBatchCRC: crc) else { return }
        try? jail.writeAtomically(ActiveIndexCheckpoint.encoded(file), to: Self.activeIndexFile(segment.number), durable: false)
    }

    /// Removes the checkpoint of a segment that was just sealed (its index file replaces it).
    func removeActiveCheckpoint(number: UInt32) {
        try? jail.remove(Self.activeIndexFile(number))
    }
}
