import Platform

/// What `rewind verify` found: every segment's header and every batch's CRC and structure,
/// position and version continuity, and whether the persisted indexes match the data.
public struct VerifyReport: Sendable, Equatable {
    public enum Severity: String, Sendable {
        /// Data is damaged or inconsistent: readers will refuse it.
        case error
        /// Repairable by the next writer (a torn tail, a missing or stale index).
        case warning
    }

    public struct Problem: Sendable, Equatable {
        public var severity: Severity
        public var segment: String
        public var offset: Int
        public var message: String
    }

    public var segments = 0
    public var batches = 0
    public var events: UInt64 = 0
    public var streams = 0
    public var bytes = 0
    public var problems: [Problem] = []
    /// An import that has not committed (`LOG/import.pending`): its events are not counted above.
    public var uncommittedImport: UncommittedImport?

    /// What an uncommitted import wrote after the head it recorded before appending.
    public struct UncommittedImport: Sendable, Equatable {
        /// The last position of the log before the import: what `events` counts up to.
        public var committedHead: UInt64
        /// Events and bytes (of whole batches) written after it, which the next writer rolls back.
        public var events: UInt64
        public var bytes: Int
        /// True when a live process holds the writer lock: the import may still be running.
        public var writerRunning: Bool
    }

    /// True when nothing is damaged (warnings allowed).
    public var isHealthy: Bool { !problems.contains { $0.severity == .error } }
}

/// Reads a whole log and checks it without changing anything. Safe to run while a writer
/// appends: the growing tail is checked up to where it was when the verifier reached it.
public enum LogVerifier {
    /// - Parameter progress: called now and then with (bytes checked, bytes in all segments).
    public static func verify(at rawPath: String, progress: ((Int, Int) -> Void)? = nil) throws -> VerifyReport {
        let path = FileSystem.absolutePath(rawPath)
        // Opening read-only checks the marker and reports a missing segment clearly.
        guard FileSystem.exists(path + "/" + LogFormat.markerFile) else { throw EventLogError.notALog(path: path) }
        let numbers = try EventLog.segmentNumbers(log: path)
        var report = VerifyReport()
        // An import writes its marker before appending and removes it when it commits: what
        // lies after the marker's head is not part of the log (readers do not show it, the
        // next writer cuts it), so it is checked but not counted.
        let markerPath = path + "/" + LogFormat.pendingImportFile
        var pending: VerifyReport.UncommittedImport?
        if FileSystem.exists(markerPath) {
            if let bytes = try? FileSystem.readFile(markerPath), let marker = PendingImportMarker.decode(bytes) {
                pending = .init(committedHead: marker.head, events: 0, bytes: 0, writerRunning: WriterLock.isHeldByLiveProcess(log: path))
            } else {
                report.problems.append(.init(severity: .error, segment: markerPath, offset: 0, message:
                    "the marker of an uncommitted import is damaged, so the next writer cannot roll that import back and refuses to open the log; restore the log from a copy"))
            }
        }
        var committedStreams: Set<Int> = []
        var sizes: [Int] = []
        for n in numbers {
            sizes.append((try? FileSystem.fileSize(path + "/" + LogFormat.segmentsDirectory + "/" + LogFormat.segmentFileName(n))) ?? 0)
        }
        let total = sizes.reduce(0, +)
        var done = 0
        var expectedPosition: UInt64 = 1
        // Per stream (by first appearance): its last version; and, per segment, its run.
        var streamIDs: [String: Int] = [:]
        var lastVersions: [UInt64] = []
        var runOfStream: [Int] = []
        var reader = BatchReader(chunkSize: 4 << 20)

        for (i, number) in numbers.enumerated() {
            let segmentPath = path + "/" + LogFormat.segmentsDirectory + "/" + LogFormat.segmentFileName(number)
            let isLast = i == numbers.count - 1
            var size = sizes[i]
            report.segments += 1
            func problem(_ severity: VerifyReport.Severity, _ offset: Int, _ message: String) {
                report.problems.append(.init(severity: severity, segment: segmentPath, offset: offset, message: message))
            }
            let handle: SystemFile
            do { handle = try SystemFile.open(segmentPath, flags: .readOnly) } catch {
                problem(.error, 0, "cannot open: \(error)")
                continue
            }
            let headerBytes: [UInt8]
            do { headerBytes = try handle.read(count: LogFormat.segmentHeaderSize, at: 0) } catch {
                let failure = EventLogError.readFailure(error, segment: segmentPath, offset: 0, count: LogFormat.segmentHeaderSize)
                if case .corrupt(_, _, let reason) = failure { problem(.error, 0, reason) } else { problem(.error, 0, "\(failure)") }
                done += size
                continue
            }
            let record = CommitRecord.decode(header: headerBytes)
            if isLast, let now = try? handle.size() {
                // The size after the commit record (see `ActiveTail`): a writer may have appended.
                done += now - size
                size = now
            }
            if case .damaged(let raw) = record {
                problem(.warning, CommitRecord.headerOffset, "the commit record (0x\(String(raw, radix: 16))) fails its check, so what this segment acknowledged cannot be checked; the next writer rewrites it")
            }
            switch SegmentHeader.decode(headerBytes) {
            case .failure(let why):
                if isLast && size <= LogFormat.segmentHeaderSize {
                    problem(.warning, 0, "unfinished segment header (\(size) bytes); the next writer rewrites it")
                } else {
                    problem(.error, why.offset, why.description)
                }
                done += size
                continue
            case .success(let header):
                if header.number != number { problem(.error, 12, "header names segment \(header.number)") }
                if header.basePosition != expectedPosition {
                    problem(.error, 16, "segment starts at position \(header.basePosition) but the log before it ends at \(expectedPosition - 1)")
                    expectedPosition = header.basePosition
                }
            }

            // Rebuild this segment's index from its bytes while checking every batch. The work
            // per batch is one dictionary lookup and two bulk appends; nothing is done per event
            // beyond what the batch check does (CRC, and the walk that bounds every length).
            var offsets: [UInt32] = []
            var runs: [SegmentIndexFile.StreamRun] = []
            var runStreams: [Int] = []
            let basePosition = expectedPosition
            var lastReported = 0
            var firstUncommittedOffset: Int?
            let (stop, _) = try reader.scan(handle, from: LogFormat.segmentHeaderSize, limit: size) { header, buffer, offset in
                let committed = pending.map { header.firstPosition <= $0.committedHead } ?? true
                if committed { report.batches += 1 } else if firstUncommittedOffset == nil { firstUncommittedOffset = offset }
                if header.firstPosition != expectedPosition {
                    problem(.error, offset, "batch starts at position \(header.firstPosition), expected \(expectedPosition)")
                }
                let id: Int
                if let known = streamIDs[header.stream] {
                    id = known
                } else {
                    id = lastVersions.count
                    streamIDs[header.stream] = id
                    lastVersions.append(0)
                    runOfStream.append(-1)
                }
                let current = lastVersions[id]
                if header.firstVersion != current + 1 {
                    problem(.error, offset, "batch of stream '\(header.stream)' starts at version \(header.firstVersion), expected \(current + 1)")
                }
                lastVersions[id] = header.lastVersion
                var run = runOfStream[id]
                if run < 0 {
                    run = runs.count
                    runOfStream[id] = run
                    runStreams.append(id)
                    runs.append(.init(name: header.stream, firstVersion: header.firstVersion, lastRecordedMicros: 0, positions: []))
                }
                // Offsets past u32 cannot be indexed; such a segment is refused by every reader.
                offsets.append(contentsOf: repeatElement(UInt32(truncatingIfNeeded: offset), count: header.eventCount))
                runs[run].positions.append(contentsOf: header.firstPosition...header.lastPosition)
                runs[run].lastRecordedMicros = header.lastRecordedMicros(in: buffer)
                if committed {
                    report.events += UInt64(header.eventCount)
                    committedStreams.insert(id)
                } else {
                    pending?.events += UInt64(header.eventCount)
                }
                expectedPosition = header.lastPosition + 1
                if let progress, offset - lastReported > 8 << 20 {
                    lastReported = offset
                    progress(done + offset, total)
                }
                return true
            }
            for id in runStreams { runOfStream[id] = -1 }
            done += size
            progress?(done, total)
            let wholeEnd: Int
            switch stop {
            case .end: wholeEnd = size
            case .incomplete(let offset), .invalid(let offset, _), .unwritten(let offset): wholeEnd = offset
            }
            if let first = firstUncommittedOffset { pending?.bytes += max(0, wholeEnd - first) }
            if isLast {
                let verdict = try ActiveTail.judge(
                    record: record, stop: stop, wholeEnd: wholeEnd, size: size, head: expectedPosition - 1, handle: handle,
                    reader: &reader, role: .verifier(writerRunning: WriterLock.isHeldByLiveProcess(log: path)),
                    recheck: { ActiveTail.readRecord(handle) })
                switch verdict {
                case .readable, .cut(_, torn: false):
                    break
                case .cut(let offset, torn: true):
                    let reason: String
                    if case .invalid(_, let r) = stop { reason = r } else { reason = "a batch runs past the end of the segment" }
                    let why = if case .record = record { "the commit record does not cover them" } else { "these events were never acknowledged" }
                    problem(.warning, offset, "torn tail of \(size - offset) bytes (\(reason)); the next writer cuts it — \(why)")
                case .damaged(let error):
                    if case .corrupt(_, let offset, let reason) = error { problem(.error, offset, reason) } else { problem(.error, wholeEnd, error.description) }
                }
                continue
            }
            if case .end = stop {} else {
                let reason: String
                if case .invalid(_, let r) = stop { reason = r } else { reason = "a batch runs past the end of the segment" }
                problem(.error, wholeEnd, reason + " in a sealed segment")
                continue
            }
            if case .record(let r) = record, wholeEnd < r.acknowledgedEnd {
                if case .corrupt(_, let offset, let reason) = ActiveTail.lostAcknowledged(segment: segmentPath, offset: wholeEnd, acknowledgedEnd: r.acknowledgedEnd, stop: stop) {
                    problem(.error, offset, reason)
                }
                continue
            }
            // A sealed segment's persisted index must describe exactly these bytes.
            let indexPath = path + "/" + LogFormat.indexDirectory + "/" + LogFormat.indexFileName(number)
            guard let bytes = try? FileSystem.readFile(indexPath) else {
                problem(.warning, 0, "index file \(LogFormat.indexFileName(number)) is missing; the next open rebuilds it")
                continue
            }
            switch SegmentIndexFile.decode(bytes) {
            case .failure(let why):
                problem(.warning, 0, "index file \(LogFormat.indexFileName(number)) is unusable (\(why)); the next open rebuilds it")
            case .success(let file):
                let expected = SegmentIndexFile(
                    number: number, basePosition: basePosition, segmentLength: size, batchOffsets: offsets,
                    streams: runs)
                if !file.describesSameData(as: expected) {
                    problem(.warning, 0, "index file \(LogFormat.indexFileName(number)) does not match the segment; the next open rebuilds it")
                }
            }
        }
        report.streams = committedStreams.count
        report.bytes = total
        if let pending {
            report.uncommittedImport = pending
            let what = pending.writerRunning
                ? "an import is in progress (the writer lock is held)"
                : "an import was interrupted before it committed"
            let size = pending.events == 0 ? "has written no events yet" : "wrote \(pending.events) event\(pending.events == 1 ? "" : "s") (\(pending.bytes) bytes) after position \(pending.committedHead)"
            let fate = pending.writerRunning
                ? "they become part of the log only if it commits; otherwise the next writer rolls them back"
                : "they are not part of the log, and the next writer rolls them back"
            report.problems.append(.init(severity: .warning, segment: markerPath, offset: 0, message:
                "\(what): it \(size); \(fate) (the counts stop at position \(pending.committedHead))"))
        }
        return report
    }
}

extension SegmentIndexFile {
    /// Same segment, offsets and stream runs (in any order).
    func describesSameData(as other: SegmentIndexFile) -> Bool {
        guard number == other.number, basePosition == other.basePosition, segmentLength == other.segmentLength,
              batchOffsets == other.batchOffsets, streams.count == other.streams.count else { return false }
        var mine: [String: StreamRun] = [:]
        for s in streams { mine[s.name] = s }
        for s in other.streams {
            guard let m = mine[s.name], m.firstVersion == s.firstVersion, m.positions == s.positions,
                  m.lastRecordedMicros == s.lastRecordedMicros else { return false }
        }
        return true
    }
}
