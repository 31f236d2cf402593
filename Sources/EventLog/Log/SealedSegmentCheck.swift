import Platform
import Foundation
import Synchronization

/// The writer's check that its sealed segments match the index they were loaded from, so that it
/// never appends to a log whose sealed data is damaged (batches swapped, positions rewritten
/// with their CRCs recomputed, a segment from another log).
///
/// It walks the batch headers only (length, stream, count, first position and version), not the
/// events and not the CRCs: readers check those when they read. Opening a large log must stay
/// under a second, so the walk runs on a background thread that starts when the writer opens;
/// the first append or import waits for its verdict and fails with it (`WriterState.sealedCheck`).
enum SealedSegmentCheck {
    /// Where the walk stands, as the writer sees it (guarded by `EventLog.monitor`).
    enum Status {
        case running
        case passed
        case failed(EventLogError)
    }

    /// Set by `close()`: the walk stops at its next batch.
    final class Cancellation: Sendable {
        let flag = Atomic<Bool>(false)
        var isCancelled: Bool { flag.load(ordering: .relaxed) }
        func cancel() { flag.store(true, ordering: .relaxed) }
    }

    /// The sealed segments of `index` (all but the last) that are not yet checked.
    static func segmentsToCheck(_ index: LogIndex) -> [Int] {
        guard index.segments.count > 1 else { return [] }
        return (0..<(index.segments.count - 1)).filter { !index.segments[$0].checked }
    }

    /// Walks segment `k` of `index` (its file at `path`); nil when every batch header matches.
    static func walk(segment k: Int, of index: LogIndex, path: String, cancel: Cancellation) throws -> EventLogError? {
        let segment = index.segments[k]
        let handle: SystemFile
        do { handle = try SystemFile.open(path, flags: .readOnly) } catch { throw EventLogError.wrap(error) }
        defer { handle.close() }
        var window = HeaderWindow(handle: handle, limit: segment.length)
        var at = LogFormat.segmentHeaderSize
        var expected = segment.basePosition
        func damage(_ offset: Int, _ reason: String) -> EventLogError {
            .corrupt(segment: path, offset: offset, reason: reason + "; the writer will not append to a log whose sealed segments are damaged")
        }
        while at < segment.length {
            if cancel.isCancelled { return nil }
            let fixed = 4 + LogFormat.batchBodyHeaderSize
            guard at + fixed <= segment.length else { return damage(at, "a batch runs past the end of this sealed segment") }
            let h = try window.load(at: at, count: fixed)
            let (bodyLength, kind, streamLength, count, firstPosition, firstVersion) = window.storage.withUnsafeBytes { raw in
                (Int(raw.u32(at: h)), raw[h + 4], Int(raw.u16(at: h + 6)), Int(raw.u32(at: h + 8)), raw.u64(at: h + 12), raw.u64(at: h + 20))
            }
            guard bodyLength >= LogFormat.batchBodyHeaderSize, bodyLength <= LogFormat.maxBatchBodyBytes,
                  at + bodyLength + LogFormat.batchFrameOverhead <= segment.length else {
                return damage(at, "batch length field \(bodyLength) is out of range for this sealed segment")
            }
            guard kind == LogFormat.batchKindEvents, streamLength >= 1,
                  LogFormat.batchBodyHeaderSize + streamLength <= bodyLength,
                  count >= 1, count <= LogFormat.maxEventsPerBatch,
                  LogFormat.rangeIsValid(first: firstPosition, count: count),
                  LogFormat.rangeIsValid(first: firstVersion, count: count) else {
                return damage(at, "batch header is malformed (kind \(kind), \(count) events from position \(firstPosition), version \(firstVersion))")
            }
            guard firstPosition == expected else {
                return damage(at, "batch starts at position \(firstPosition), expected \(expected) (the segment does not match its index)")
            }
            let n = try window.load(at: at + fixed, count: streamLength)
            let name = window.storage.withUnsafeBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[n..<(n + streamLength)]), as: UTF8.self) }
            let claim = LogIndex.BatchClaim(
                offset: at, stream: name,
                firstPosition: firstPosition, firstVersion: firstVersion, count: count)
            if let why = index.mismatch(claim, inSegment: k) { return damage(at, why) }
            expected = firstPosition + UInt64(count)
            window.lastFrame = bodyLength + LogFormat.batchFrameOverhead
            at += window.lastFrame
        }
        guard expected == segment.endPosition else {
            return damage(segment.length, "the segment's batches end at position \(expected - 1), but its index runs to \(segment.endPosition - 1)")
        }
        return nil
    }

    /// Reads the bytes of batch headers: dense batches through 1 MiB reads, sparse (large)
    /// batches with a 4 KiB read at each header, so the walk reads little more than it needs.
    struct HeaderWindow {
        let handle: SystemFile
        let limit: Int
        var storage = [UInt8](repeating: 0, count: 1 << 20)
        var start = 0
        var count = 0
        var lastFrame = 0

        init(handle: SystemFile, limit: Int) {
            self.handle = handle
            self.limit = limit
        }

        /// Makes `storage` hold `needed` bytes at file offset `offset` (the caller checked they
        /// are below `limit`); returns where they start in `storage`.
        mutating func load(at offset: Int, count needed: Int) throws -> Int {
            if offset < start || offset + needed > start + count {
                let want = min(max(lastFrame >= 64 << 10 ? 4 << 10 : storage.count, needed), limit - offset)
                let file = handle
                let got = try storage.withUnsafeMutableBytes { raw -> Int in
                    guard let base = raw.baseAddress else { return 0 }
                    do { return try file.read(into: base, count: want, at: offset) } catch {
                        throw EventLogError.readFailure(error, segment: file.path, offset: offset, count: want)
                    }
                }
                start = offset
                count = got
                guard got >= needed else {
                    throw EventLogError.corrupt(segment: file.path, offset: offset, reason: "the sealed segment ended while it was read (it shrank)")
                }
            }
            return offset - start
        }
    }
}

extension EventLog {
    /// Starts the writer's background walk of its unchecked sealed segments (see
    /// `SealedSegmentCheck`); appends wait for its verdict.
    func startSealedSegmentCheck() {
        monitor.lock()
        guard let w = writer else { monitor.unlock(); return }
        let todo = SealedSegmentCheck.segmentsToCheck(index)
        guard !todo.isEmpty else { monitor.unlock(); return }
        let snapshot = index
        let paths = todo.map { segmentPath(snapshot.segments[$0].number) }
        let cancel = sealedCheckCancellation
        w.sealedCheck = .running
        monitor.unlock()
        let thread = Thread { [weak self] in
            var verdict: SealedSegmentCheck.Status = .passed
            do {
                for (k, path) in zip(todo, paths) {
                    if let damage = try SealedSegmentCheck.walk(segment: k, of: snapshot, path: path, cancel: cancel) {
                        verdict = .failed(damage)
                        break
                    }
                }
            } catch {
                verdict = .failed(EventLogError.wrap(error))
            }
            guard let log = self else { return }
            log.monitor.lock()
            if case .passed = verdict, !cancel.isCancelled {
                for k in todo where k < log.index.segments.count && log.index.segments[k].number == snapshot.segments[k].number {
                    log.index.segments[k].checked = true
                    log.index.segments[k].runStreams = []
                }
                log.checkTable = nil
            }
            if cancel.isCancelled, case .passed = verdict { verdict = .failed(.closed) }
            log.writer?.sealedCheck = verdict
            log.monitor.broadcast()
            log.monitor.unlock()
        }
        thread.name = "rewind-sealed-check"
        thread.start()
    }

    /// The writer, once it may write (monitor held): the log is open and writable, the
    /// sealed-segment walk has passed (waiting for it), and no earlier write failed.
    func writableWriter() throws -> WriterState {
        guard !isClosed else { throw EventLogError.closed }
        guard let w = writer else { throw EventLogError.readOnly(log: path) }
        try waitForSealedSegmentCheck(w)
        guard !isClosed else { throw EventLogError.closed }
        if let failure = w.failure { throw failure }
        return w
    }

    /// Waits (monitor held) for the sealed-segment walk; throws its damage.
    func waitForSealedSegmentCheck(_ w: WriterState) throws {
        while true {
            switch w.sealedCheck {
            case .passed: return
            case .failed(let error): throw error
            case .running: monitor.wait()
            }
        }
    }
}
