import Platform

/// Loading a sealed segment's batch offsets when a read first reaches it, for a positions-only
/// handle (`openReadOnly(at:positionsOnly:)`): opening such a handle reads each sealed
/// segment's header and nothing else, so `rewind trace` on a log of millions of events pays
/// only for the one or two segments its events are in.
extension EventLog {
    /// Makes segment `k`'s batch offsets present: from its persisted index when that decodes
    /// (CRC, counts, offsets in order and inside the segment) and describes the segment (number,
    /// base position, length, and exactly the event count the next segment's base implies);
    /// otherwise by scanning the segment, every batch checked and in position order. The batches
    /// of an index so loaded are still compared with it when they are read (`readAll`).
    /// Caller holds the monitor.
    /// - Throws: `EventLogError.corrupt` (segment, offset, what) when the segment's batches do
    ///   not hold exactly the positions its place in the log requires.
    func loadLazyOffsets(_ k: Int) throws {
        guard k < index.segments.count, let count = index.segments[k].lazyCount else { return }
        let segment = index.segments[k]
        if let bytes = try? FileSystem.readFile(indexFilePath(segment.number)),
           case .success(let file) = SegmentIndexFile.decodeOffsets(bytes),
           file.number == segment.number, file.basePosition == segment.basePosition,
           file.segmentLength == segment.length, file.batchOffsets.count == count {
            index.segments[k].batchOffsets = file.batchOffsets
            index.segments[k].lazyCount = nil
            return
        }
        var offsets: [UInt32] = []
        offsets.reserveCapacity(count)
        var expected = segment.basePosition
        var problem: (offset: Int, reason: String)?
        var reader = BatchReader(chunkSize: 4 << 20)
        let handle = files[k]
        let (stop, _) = try reader.scan(handle, from: LogFormat.segmentHeaderSize, limit: segment.length) { header, _, offset in
            guard header.firstPosition == expected else {
                problem = (offset, "batch starts at position \(header.firstPosition), expected \(expected)")
                return false
            }
            guard let at = UInt32(exactly: offset), offsets.count + header.eventCount <= count else {
                problem = (offset, "the segment holds more events than the \(count) before the next segment's first position \(segment.basePosition + UInt64(count))")
                return false
            }
            offsets.append(contentsOf: repeatElement(at, count: header.eventCount))
            expected = header.lastPosition + 1
            return true
        }
        if let problem { throw EventLogError.corrupt(segment: handle.path, offset: problem.offset, reason: problem.reason) }
        if case .end = stop {} else { throw Self.corruption(for: stop, segment: handle.path, sealed: true) }
        guard offsets.count == count else {
            throw EventLogError.corrupt(
                segment: handle.path, offset: segment.length,
                reason: "the segment's batches end at position \(expected - 1), but the next segment starts at \(segment.basePosition + UInt64(count))")
        }
        index.segments[k].batchOffsets = offsets
        index.segments[k].lazyCount = nil
        // Every batch was just read and checked in order.
        index.segments[k].checked = true
    }

    /// The last event of a positions-only handle's sealed segment whose offsets are not
    /// loaded, read from the segment's end (a batch ends with its body length, so the last
    /// batch is found without the index): what the trace index asks of every sealed segment
    /// (the id of its last event, to know its file describes this segment). Nil when
    /// `position` is not such an event, or when the bytes there are not one whole, valid batch
    /// ending at it: then the caller reads it the usual way, which loads the offsets and
    /// reports whatever is wrong.
    func lastEventOfLazySegment(_ position: UInt64) -> RecordedEvent? {
        monitor.lock()
        guard position <= visibleHead, let k = index.segment(holding: position), index.segments[k].lazyCount != nil,
              position == index.segments[k].endPosition - 1 else {
            monitor.unlock()
            return nil
        }
        let handle = files[k]
        let length = index.segments[k].length
        monitor.unlock()
        guard length >= LogFormat.segmentHeaderSize + LogFormat.batchFrameOverhead,
              let tail = try? handle.read(count: 4, at: length - 4), tail.count == 4 else { return nil }
        let bodyLength = Int(tail.withUnsafeBytes { $0.u32(at: 0) })
        guard bodyLength <= LogFormat.maxBatchBodyBytes else { return nil }
        let start = length - LogFormat.batchFrameOverhead - bodyLength
        guard start >= LogFormat.segmentHeaderSize,
              let frame = try? handle.read(count: length - start, at: start), frame.count == length - start else { return nil }
        return frame.withUnsafeBytes { raw -> RecordedEvent? in
            guard case .valid(let header) = BatchCodec.check(raw, at: 0), header.frameLength == raw.count,
                  header.lastPosition == position else { return nil }
            var found: RecordedEvent?
            BatchCodec.forEachEvent(of: header, in: raw) { view in
                if view.position == position { found = view.materialize() }
                return true
            }
            return found
        }
    }

    /// `loadLazyOffsets` taking the monitor.
    func loadLazyOffsetsLocked(_ k: Int) throws {
        monitor.lock()
        defer { monitor.unlock() }
        try loadLazyOffsets(k)
    }
}
