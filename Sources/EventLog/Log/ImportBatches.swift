/// A stream an import transaction appends to, from `ImportTransaction.stream(_:)`: its name is
/// checked, and its version read, once; valid only in the transaction that made it.
public struct ImportStream: Sendable, Equatable {
    let index: Int32
}

/// Events an import queues with one `ImportTransaction.append(_:)`: runs of consecutive versions
/// of one stream, each written as one batch.
///
/// An import of interleaved streams (a bank's accounts) has a batch for nearly every event; a
/// group of them costs one lock, one state check and one version lookup per batch by stream
/// index instead of an `append(to:)` each, with its name checks and name-keyed lookups.
/// A run ends at `maxRunEvents` events, once it holds `maxRunBytes`, at another stream, or at a
/// version that does not follow.
public struct ImportBatches {
    struct Run {
        var stream: ImportStream
        var firstVersion: UInt64
        var count: Int
    }

    public private(set) var events: [NewEvent] = []
    private(set) var runs: [Run] = []
    /// What the queued events weigh: their data and metadata plus 64 bytes each (for bounds).
    public private(set) var bytes = 0
    private var runBytes = 0
    public let maxRunEvents: Int
    public let maxRunBytes: Int

    public init(maxRunEvents: Int = 1000, maxRunBytes: Int = 1 << 20) {
        self.maxRunEvents = max(1, min(maxRunEvents, LogFormat.maxEventsPerBatch))
        self.maxRunBytes = maxRunBytes
    }

    public var isEmpty: Bool { events.isEmpty }
    public var count: Int { events.count }
    /// How many batches the queued events make.
    public var batchCount: Int { runs.count }

    /// Queues `event` as `version` of `stream`, continuing the last run when it can.
    public mutating func append(_ event: consuming NewEvent, to stream: ImportStream, version: UInt64) {
        let size = event.data.count + event.metadata.count + 64
        if let last = runs.last, last.stream == stream, last.count < maxRunEvents, runBytes < maxRunBytes,
           last.firstVersion &+ UInt64(last.count) == version {
            runs[runs.count - 1].count += 1
            runBytes += size
        } else {
            runs.append(Run(stream: stream, firstVersion: version, count: 1))
            runBytes = size
        }
        events.append(event)
        bytes += size
    }

    /// Empties the group, keeping its storage for the next one.
    public mutating func removeAll() {
        events.removeAll(keepingCapacity: true)
        runs.removeAll(keepingCapacity: true)
        bytes = 0
        runBytes = 0
    }
}

extension EventLog {
    /// The writer of an open transaction `id` (monitor held), or why it cannot append.
    private func transactionWriter(_ id: ObjectIdentifier) throws -> WriterState {
        let w = try writableWriter()
        guard w.transaction == id else { throw EventLogError.invalidArgument("this import transaction has already finished") }
        return w
    }

    func importStream(_ name: String, transaction: ObjectIdentifier) throws -> ImportStream {
        if let problem = StreamName.problem(with: name) { throw EventLogError.invalidArgument(problem) }
        monitor.lock()
        defer { monitor.unlock() }
        let w = try transactionWriter(transaction)
        if let known = w.importStreamIndex[name] { return ImportStream(index: known) }
        let version = w.pendingVersions[name] ?? index.count(of: name)
        let s = Int32(w.importStreams.count)
        w.importStreams.append(.init(name: name, version: version, indexID: index.streamID(name) ?? -1))
        w.importStreamIndex[name] = s
        return ImportStream(index: s)
    }

    /// Queues each run of `group` as a batch: all of them, or (when one is refused) none.
    func appendImport(_ group: ImportBatches, transaction: ObjectIdentifier) throws -> ClosedRange<UInt64>? {
        guard !group.runs.isEmpty else { return nil }
        let recorded = Self.nowMicros()
        monitor.lock()
        defer { monitor.unlock() }
        let w = try transactionWriter(transaction)
        guard LogFormat.rangeIsValid(first: w.nextPosition, count: group.events.count) else {
            throw EventLogError.invalidArgument("the log is full: positions end at \(LogFormat.maxPosition)")
        }
        // The writer's queues are moved out and back: each access to a field of the writer (a
        // class) is an exclusivity check at run time, and this runs per batch.
        var queue = ImportQueue(streams: [], pending: ByteWriter(), batches: [], nextPosition: w.nextPosition, ticket: w.issuedTicket)
        swap(&queue.streams, &w.importStreams)
        swap(&queue.pending, &w.pending)
        swap(&queue.batches, &w.batches)
        let first = queue.nextPosition
        let refused = queue.add(group, recordedMicros: recorded)
        swap(&queue.streams, &w.importStreams)
        swap(&queue.pending, &w.pending)
        swap(&queue.batches, &w.batches)
        w.nextPosition = queue.nextPosition
        w.issuedTicket = queue.ticket
        if let refused { throw refused }
        // Imports write in large groups and sync once, at commit.
        if w.pending.bytes.count >= 4 << 20 { try waitDurable(w.issuedTicket, w, sync: false) }
        return first...(w.nextPosition - 1)
    }
}

/// The writer's queues while `appendImport` adds a group to them.
private struct ImportQueue {
    var streams: [WriterState.ImportStreamState]
    var pending: ByteWriter
    var batches: [WriterState.PendingBatch]
    var nextPosition: UInt64
    var ticket: UInt64

    /// Queues each run of `group` as a batch: all of them, or (when one is refused) none.
    mutating func add(_ group: ImportBatches, recordedMicros recorded: Int64) -> EventLogError? {
        // Check every run first, moving the streams' versions on; a refused run puts back the
        // versions of the runs before it, so nothing of the group is queued.
        var start = 0
        for (r, run) in group.runs.enumerated() {
            if let problem = check(run, events: group.events[start..<(start + run.count)]) {
                for earlier in group.runs[0..<r] { streams[Int(earlier.stream.index)].version -= UInt64(earlier.count) }
                return problem
            }
            streams[Int(run.stream.index)].version += UInt64(run.count)
            start += run.count
        }
        start = 0
        for run in group.runs {
            let s = Int(run.stream.index)
            let offset = pending.bytes.count
            BatchCodec.encode(
                stream: streams[s].name, firstPosition: nextPosition, firstVersion: run.firstVersion,
                events: group.events[start..<(start + run.count)], recordedMicros: recorded, into: &pending)
            ticket += 1
            batches.append(.init(
                stream: streams[s].name, firstPosition: nextPosition, firstVersion: run.firstVersion, count: run.count,
                recordedMicros: recorded, start: offset, length: pending.bytes.count - offset, ticket: ticket,
                importStream: run.stream.index))
            nextPosition += UInt64(run.count)
            start += run.count
        }
        return nil
    }

    /// Why a run of an import cannot be queued (its stream's version, sizes, types), or nil.
    func check(_ run: ImportBatches.Run, events: ArraySlice<NewEvent>) -> EventLogError? {
        let s = Int(run.stream.index)
        guard s >= 0, s < streams.count else { return .invalidArgument("an import stream of another transaction") }
        let stream = streams[s]
        let current = stream.version
        guard run.firstVersion == current + 1 else {
            let expected: ExpectedVersion = run.firstVersion <= 1 ? .noStream : .exact(run.firstVersion - 1)
            return .wrongExpectedVersion(stream: stream.name, expected: expected, actual: current)
        }
        guard LogFormat.rangeIsValid(first: run.firstVersion, count: run.count) else {
            return .invalidArgument("stream '\(stream.name)' is full: versions end at \(LogFormat.maxPosition)")
        }
        for e in events {
            if e.type.isEmpty { return .invalidArgument("an event type cannot be empty") }
            if e.type.utf8.count > LogFormat.maxTypeBytes {
                return .invalidArgument("an event type is at most \(LogFormat.maxTypeBytes) bytes (\(e.type.prefix(40))… has \(e.type.utf8.count))")
            }
        }
        let size = BatchCodec.frameSize(stream: stream.name, events: events) - LogFormat.batchFrameOverhead
        guard size <= LogFormat.maxBatchBodyBytes else {
            return .invalidArgument("a batch is at most \(LogFormat.maxBatchBodyBytes >> 20) MiB (this one is \(size) bytes); import smaller runs")
        }
        return nil
    }
}
