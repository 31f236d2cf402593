import Platform

/// What opening reads off disk: the index and one read handle per segment.
struct LoadedLog {
    var index = LogIndex()
    var files: [SystemFile] = []
}

extension EventLog {
    static func open(at rawPath: String, writer options: WriterOptions?, positionsOnly: Bool = false) throws -> EventLog {
        let path = FileSystem.absolutePath(rawPath)
        guard FileSystem.isDirectory(path) else {
            if FileSystem.exists(path) { throw EventLogError.notALog(path: path) }
            throw EventLogError.invalidArgument("no log at \(path) (the directory does not exist); create one with 'rewind init \(rawPath)'")
        }
        let markerBytes: [UInt8]
        do { markerBytes = try FileSystem.readFile(path + "/" + LogFormat.markerFile) } catch {
            if let e = error as? IOError, e.errno == Errno.notFound { throw EventLogError.notALog(path: path) }
            throw EventLogError.wrap(error)
        }
        guard let marker = LogMarker.decode(markerBytes) else {
            throw EventLogError.invalidArgument("\(path)/\(LogFormat.markerFile) is damaged; it should read {\"format\":1,\"segmentBytes\":N}")
        }
        guard marker.format == Int(LogFormat.formatVersion) else {
            throw EventLogError.invalidArgument("log format \(marker.format) is not supported by this rewind (it reads format \(LogFormat.formatVersion)); upgrade rewind")
        }
        let segmentBytes = min(max(marker.segmentBytes, LogFormat.minimumSegmentBytes), LogFormat.maximumSegmentBytes)

        var lock: PidLockFile?
        var report = RecoveryReport()
        if let options {
            lock = try WriterLock.acquire(log: path, command: options.command)
        }
        do {
            if options != nil { try rollBackPendingImport(log: path, report: &report) }
            var loaded = try loadSegments(log: path, repair: options != nil, positionsOnly: positionsOnly && options == nil, report: &report)
            var writerState: WriterState?
            if let options {
                writerState = try prepareWriter(log: path, loaded: &loaded, options: options, report: &report)
            }
            let log = EventLog(path: path, segmentBytes: segmentBytes, loaded: loaded, lock: lock, writer: writerState, recovery: report)
            log.startPrefiller()
            log.startSealedSegmentCheck()
            return log
        } catch {
            lock?.release()
            throw error
        }
    }

    /// Segment numbers present, sorted; they must run 1, 2, 3… with no gap.
    static func segmentNumbers(log: String) throws -> [UInt32] {
        let names: [String]
        do { names = try FileSystem.list(log + "/" + LogFormat.segmentsDirectory) } catch {
            throw EventLogError.wrap(error)
        }
        let numbers = names.compactMap { LogFormat.segmentNumber(fromFileName: $0) }.sorted()
        for (i, n) in numbers.enumerated() where n != UInt32(i + 1) {
            throw EventLogError.corrupt(
                segment: log + "/" + LogFormat.segmentsDirectory + "/" + LogFormat.segmentFileName(UInt32(i + 1)),
                offset: 0, reason: "segment \(i + 1) is missing (found \(LogFormat.segmentFileName(n)) instead)")
        }
        return numbers
    }

    /// Reads every segment into an index: persisted indexes for sealed segments (rebuilt when
    /// missing or damaged), a scan of the last one. With `repair` (the writer), a torn tail is
    /// cut and rebuilt indexes are saved.
    static func loadSegments(log: String, repair: Bool, positionsOnly: Bool = false, report: inout RecoveryReport) throws -> LoadedLog {
        var loaded = LoadedLog()
        loaded.index.positionsOnly = positionsOnly
        let numbers = try segmentNumbers(log: log)
        // A reader shows nothing of an import that has not committed (the writer rolled any
        // interrupted one back before calling this).
        let cap = repair ? nil : pendingImportCap(log: log)
        var reader = BatchReader(chunkSize: 4 << 20)
        segments: for (i, number) in numbers.enumerated() {
            let path = log + "/" + LogFormat.segmentsDirectory + "/" + LogFormat.segmentFileName(number)
            let isLast = i == numbers.count - 1
            let handle: SystemFile
            do { handle = try SystemFile.open(path, flags: .readOnly) } catch { throw EventLogError.wrap(error) }
            // The header (with its commit record) before the size: whatever the record claims
            // was written before it, so it lies within the size and the scan sees it.
            let headerBytes: [UInt8]
            do { headerBytes = try handle.read(count: LogFormat.segmentHeaderSize, at: 0) } catch {
                throw EventLogError.readFailure(error, segment: path, offset: 0, count: LogFormat.segmentHeaderSize)
            }
            let record = CommitRecord.decode(header: headerBytes)
            let size: Int
            do { size = try handle.size() } catch { throw EventLogError.wrap(error) }

            // A last segment whose header never made it to disk is an empty tail.
            let header: SegmentHeader
            switch SegmentHeader.decode(headerBytes) {
            case .success(let h):
                guard h.number == number else {
                    throw EventLogError.corrupt(segment: path, offset: 12, reason: "header names segment \(h.number)")
                }
                if let cap, h.basePosition > cap { break segments }
                guard h.basePosition == loaded.index.head + 1 else {
                    throw EventLogError.corrupt(segment: path, offset: 16, reason: "segment starts at position \(h.basePosition) but the segments before it end at \(loaded.index.head)")
                }
                header = h
            case .failure(let problem):
                if isLast && size <= LogFormat.segmentHeaderSize {
                    // Created but its header not yet (or only partly) written: nothing in it.
                    // A reader waits for it; the writer finishes it.
                    guard repair else { break segments }
                    header = try rewriteHeader(log: log, number: number, base: loaded.index.head + 1, report: &report, wasBytes: size)
                } else {
                    throw EventLogError.corrupt(segment: path, offset: problem.offset, reason: problem.description)
                }
            }
            loaded.index.segments.append(LogIndex.Segment(number: number, basePosition: header.basePosition, length: LogFormat.segmentHeaderSize))
            loaded.files.append(handle)

            // A positions-only handle loads a sealed segment's batch offsets when a read first
            // reaches it; its event count is where the next segment starts.
            if !isLast, positionsOnly, cap == nil, let next = peekBasePosition(log: log, number: numbers[i + 1]),
               next > header.basePosition, let count = Int(exactly: next - header.basePosition) {
                loaded.index.segments[i].lazyCount = count
                loaded.index.segments[i].length = size
                loaded.index.segments[i].checked = false
                loaded.index.head = next - 1
                continue
            }
            if !isLast, try loadPersistedIndex(log: log, number: number, segmentSize: size, cap: cap, into: &loaded.index) {
                continue
            }
            // A reader takes the active segment's checkpoint when it holds up, and scans only
            // what follows it; the writer always scans (its recovery judges every byte).
            if isLast, !repair {
                loadActiveCheckpoint(log: log, number: number, handle: handle, segmentSize: size, cap: cap, into: &loaded.index)
                report.activeCheckpointEvents = loaded.index.segments[i].eventCount
            }
            // Scan: the last segment always (past its checkpoint), a sealed one whose index could not be used.
            var capped = false
            let stop = try scanSegment(handle, from: loaded.index.segments[i].length, limit: size, reader: &reader, index: &loaded.index, trackStreams: repair, cap: cap, capped: &capped)
            if capped { break segments }
            if !isLast {
                if case .end = stop {} else {
                    throw corruption(for: stop, segment: path, sealed: true)
                }
                if case .record(let r) = record, loaded.index.segments[i].length < r.acknowledgedEnd {
                    throw ActiveTail.lostAcknowledged(segment: path, offset: loaded.index.segments[i].length, acknowledgedEnd: r.acknowledgedEnd, stop: stop)
                }
                report.rebuiltIndexes.append(number)
                report.messages.append("rebuilt the index of segment \(number) (it was missing or damaged)")
                if repair {
                    try persistIndex(log: log, segment: loaded.index.segments[i], index: loaded.index, sync: true)
                    loaded.index.segments[i].streamOfEvent = []
                }
                continue
            }
            let wholeEnd = loaded.index.segments[i].length
            let verdict = try ActiveTail.judge(
                record: record, stop: stop, wholeEnd: wholeEnd, size: size, head: loaded.index.head, handle: handle,
                reader: &reader, role: repair ? .writer : .reader, recheck: { ActiveTail.readRecord(handle) })
            switch verdict {
            case .readable:
                break
            case .damaged(let error):
                throw error
            case .cut(let offset, let torn):
                guard repair else { break }
                try truncateTail(log: log, segment: number, at: offset)
                if torn {
                    report.bytesCut += size - offset
                    report.messages.append("cut a torn tail of \(size - offset) bytes from segment \(number) at offset \(offset) (written after the last acknowledged append)")
                }
            }
            if repair, case .damaged = record {
                report.messages.append("the commit record of segment \(number) was damaged; it is rewritten now")
            }
        }
        return loaded
    }

    /// The base position segment `number`'s header names, or nil when it cannot be read or
    /// checked (the caller then loads the segment before it the usual way).
    static func peekBasePosition(log: String, number: UInt32) -> UInt64? {
        let path = log + "/" + LogFormat.segmentsDirectory + "/" + LogFormat.segmentFileName(number)
        guard let handle = try? SystemFile.open(path, flags: .readOnly) else { return nil }
        defer { handle.close() }
        guard let bytes = try? handle.read(count: LogFormat.segmentHeaderSize, at: 0),
              case .success(let header) = SegmentHeader.decode(bytes), header.number == number else { return nil }
        return header.basePosition
    }

    /// Scans batches into the index until the end or the first damage.
    /// With a `cap`, stops before the first batch beyond that position and sets `capped`.
    static func scanSegment(
        _ handle: SystemFile, from: Int, limit: Int, reader: inout BatchReader, index: inout LogIndex, trackStreams: Bool,
        cap: UInt64? = nil, capped: inout Bool
    ) throws -> BatchReader.Stop {
        var inconsistency: LogIndex.Inconsistency?
        var at = from
        var hitCap = false
        let (stop, _) = try reader.scan(handle, from: from, limit: limit) { header, buffer, offset in
            if let cap, header.firstPosition > cap {
                hitCap = true
                return false
            }
            let lastMicros = header.lastRecordedMicros(in: buffer)
            do {
                try index.add(
                    stream: header.stream, firstPosition: header.firstPosition, firstVersion: header.firstVersion,
                    count: header.eventCount, lastRecordedMicros: lastMicros, offset: offset,
                    frameLength: header.frameLength, trackStreams: trackStreams)
            } catch let error as LogIndex.Inconsistency {
                inconsistency = error
                at = offset
                return false
            }
            return true
        }
        if let inconsistency {
            throw EventLogError.corrupt(segment: handle.path, offset: at, reason: inconsistency.reason)
        }
        capped = hitCap
        return stop
    }

    /// The head position recorded by an import in progress, if any: readers show nothing past it.
    static func pendingImportCap(log: String) -> UInt64? {
        guard let bytes = try? FileSystem.readFile(log + "/" + LogFormat.pendingImportFile) else { return nil }
        return PendingImportMarker.decode(bytes)?.head
    }

    static func corruption(for stop: BatchReader.Stop, segment: String, sealed: Bool) -> EventLogError {
        switch stop {
        case .end:
            return .corrupt(segment: segment, offset: 0, reason: "unexpected end")
        case .incomplete(let offset):
            return .corrupt(segment: segment, offset: offset, reason: sealed
                ? "a batch runs past the end of this sealed segment" : "a batch runs past the end of the segment")
        case .unwritten(let offset):
            return .corrupt(segment: segment, offset: offset, reason: sealed
                ? "a zero length field inside this sealed segment" : "a zero length field, and valid batches follow it")
        case .invalid(let offset, let reason):
            return .corrupt(segment: segment, offset: offset, reason: sealed ? reason : reason + ", and valid batches follow it (so it is not a torn tail)")
        }
    }

    /// Uses the persisted index of a sealed segment when it matches the segment; false when it
    /// is missing or damaged (the caller scans instead).
    static func loadPersistedIndex(log: String, number: UInt32, segmentSize: Int, cap: UInt64? = nil, into index: inout LogIndex) throws -> Bool {
        let path = log + "/" + LogFormat.indexDirectory + "/" + LogFormat.indexFileName(number)
        guard let bytes = try? FileSystem.readFile(path) else { return false }
        let decoded = index.positionsOnly ? SegmentIndexFile.decodeOffsets(bytes) : SegmentIndexFile.decode(bytes)
        guard case .success(let file) = decoded,
              file.number == number, file.basePosition == index.head + 1,
              file.segmentLength == segmentSize else { return false }
        return adoptIndexFile(file, cap: cap, into: &index)
    }

    /// Puts a decoded index file (a sealed segment's, or the active segment's checkpoint) into
    /// the last segment of `index` when its stream runs continue the streams before it; false
    /// (and nothing changed) when they do not. Its batches are left unchecked: a walk compares
    /// them with the index before serving them (`readAll`), as a stream read does every batch.
    static func adoptIndexFile(_ file: SegmentIndexFile, cap: UInt64?, into index: inout LogIndex) -> Bool {
        if let cap, file.basePosition + UInt64(file.batchOffsets.count) - 1 > cap { return false }
        if index.positionsOnly {
            // No stream table was read: positions and offsets only, checked when first read.
            guard file.basePosition == index.head + 1 else { return false }
            let last = index.segments.count - 1
            index.segments[last].batchOffsets = file.batchOffsets
            index.segments[last].length = file.segmentLength
            index.segments[last].checked = false
            index.head = file.basePosition + UInt64(file.batchOffsets.count) - 1
            return true
        }
        // Check the stream runs continue the streams before committing anything to the index;
        // one dictionary lookup per run (the dominant cost of opening a large log).
        var total = 0
        var ids: [Int32?] = []
        ids.reserveCapacity(file.streams.count)
        let end = file.basePosition + UInt64(file.batchOffsets.count)
        for run in file.streams {
            let id = index.streamIDs[run.name]
            let current = id.map { index.streams[Int($0)].count } ?? 0
            guard run.firstVersion == current + 1, var previous = run.positions.first,
                  previous >= file.basePosition else { return false }
            for p in run.positions.dropFirst() {
                guard p > previous else { return false }
                previous = p
            }
            guard previous < end else { return false }
            ids.append(id)
            total += run.positions.count
        }
        guard total == file.batchOffsets.count else { return false }
        let last = index.segments.count - 1
        index.segments[last].batchOffsets = file.batchOffsets
        index.segments[last].length = file.segmentLength
        // Trusted for the summary (streams, versions); its batches are checked when first read.
        index.segments[last].checked = false
        var runStreams: [Int32] = []
        runStreams.reserveCapacity(file.streams.count)
        for (i, run) in file.streams.enumerated() {
            let id = ids[i] ?? index.id(for: run.name)
            index.streams[Int(id)].positions.append(contentsOf: run.positions)
            index.streams[Int(id)].lastRecordedMicros = run.lastRecordedMicros
            runStreams.append(id)
        }
        index.segments[last].runStreams = runStreams
        index.head = file.basePosition + UInt64(file.batchOffsets.count) - 1
        return true
    }

    /// Writes the index of a (now sealed) segment from the in-memory index.
    static func persistIndex(log: String, segment: LogIndex.Segment, index: LogIndex, sync: Bool) throws {
        let file = makeIndexFile(segment: segment, index: index)
        do {
            try FileJail(root: log).writeAtomically(file.encoded(), to: indexFile(segment.number), durable: sync)
        } catch {
            throw EventLogError.wrap(error)
        }
    }

    static func makeIndexFile(segment: LogIndex.Segment, index: LogIndex) -> SegmentIndexFile {
        let first = segment.basePosition
        // The writer tracks which stream each event belongs to until the segment is sealed.
        precondition(segment.streamOfEvent.count == segment.eventCount, "segment \(segment.number) was indexed without stream tracking")
        var order: [Int32] = []
        var byStream: [Int32: [UInt64]] = [:]
        for (i, id) in segment.streamOfEvent.enumerated() {
            if byStream[id] == nil { order.append(id) }
            byStream[id, default: []].append(first + UInt64(i))
        }
        let runs = order.map { id in makeRun(stream: index.streams[Int(id)], positions: byStream[id] ?? []) }
        return SegmentIndexFile(number: segment.number, basePosition: first, segmentLength: segment.length, batchOffsets: segment.batchOffsets, streams: runs)
    }

    private static func makeRun(stream s: LogIndex.Stream, positions: [UInt64]) -> SegmentIndexFile.StreamRun {
        let firstIndex = lowerBound(s.positions, positions.first ?? 0)
        // lastRecordedMicros of the run is the stream's time as of the segment's end; the stream's
        // later segments overwrite it when loaded in order.
        return SegmentIndexFile.StreamRun(name: s.name, firstVersion: UInt64(firstIndex + 1), lastRecordedMicros: s.lastRecordedMicros, positions: positions)
    }

    static func lowerBound(_ a: [UInt64], _ value: UInt64) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    static func truncateTail(log: String, segment: UInt32, at offset: Int) throws {
        do {
            let handle = try FileJail(root: log).open(segmentFile(segment), flags: .readWrite)
            try handle.truncate(to: offset)
            try handle.sync()
            handle.close()
        } catch {
            throw EventLogError.wrap(error)
        }
    }

    static func rewriteHeader(log: String, number: UInt32, base: UInt64, report: inout RecoveryReport, wasBytes: Int) throws -> SegmentHeader {
        let header = SegmentHeader(number: number, basePosition: base, createdMicros: nowMicros())
        do {
            let handle = try FileJail(root: log).open(segmentFile(number), flags: .readWrite)
            try handle.truncate(to: 0)
            try handle.write(header.encoded(), at: 0)
            try handle.sync()
            handle.close()
        } catch {
            throw EventLogError.wrap(error)
        }
        report.messages.append("rewrote the unfinished header of segment \(number) (\(wasBytes) bytes were on disk)")
        return header
    }
}
