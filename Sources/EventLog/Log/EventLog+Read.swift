import Platform

/// Direction of a stream read.
public enum ReadDirection: Sendable {
    case forward, backward
}

extension EventLog {
    /// One batch to visit during a stream read: where it is and which positions of it are wanted.
    struct BatchRef {
        var file: SystemFile
        var offset: Int
        var limit: Int
        var lowest: UInt64
        var highest: UInt64
        /// The stream's version at the position the ref was planned from, and that position.
        var anchorVersion: UInt64
        var anchorPosition: UInt64
        /// Positions of the stream planned into this batch: `highest - lowest + 1` in a batch
        /// that matches the index.
        var count: Int
    }

    /// Visits the events of `stream` starting at version `from` (inclusive), forward or backward,
    /// at most `limit` of them; stops early when `visit` returns false. Views are valid only
    /// inside `visit`. A stream that does not exist visits nothing.
    public func readStream(
        _ stream: String, from version: UInt64 = 1, direction: ReadDirection = .forward, limit: Int = .max,
        _ visit: (EventView) throws -> Bool
    ) throws {
        guard limit > 0 else { return }
        var reader = BatchReader(chunkSize: 256 << 10)
        var remaining = limit
        // Versions still to read, as array indexes into the stream's positions.
        var cursor: Int
        monitor.lock()
        guard let id = index.streamID(stream), let visible = index.info(of: id, upTo: visibleHead) else { monitor.unlock(); return }
        let total = Int(visible.count)
        monitor.unlock()
        switch direction {
        case .forward:
            cursor = Int(clamping: max(version, 1)) - 1
            if cursor >= total { return }
        case .backward:
            cursor = min(Int(clamping: version), total) - 1
            if cursor < 0 { return }
        }
        while remaining > 0 {
            // Plan a chunk of batches under the lock, read them without it.
            let refs = plan(stream: id, cursor: &cursor, direction: direction, maxEvents: min(remaining, 4096))
            if refs.isEmpty { return }
            for ref in refs {
                var keepGoing = true
                try reader.withBatch(ref.file, at: ref.offset, limit: ref.limit) { header, buffer in
                    if let why = Self.mismatch(header, ref, stream: stream) {
                        throw EventLogError.corrupt(segment: ref.file.path, offset: ref.offset, reason: why)
                    }
                    if direction == .forward {
                        try BatchCodec.forEachEvent(of: header, in: buffer) { view in
                            guard view.position >= ref.lowest else { return true }
                            guard view.position <= ref.highest else { return false }
                            remaining -= 1
                            keepGoing = try visit(view) && remaining > 0
                            return keepGoing
                        }
                    } else {
                        var views: [EventView] = []
                        views.reserveCapacity(header.eventCount)
                        BatchCodec.forEachEvent(of: header, in: buffer) { view in
                            if view.position >= ref.lowest && view.position <= ref.highest { views.append(view) }
                            return view.position < ref.highest
                        }
                        for view in views.reversed() {
                            remaining -= 1
                            keepGoing = try visit(view) && remaining > 0
                            if !keepGoing { break }
                        }
                    }
                }
                if !keepGoing { return }
            }
        }
    }

    /// Why the batch read for `ref` is not the one the index promised (stream, positions and
    /// versions), or nil: a stream read serves only events the index places exactly there.
    static func mismatch(_ header: BatchCodec.Header, _ ref: BatchRef, stream: String) -> String? {
        let matches = header.stream == stream
            && header.firstPosition <= ref.lowest && ref.highest <= header.lastPosition
            && ref.highest - ref.lowest == UInt64(ref.count - 1)
            && header.firstVersion + (ref.anchorPosition - header.firstPosition) == ref.anchorVersion
        if matches { return nil }
        return "the batch at this offset holds positions \(header.firstPosition)–\(header.lastPosition) of stream '\(header.stream)' "
            + "(versions \(header.firstVersion)–\(header.lastVersion)), but the index expects version \(ref.anchorVersion) of '\(stream)' "
            + "at position \(ref.anchorPosition) here (the segment does not match its index)"
    }

    /// Groups up to `maxEvents` of a stream's positions from `cursor` into batch reads.
    private func plan(stream id: Int32, cursor: inout Int, direction: ReadDirection, maxEvents: Int) -> [BatchRef] {
        monitor.lock()
        defer { monitor.unlock() }
        let positions = index.streams[Int(id)].positions
        let limit = visibleHead
        var refs: [BatchRef] = []
        var taken = 0
        while taken < maxEvents, cursor >= 0, cursor < positions.count {
            let p = positions[cursor]
            if p > limit { break }
            guard let loc = index.location(of: p) else { break }
            if let last = refs.last, last.offset == loc.offset, last.file === files[loc.segment] {
                if direction == .forward { refs[refs.count - 1].highest = p } else { refs[refs.count - 1].lowest = p }
                refs[refs.count - 1].count += 1
            } else {
                refs.append(BatchRef(
                    file: files[loc.segment], offset: loc.offset, limit: index.segments[loc.segment].length, lowest: p, highest: p,
                    anchorVersion: UInt64(cursor + 1), anchorPosition: p, count: 1))
            }
            taken += 1
            cursor += direction == .forward ? 1 : -1
        }
        return refs
    }

    /// Visits every event in global order from position `from` (inclusive) to the head as it is
    /// when the call starts; stops early when `visit` returns false.
    ///
    /// Batches of a segment not yet checked against the index (a sealed segment loaded from its
    /// persisted index) are compared with it before their events are served (`IndexCheck`); a
    /// walk that covers such a segment whole marks it checked, so later scans skip the work.
    public func readAll(from position: UInt64 = 1, limit: Int = .max, _ visit: (EventView) throws -> Bool) throws {
        try readAll(from: position, limit: limit, streams: { _ in true }, visit)
    }

    /// `readAll`, skipping whole batches whose stream `streams` refuses: the stream is known from
    /// the batch header, so a skipped batch's events are never looked at (a search by stream
    /// glob pays one call per batch, not per event). Skipped events do not count toward `limit`.
    public func readAll(
        from position: UInt64 = 1, limit: Int = .max, streams: (String) -> Bool, _ visit: (EventView) throws -> Bool
    ) throws {
        guard limit > 0 else { return }
        monitor.lock()
        let head = visibleHead
        if positionsOnly, position <= head, let k = index.segment(holding: max(position, 1)) {
            do { try loadLazyOffsets(k) } catch {
                monitor.unlock()
                throw error
            }
        }
        guard position <= head, let start = index.location(of: max(position, 1)) else { monitor.unlock(); return }
        let segments = index.segments[start.segment...].map {
            (length: $0.length, number: $0.number, checked: $0.checked, base: $0.basePosition, end: $0.endPosition, lazy: $0.lazyCount != nil)
        }
        let handles = Array(files[start.segment...])
        monitor.unlock()

        var reader = BatchReader(chunkSize: 4 << 20)
        var remaining = limit
        let from = max(position, 1)
        for (i, segment) in segments.enumerated() {
            let begin = i == 0 ? start.offset : LogFormat.segmentHeaderSize
            let k = start.segment + i
            // A positions-only handle's next segment: its offsets, before its batches are checked against them.
            if segment.lazy { try loadLazyOffsetsLocked(k) }
            var done = false
            // For an unchecked segment: the position the next batch must start at (nil until the
            // first batch of a walk that starts inside the segment).
            var expected: UInt64? = begin == LogFormat.segmentHeaderSize ? segment.base : nil
            var mismatch: (offset: Int, reason: String)?
            // The segment's check table, once this walk has checked enough batches the slow way
            // to show it is a long one (or one cached by an earlier walk).
            var table = segment.checked ? nil : cachedCheckTable(number: segment.number)
            var slowChecks = 0
            let (stop, _) = try reader.scan(handles[i], from: begin, limit: segment.length) { header, buffer, offset in
                if !segment.checked {
                    if let e = expected, header.firstPosition != e {
                        mismatch = (offset, "batch starts at position \(header.firstPosition), expected \(e) (the segment does not match its index)")
                        return false
                    }
                    let matched = table?.matches(
                        offset: offset, stream: header.stream, firstPosition: header.firstPosition,
                        firstVersion: header.firstVersion, count: header.eventCount) ?? false
                    if !matched {
                        // No table yet, or a mismatch: the index itself decides, and says why.
                        let claim = LogIndex.BatchClaim(
                            offset: offset, stream: header.stream, firstPosition: header.firstPosition,
                            firstVersion: header.firstVersion, count: header.eventCount)
                        if let why = checkAgainstIndex(claim, segment: k, number: segment.number) {
                            mismatch = (offset, why)
                            return false
                        }
                        slowChecks += 1
                        if table == nil, slowChecks == Self.checkTableAfterBatches {
                            table = makeCheckTable(segment: k, number: segment.number)
                        }
                    }
                    expected = header.lastPosition + 1
                }
                if header.lastPosition < from { return true }
                if !streams(header.stream) {
                    if header.lastPosition >= head { done = true; return false }
                    return true
                }
                try BatchCodec.forEachEvent(of: header, in: buffer) { view in
                    if view.position < from { return true }
                    if view.position > head { done = true; return false }
                    remaining -= 1
                    if try !visit(view) || remaining == 0 { done = true; return false }
                    return true
                }
                return !done
            }
            if let mismatch {
                throw EventLogError.corrupt(segment: handles[i].path, offset: mismatch.offset, reason: mismatch.reason)
            }
            if done { return }
            if case .end = stop {} else {
                throw Self.corruption(for: stop, segment: handles[i].path, sealed: true)
            }
            if !segment.checked {
                guard expected == segment.end else {
                    throw EventLogError.corrupt(
                        segment: handles[i].path, offset: segment.length,
                        reason: "the segment's batches end at position \((expected ?? segment.base) - 1), but its index runs to \(segment.end - 1)")
                }
                if begin == LogFormat.segmentHeaderSize { markChecked(segment: k, number: segment.number) }
            }
        }
    }

    /// Batches a walk of an unchecked segment checks one by one (`checkAgainstIndex`) before it
    /// builds the segment's `SegmentCheckTable`: a read of a few events should not pay for a
    /// table of the whole segment; a scan pays for it once.
    static let checkTableAfterBatches = 64

    /// The check table kept by an earlier walk of segment `number`, if any.
    private func cachedCheckTable(number: UInt32) -> SegmentCheckTable? {
        monitor.lock()
        defer { monitor.unlock() }
        return checkTable?.number == number ? checkTable?.table : nil
    }

    /// Builds segment `k`'s check table under the monitor and keeps it (one at a time, for the
    /// next walk of a segment read in parts); nil when the index has changed or has no runs.
    private func makeCheckTable(segment k: Int, number: UInt32) -> SegmentCheckTable? {
        monitor.lock()
        defer { monitor.unlock() }
        guard k < index.segments.count, index.segments[k].number == number, !index.segments[k].checked,
              let table = SegmentCheckTable(index: index, segment: k) else { return nil }
        checkTable = (number, table)
        return table
    }

    /// `LogIndex.mismatch` under the monitor; the segment is found again by number.
    private func checkAgainstIndex(_ claim: LogIndex.BatchClaim, segment k: Int, number: UInt32) -> String? {
        monitor.lock()
        defer { monitor.unlock() }
        guard k < index.segments.count, index.segments[k].number == number else {
            return "the log's index changed during the read (an import was rolled back); read again"
        }
        return index.mismatch(claim, inSegment: k)
    }

    /// Records that segment `k` was walked whole and matches the index.
    func markChecked(segment k: Int, number: UInt32) {
        monitor.lock()
        if k < index.segments.count, index.segments[k].number == number {
            index.segments[k].checked = true
            index.segments[k].runStreams = []
        }
        if checkTable?.number == number { checkTable = nil }
        monitor.unlock()
    }

    /// The event at a global position, or nil when there is none.
    public func event(at position: UInt64) throws -> RecordedEvent? {
        if positionsOnly, let last = lastEventOfLazySegment(position) { return last }
        var found: RecordedEvent?
        try readAll(from: position, limit: 1) { view in
            if view.position == position { found = view.materialize() }
            return false
        }
        return found
    }

    /// The event of `stream` at `version`, or nil.
    public func event(in stream: String, version: UInt64) throws -> RecordedEvent? {
        var found: RecordedEvent?
        try readStream(stream, from: version, limit: 1) { view in
            if view.version == version { found = view.materialize() }
            return false
        }
        return found
    }

    /// Convenience: owned copies of a stream's events.
    public func events(in stream: String, from version: UInt64 = 1, direction: ReadDirection = .forward, limit: Int = .max) throws -> [RecordedEvent] {
        var out: [RecordedEvent] = []
        try readStream(stream, from: version, direction: direction, limit: limit) { out.append($0.materialize()); return true }
        return out
    }

    /// For a reader: picks up what the writer appended since the last look (new batches, new
    /// segments). Returns true when the head moved. A writer's own log is always current.
    /// Throws `.corrupt` when damage is followed by valid later batches (not a write in flight).
    @discardableResult
    public func refresh() throws -> Bool {
        monitor.lock()
        defer { monitor.unlock() }
        guard !isClosed, writer == nil else { return false }
        let before = index.head
        var reader = BatchReader(chunkSize: 4 << 20)
        while true {
            if index.segments.isEmpty {
                // Nothing was readable at open: look for segment 1 again.
                guard try adoptSegment(number: 1) else { break }
                continue
            }
            let last = index.segments.count - 1
            let handle = files[last]
            // The commit record before the size (see `ActiveTail`).
            let record = ActiveTail.readRecord(handle)
            let size: Int
            do { size = try handle.size() } catch { throw EventLogError.wrap(error) }
            // Look for an import in progress only after taking the size: whatever an import
            // writes after this check lies beyond `size`.
            let cap = Self.pendingImportCap(log: path)
            var capped = false
            let stop = try Self.scanSegment(handle, from: index.segments[last].length, limit: size, reader: &reader, index: &index, trackStreams: false, cap: cap, capped: &capped)
            if capped { break }
            let next = index.segments[last].number + 1
            guard FileSystem.exists(segmentPath(next)) else {
                // The active segment: stop at the last whole batch; what follows is not written
                // yet unless the commit record says it was acknowledged.
                let verdict = try ActiveTail.judge(
                    record: record, stop: stop, wholeEnd: index.segments[last].length, size: size, head: index.head,
                    handle: handle, reader: &reader, role: .reader, recheck: { ActiveTail.readRecord(handle) })
                if case .damaged(let error) = verdict { throw error }
                break
            }
            // The writer moved on, so this segment is sealed and complete: read the rest of it
            // (it may have been finished between our two looks), which must end exactly at its end.
            let sealedSize: Int
            do { sealedSize = try handle.size() } catch { throw EventLogError.wrap(error) }
            // The first scan may have buffered the zeros the writer has since written over:
            // read the rest from the file (a stale buffer made this live log look damaged,
            // "a zero length field inside this sealed segment", under load).
            reader.forget()
            let finalStop = try Self.scanSegment(handle, from: index.segments[last].length, limit: sealedSize, reader: &reader, index: &index, trackStreams: false, cap: Self.pendingImportCap(log: path), capped: &capped)
            if capped { break }
            guard case .end = finalStop, index.segments[last].length == sealedSize else {
                throw Self.corruption(for: finalStop, segment: handle.path, sealed: true)
            }
            guard try adoptSegment(number: next) else { break }
        }
        if index.head != before { monitor.broadcast() }
        return index.head != before
    }

    /// Starts reading a segment the writer created; false while its header is not complete.
    private func adoptSegment(number: UInt32) throws -> Bool {
        let p = segmentPath(number)
        guard FileSystem.exists(p) else { return false }
        let handle: SystemFile
        do { handle = try SystemFile.open(p, flags: .readOnly) } catch { throw EventLogError.wrap(error) }
        let bytes: [UInt8]
        do { bytes = try handle.read(count: LogFormat.segmentHeaderSize, at: 0) } catch {
            throw EventLogError.readFailure(error, segment: p, offset: 0, count: LogFormat.segmentHeaderSize)
        }
        guard bytes.count == LogFormat.segmentHeaderSize else { return false }
        switch SegmentHeader.decode(bytes) {
        case .success(let header):
            guard header.number == number, header.basePosition == index.head + 1 else {
                throw EventLogError.corrupt(segment: p, offset: 0, reason: "segment header (number \(header.number), base \(header.basePosition)) does not continue the log at position \(index.head + 1)")
            }
            index.segments.append(LogIndex.Segment(number: number, basePosition: header.basePosition, length: LogFormat.segmentHeaderSize))
            files.append(handle)
            return true
        case .failure(let problem):
            throw EventLogError.corrupt(segment: p, offset: problem.offset, reason: problem.description)
        }
    }

    /// Waits until the head passes `position` or `timeout` seconds pass; returns the head.
    /// Readers poll the files (every 20 ms); a writer's log wakes on its own appends.
    public func waitForEvents(after position: UInt64, timeout: Double) throws -> UInt64 {
        let deadline = Self.nowMicros() + Int64(timeout * 1_000_000)
        while true {
            if writer == nil { try refresh() }
            monitor.lock()
            let head = visibleHead
            if head > position || isClosed || Self.nowMicros() >= deadline {
                monitor.unlock()
                return head
            }
            if writer != nil {
                _ = monitor.wait(until: .init(timeIntervalSinceNow: min(0.02, Double(deadline - Self.nowMicros()) / 1e6)))
                monitor.unlock()
            } else {
                monitor.unlock()
                Sleep.milliseconds(20)
            }
        }
    }
}
