import Platform

extension EventLog {
    /// Appends `events` to `stream` as one all-or-nothing batch, if the stream is at `expected`.
    ///
    /// Returns once the batch is durable (after fdatasync, shared with concurrent appends), or
    /// once written in `.noSync` mode. Throws `wrongExpectedVersion` naming the stream, the
    /// expected and the actual version; `invalidArgument` for bad names or sizes.
    @discardableResult
    public func append(to stream: String, _ events: [NewEvent], expected: ExpectedVersion = .any) throws -> AppendResult {
        try append(to: stream, events, expected: expected, transaction: nil)
    }

    func append(to stream: String, _ events: [NewEvent], expected: ExpectedVersion, transaction: ObjectIdentifier?) throws -> AppendResult {
        try Self.validate(stream: stream, events: events)
        let recorded = Self.nowMicros()
        monitor.lock()
        defer { monitor.unlock() }
        let w = try writableWriter()
        if let open = w.transaction, open != transaction {
            throw EventLogError.invalidArgument("an import into \(path) is in progress in this process; append after it commits")
        }
        // A stream the transaction also appends to by handle keeps its version there.
        let handle = transaction == nil ? nil : w.importStreamIndex[stream]
        let current = handle.map { w.importStreams[Int($0)].version } ?? w.pendingVersions[stream] ?? index.count(of: stream)
        guard expected.accepts(current: current) else {
            throw EventLogError.wrongExpectedVersion(stream: stream, expected: expected, actual: current)
        }
        let n = UInt64(events.count)
        guard LogFormat.rangeIsValid(first: w.nextPosition, count: events.count),
              LogFormat.rangeIsValid(first: current + 1, count: events.count) else {
            throw EventLogError.invalidArgument("the log (or stream '\(stream)') is full: positions and versions end at \(LogFormat.maxPosition)")
        }
        let firstPosition = w.nextPosition
        w.nextPosition += n
        if let handle {
            w.importStreams[Int(handle)].version = current + n
        } else {
            w.pendingVersions[stream] = current + n
        }
        let start = w.pending.bytes.count
        BatchCodec.encode(stream: stream, firstPosition: firstPosition, firstVersion: current + 1, events: events[...], recordedMicros: recorded, into: &w.pending)
        w.issuedTicket += 1
        let ticket = w.issuedTicket
        w.batches.append(.init(
            stream: stream, firstPosition: firstPosition, firstVersion: current + 1, count: events.count,
            recordedMicros: recorded, start: start, length: w.pending.bytes.count - start, ticket: ticket))
        let result = AppendResult(
            stream: stream, firstVersion: current + 1, lastVersion: current + n,
            firstPosition: firstPosition, lastPosition: firstPosition + n - 1)
        if transaction != nil {
            // Imports write in large groups and sync once, at commit.
            if w.pending.bytes.count >= 4 << 20 { try waitDurable(ticket, w, sync: false) }
            return result
        }
        try waitDurable(ticket, w, sync: w.durability == .fsync)
        return result
    }

    static func validate(stream: String, events: [NewEvent]) throws {
        if let problem = StreamName.problem(with: stream) { throw EventLogError.invalidArgument(problem) }
        guard !events.isEmpty else { throw EventLogError.invalidArgument("an append needs at least one event") }
        guard events.count <= LogFormat.maxEventsPerBatch else {
            throw EventLogError.invalidArgument("an append holds at most \(LogFormat.maxEventsPerBatch) events (this one has \(events.count)); split it")
        }
        for e in events {
            if e.type.isEmpty { throw EventLogError.invalidArgument("an event type cannot be empty") }
            if e.type.utf8.count > LogFormat.maxTypeBytes {
                throw EventLogError.invalidArgument("an event type is at most \(LogFormat.maxTypeBytes) bytes (\(e.type.prefix(40))… has \(e.type.utf8.count))")
            }
        }
        let size = BatchCodec.frameSize(stream: stream, events: events[...]) - LogFormat.batchFrameOverhead
        guard size <= LogFormat.maxBatchBodyBytes else {
            throw EventLogError.invalidArgument("an append is at most \(LogFormat.maxBatchBodyBytes >> 20) MiB (this one is \(size) bytes); split it into smaller appends")
        }
    }

    /// Waits (monitor held) until `ticket` is durable, leading a group flush when none runs.
    func waitDurable(_ ticket: UInt64, _ w: WriterState, sync: Bool) throws {
        while w.durableTicket < ticket {
            if let failure = w.failure { throw failure }
            if !w.flushing {
                w.flushing = true
                flushGroup(w, sync: sync)
                w.flushing = false
                monitor.broadcast()
            } else {
                monitor.wait()
            }
        }
    }

    /// Writes every pending batch (monitor held on entry and exit; released during I/O), rolling
    /// segments as they fill; marks the batches durable and indexes them, or records the failure.
    func flushGroup(_ w: WriterState, sync: Bool) {
        // The queues are taken whole, and refilled from the buffers the last group gave back:
        // a fresh buffer growing to 4 MiB for each group of an import faulted in about three
        // pages for every page written.
        var batches = w.spareBatches
        swap(&batches, &w.batches)
        var bytes = w.spareBytes
        swap(&bytes, &w.pending.bytes)
        w.spareBatches = []
        w.spareBytes = []
        w.pending.bytes.reserveCapacity(min(bytes.count, 1 << 20))
        guard !batches.isEmpty else { return }
        defer {
            // Monitor held again. Buffers of an ordinary append's size are kept for the next group.
            if bytes.capacity <= WriterState.spareLimit {
                bytes.removeAll(keepingCapacity: true)
                w.spareBytes = bytes
            }
            if batches.capacity <= WriterState.spareLimit / 64 {
                batches.removeAll(keepingCapacity: true)
                w.spareBatches = batches
            }
        }
        monitor.unlock()
        var failure: EventLogError?
        do {
            var i = 0
            while i < batches.count {
                if w.writeOffset > LogFormat.segmentHeaderSize && w.writeOffset + batches[i].length > segmentBytes {
                    try roll(w, nextBase: batches[i].firstPosition, sync: sync)
                }
                var j = i
                var runBytes = 0
                while j < batches.count, runBytes == 0 || w.writeOffset + runBytes + batches[j].length <= segmentBytes {
                    runBytes += batches[j].length
                    j += 1
                }
                guard let handle = w.activeHandle else { throw EventLogError.closed }
                if sync {
                    // The commit record lags one group: it claims the end of what earlier fsyncs
                    // made durable, and this run's fdatasync makes it durable too (no extra sync).
                    // Back-to-back groups rewrite it at most once per interval: each rewrite puts
                    // the header's page into the next fdatasync.
                    let record = CommitRecord(end: w.writeOffset, final: false)
                    let now = MonotonicClock.nanoseconds
                    if record.acknowledgedEnd > w.recordedEnd && now &- w.recordWrittenAt >= w.recordIntervalNanos {
                        try ActiveTail.writeRecord(record, to: handle)
                        w.recordedEnd = record.acknowledgedEnd
                        w.recordWrittenAt = now
                    }
                }
                let runStart = batches[i].start
                // Claim the run's bytes before writing them: a prefill starts at `zeroedEnd`, so
                // none can begin inside them once it covers the run.
                monitor.lock()
                waitForPrefill(clearOf: w.writeOffset + runBytes, w)
                w.zeroedEnd = max(w.zeroedEnd, w.writeOffset + runBytes)
                monitor.unlock()
                let offset = w.writeOffset
                let written = bytes.withUnsafeBytes { raw -> Result<Void, any Error> in
                    do {
                        return .success(try handle.write(UnsafeRawBufferPointer(rebasing: raw[runStart..<(runStart + runBytes)]), at: offset))
                    } catch {
                        return .failure(error)
                    }
                }
                do {
                    try written.get()
                    if sync { try handle.syncData() }
                } catch {
                    // Never retry a failed sync: the kernel may already have dropped the dirty
                    // pages, so a second fdatasync that succeeds proves nothing. These appends
                    // are reported as failed, so take their bytes back out of the file (best
                    // effort, zeros as the prefill leaves them): a reopened log then ends at the
                    // last acknowledged batch instead of showing events whose append threw.
                    Self.unwrite(handle, offset: offset, count: runBytes)
                    throw EventLogError.wrap(error)
                }
                monitor.lock()
                do {
                    for b in batches[i..<j] {
                        let at = w.writeOffset + (b.start - runStart)
                        if b.importStream >= 0 {
                            // An import's batch: its stream's index id is looked up once, not per batch.
                            var id = w.importStreams[Int(b.importStream)].indexID
                            if id < 0 {
                                id = index.id(for: b.stream)
                                w.importStreams[Int(b.importStream)].indexID = id
                            }
                            try index.add(
                                streamID: id, firstPosition: b.firstPosition, firstVersion: b.firstVersion, count: b.count,
                                lastRecordedMicros: b.recordedMicros, offset: at, frameLength: b.length, trackStreams: true)
                            continue
                        }
                        try index.add(
                            stream: b.stream, firstPosition: b.firstPosition, firstVersion: b.firstVersion, count: b.count,
                            lastRecordedMicros: b.recordedMicros, offset: at,
                            frameLength: b.length, trackStreams: true)
                        if w.pendingVersions[b.stream] == index.count(of: b.stream) { w.pendingVersions[b.stream] = nil }
                    }
                } catch {
                    monitor.unlock()
                    throw EventLogError.writerFailed(reason: "internal index inconsistency: \((error as? LogIndex.Inconsistency)?.reason ?? "\(error)")")
                }
                w.durableTicket = batches[j - 1].ticket
                w.writeOffset += runBytes
                w.publishedOffset = w.writeOffset
                w.zeroedEnd = max(w.zeroedEnd, w.writeOffset)
                monitor.broadcast()
                monitor.unlock()
                i = j
            }
        } catch let error as EventLogError {
            failure = error
        } catch {
            failure = .writerFailed(reason: "\(error)")
        }
        monitor.lock()
        if let failure {
            w.failure = .writerFailed(reason: failure.description)
            monitor.broadcast()
        }
    }

    /// Overwrites `count` bytes at `offset` with zeros, ignoring failure: the caller is already
    /// failing, and recovery treats a zero frame as the end of the log. When even that write
    /// fails (a disk that refuses every write), the file is cut at `offset` instead: shrinking a
    /// file needs no space, and the writer stops after this, so no later append expects the
    /// prefilled zeros that go with it.
    static func unwrite(_ handle: SystemFile, offset: Int, count: Int) {
        guard count > 0 else { return }
        if (try? handle.write([UInt8](repeating: 0, count: count), at: offset)) == nil {
            try? handle.truncate(to: offset)
        }
    }

    /// Seals the active segment (fsync, persisted index) and starts the next one at `nextBase`.
    /// Sealing always fsyncs, even in `.noSync` mode: sealed segments must be whole.
    func roll(_ w: WriterState, nextBase: UInt64, sync: Bool) throws {
        guard let handle = w.activeHandle else { throw EventLogError.closed }
        // Stop the prefiller on this segment, then trim its zeros: sealed segments end exactly
        // at their last batch.
        monitor.lock()
        while w.prefillInFlight { monitor.wait() }
        w.activeHandle = nil
        monitor.unlock()
        do {
            try handle.truncate(to: w.writeOffset)
            // The final record may claim only durable bytes: after unsynced appends (no-sync
            // mode, an import) the data is synced first; after durable groups it already is.
            if !sync { try handle.syncData() }
            try ActiveTail.writeRecord(CommitRecord(end: w.writeOffset, final: true), to: handle)
            try handle.syncData()
        } catch { throw EventLogError.wrap(error) }
        monitor.lock()
        let last = index.segments.count - 1
        let file = Self.makeIndexFile(segment: index.segments[last], index: index)
        index.segments[last].streamOfEvent = []
        monitor.unlock()
        let number = w.activeNumber + 1
        do {
            try jail.writeAtomically(file.encoded(), to: Self.indexFile(w.activeNumber), durable: true)
        } catch {
            throw EventLogError.wrap(error)
        }
        // The sealed index replaces the checkpoint. An import keeps it: if the import is rolled
        // back this segment is active again, and the checkpoint still covers its first bytes
        // (the next writer's open removes it once the segment is sealed for good).
        if w.transaction == nil { removeActiveCheckpoint(number: w.activeNumber) }
        let newHandle = try Self.createSegment(log: path, number: number, base: nextBase)
        monitor.lock()
        index.segments.append(LogIndex.Segment(number: number, basePosition: nextBase, length: LogFormat.segmentHeaderSize))
        files.append(newHandle)
        w.activeHandle = newHandle
        w.activeNumber = number
        w.writeOffset = LogFormat.segmentHeaderSize
        w.recordedEnd = 0
        w.publishedOffset = w.writeOffset
        w.zeroedEnd = w.writeOffset
        monitor.broadcast()
        monitor.unlock()
    }

    /// Creates a segment file with its header, durable (file and directory fsynced).
    static func createSegment(log: String, number: UInt32, base: UInt64) throws -> SystemFile {
        do {
            let jail = FileJail(root: log)
            let handle = try jail.open(segmentFile(number), flags: [.readWrite, .create, .exclusive])
            let header = SegmentHeader(number: number, basePosition: base, createdMicros: nowMicros())
            try handle.write(header.encoded(record: CommitRecord(end: LogFormat.segmentHeaderSize, final: false)), at: 0)
            try handle.sync()
            try jail.syncDirectory(LogFormat.segmentsDirectory)
            return handle
        } catch {
            throw EventLogError.wrap(error)
        }
    }

    /// Opens the last segment for appending (creating segment 1 in an empty log).
    static func prepareWriter(log: String, loaded: inout LoadedLog, options: WriterOptions, report: inout RecoveryReport) throws -> WriterState {
        if loaded.index.segments.isEmpty {
            let handle = try createSegment(log: log, number: 1, base: 1)
            loaded.index.segments.append(LogIndex.Segment(number: 1, basePosition: 1, length: LogFormat.segmentHeaderSize))
            loaded.files.append(handle)
        }
        let last = loaded.index.segments.count - 1
        let segment = loaded.index.segments[last]
        // Checkpoints of sealed segments are never read; remove any an import left behind.
        for sealed in loaded.index.segments.dropLast() {
            try? FileJail(root: log).remove(activeIndexFile(sealed.number))
        }
        let handle: SystemFile
        do {
            handle = try FileJail(root: log).open(segmentFile(segment.number), flags: .readWrite)
        } catch {
            throw EventLogError.wrap(error)
        }
        loaded.files[last] = handle
        // A writer is appending now: the record claims what recovery left (all of it is on disk
        // once this sync returns) and is no longer final.
        let record = CommitRecord(end: segment.length, final: false)
        do {
            try ActiveTail.writeRecord(record, to: handle)
            try handle.syncData()
        } catch {
            throw EventLogError.wrap(error)
        }
        let state = WriterState(
            durability: options.durability, nextPosition: loaded.index.head + 1,
            activeHandle: handle, activeNumber: segment.number, writeOffset: segment.length)
        state.recordedEnd = record.acknowledgedEnd
        let interval = options.commitRecordInterval.components
        state.recordIntervalNanos = max(0, interval.seconds &* 1_000_000_000 &+ interval.attoseconds / 1_000_000_000)
        state.recordWrittenAt = MonotonicClock.nanoseconds &- state.recordIntervalNanos  // the first group writes it
        return state
    }
}
