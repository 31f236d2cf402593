import EventLog
import Foundation
import Platform

/// Appends an import's planned events to the log on a thread of its own while the importer
/// reads on: decoding lines and appending them cost about the same, so two cores overlap them.
///
/// Contracts: the thread owns the `ImportTransaction` from `beginImport` to commit or rollback
/// (a transaction is driven by one thread). The importer hands over chunks of planned events in
/// input order through a queue of at most `maxChunks` chunks, waiting while it is full, so memory
/// stays bounded. The thread appends them in order through a `BatchWriter`, in the groups a
/// one-thread import makes: positions, versions and batches are the same. An error of the
/// thread rolls the transaction back and is thrown to the importer at its next call. Exactly
/// one of `commit()` and `rollback()` ends it; both wait for the thread to finish.
final class ImportWriterThread: Sendable {
    /// Chunks queued at most; each holds up to `chunkEvents` events.
    static let maxChunks = 4
    static let chunkEvents = 4096

    /// Planned events of consecutive input records, in input order.
    struct Chunk: Sendable {
        var events: [NewEvent] = []
        var places: [ImportPlanner.Placement] = []
        /// The streams this chunk is the first to write to: (the planner's index, the name).
        var newStreams: [(Int32, String)] = []
        /// What the events weigh, as `ImportBatches` counts it.
        var bytes = 0

        var isEmpty: Bool { events.isEmpty }

        mutating func append(_ event: NewEvent, at place: ImportPlanner.Placement) {
            bytes += event.data.count + event.metadata.count + 64
            events.append(event)
            places.append(place)
        }
    }

    /// What a committed import wrote.
    struct Written: Sendable {
        var events: Int
        var firstPosition: UInt64
        var lastPosition: UInt64
    }

    private enum Command: Sendable { case append, commit, rollback }

    private struct State: Sendable {
        var queue: [Chunk] = []
        var command = Command.append
        /// A chunk taken from the queue and not yet appended.
        var busy = false
        var begun = false
        var finished = false
        var failure: (any Error)?
        var written: Written?
    }

    private let state = Monitor(State())

    private init() {}

    /// Starts the thread and waits until it has begun the transaction.
    /// - Throws: what `beginImport` threw (the thread has then finished).
    static func start(log: EventLog, maxEvents: Int, maxBytes: Int) throws -> ImportWriterThread {
        let writer = ImportWriterThread()
        let thread = Thread { writer.run(log: log, maxEvents: maxEvents, maxBytes: maxBytes) }
        thread.name = "rewind-import-writer"
        thread.start()
        let failure = writer.state.wait(until: { $0.begun || $0.finished }) { s, _ in s.failure }
        if let failure { throw failure }
        return writer
    }

    /// Queues `chunk`, waiting while the queue is full.
    /// - Throws: the thread's error, if it has failed (the chunk is then dropped).
    func send(_ chunk: Chunk) throws {
        let failure = state.wait(until: { $0.queue.count < Self.maxChunks || $0.finished }) { s, _ -> (any Error)? in
            guard !s.finished else { return s.failure ?? EventLogError.invalidArgument("the import writer has stopped") }
            s.queue.append(chunk)
            return nil
        }
        if let failure { throw failure }
    }

    /// Waits until every chunk sent is appended.
    /// - Throws: the thread's error, if it has failed.
    func drain() throws {
        let failure = state.wait(until: { ($0.queue.isEmpty && !$0.busy) || $0.finished }) { s, _ in s.failure }
        if let failure { throw failure }
    }

    /// Appends what is queued, commits, and waits for the thread to finish.
    func commit() throws -> Written {
        state.update { $0.command = .commit }
        let (written, failure) = state.wait(until: { $0.finished }) { s, _ in (s.written, s.failure) }
        if let failure { throw failure }
        guard let written else { throw EventLogError.invalidArgument("the import writer stopped without committing") }
        return written
    }

    /// Drops what is queued, rolls the transaction back, and waits for the thread to finish.
    func rollback() {
        state.update { $0.command = .rollback }
        _ = state.wait(until: { $0.finished })
    }

    private func run(log: EventLog, maxEvents: Int, maxBytes: Int) {
        let transaction: ImportTransaction
        do {
            transaction = try log.beginImport()
        } catch {
            state.update {
                $0.failure = error
                $0.finished = true
            }
            return
        }
        state.update { $0.begun = true }
        var writer = BatchWriter(transaction: transaction, maxEvents: maxEvents, maxBytes: maxBytes)
        var names: [String] = []
        do {
            while true {
                // Taking a chunk wakes the importer if it waits for room in the queue.
                let (next, command) = state.wait(until: { !$0.queue.isEmpty || $0.command != .append }) { s, _ -> (Chunk?, Command) in
                    guard s.command != .rollback, !s.queue.isEmpty else { return (nil, s.command) }
                    s.busy = true
                    return (s.queue.removeFirst(), s.command)
                }
                if command == .rollback {
                    try? transaction.rollback()
                    state.update {
                        $0.queue = []
                        $0.finished = true
                    }
                    return
                }
                if let chunk = next {
                    for (s, name) in chunk.newStreams {
                        let i = Int(s)
                        if i >= names.count { names.append(contentsOf: repeatElement("", count: i + 1 - names.count)) }
                        names[i] = name
                    }
                    for (event, place) in zip(chunk.events, chunk.places) {
                        try writer.add(event, stream: names[Int(place.stream)], at: place)
                    }
                    state.update { $0.busy = false }
                    continue
                }
                // The queue is empty and the importer asks for the commit.
                try writer.flush()
                try transaction.commit()
                let written = Written(events: writer.written, firstPosition: writer.firstPosition, lastPosition: writer.lastPosition)
                state.update {
                    $0.written = written
                    $0.finished = true
                }
                return
            }
        } catch {
            try? transaction.rollback()
            state.update {
                $0.failure = error
                $0.queue = []
                $0.busy = false
                $0.finished = true
            }
        }
    }
}
