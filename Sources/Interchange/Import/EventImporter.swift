import EventLog

/// Imports events from any `EventSource` into a log: all or nothing, idempotent by event id.
///
/// One pass reads the input once: each record is parsed, checked (`ImportPlanner`: bad records
/// are reported with where they are and why, versions are checked, events whose id the log
/// already holds are set aside as already present) and, while no record has been bad, queued
/// for an `ImportWriterThread`, which appends them inside an `ImportTransaction` while the next
/// lines are read (consecutive events of one stream batched with exact expected versions). At
/// the end the transaction commits with one fsync (none with a `.noSync`
/// log) — or, if any record was bad, rolls back: the log is cut back to where it was, so a bad
/// record still writes nothing. `skipInvalid` writes the valid records and reports the rest.
/// An input whose events are all already present never opens a transaction.
public struct EventImporter {
    /// Where an import is: reading, checking and queueing (`checking`), or committing (`writing`).
    public struct Progress: Sendable {
        public enum Phase: Sendable { case checking, writing }
        public var phase: Phase
        public var bytesDone: Int
        public var bytesTotal: Int
        /// Events read so far (checking) or written (writing).
        public var events: Int
        /// Events to write (writing only).
        public var eventsTotal: Int?
    }

    /// How many reasons are kept for errors and for ignored records.
    public var maxReasons = 20
    public var batchEvents = 1000
    public var batchBytes = 1 << 20
    /// Write the valid events and report the invalid records instead of failing.
    public var skipInvalid = false
    public var typeMapping = TypeMapping()

    public init() {}

    /// Imports everything `source` reads into `log` (opened as writer).
    /// - Parameter input: how messages name the input, e.g. "bank.csv" or "stdin".
    /// - Throws: `ImportFailure` when records are bad (nothing written); log errors.
    public func run(_ source: any EventSource, named input: String, into log: EventLog, progress: ((Progress) -> Void)? = nil) throws -> ImportSummary {
        let total = source.totalBytes
        var planner = ImportPlanner(log: log, maxReasons: maxReasons)
        var reportedAt = 0
        var writer: ImportWriterThread?
        var chunk = ImportWriterThread.Chunk()
        /// Per stream (the planner's index): whether a chunk has named it to the writer.
        var named: [Bool] = []
        do {
            try source.scan { record, bytes in
                // The event is taken out of its record once: each copy of a record retains and
                // releases every string and array in it.
                guard case .event(var e) = record else {
                    try planner.add(record)
                    return
                }
                if !typeMapping.isIdentity { e.event.type = typeMapping.map(e.event.type) }
                if let problem = e.problem() {
                    try planner.add(.invalid(RecordError(e.location, problem)))
                } else if let place = try planner.add(event: e), planner.fatal.isEmpty, skipInvalid || planner.errorCount == 0 {
                    if writer == nil { writer = try ImportWriterThread.start(log: log, maxEvents: batchEvents, maxBytes: batchBytes) }
                    let s = Int(place.stream)
                    if s >= named.count { named.append(contentsOf: repeatElement(false, count: s + 1 - named.count)) }
                    if !named[s] {
                        named[s] = true
                        chunk.newStreams.append((place.stream, e.stream))
                    }
                    chunk.append(e.event, at: place)
                    if chunk.events.count >= ImportWriterThread.chunkEvents || chunk.bytes >= batchBytes {
                        try writer?.send(chunk)
                        chunk = ImportWriterThread.Chunk()
                    }
                }
                if let progress, planner.eventRecords - reportedAt >= 1024 {
                    reportedAt = planner.eventRecords
                    progress(Progress(phase: .checking, bytesDone: bytes, bytesTotal: total, events: planner.eventRecords))
                }
            }
            if let writer {
                // An append that failed is reported before the checks, as when it was made at once.
                if !chunk.isEmpty { try writer.send(chunk) }
                try writer.drain()
            }
            progress?(Progress(phase: .checking, bytesDone: total, bytesTotal: total, events: planner.eventRecords))
            if !planner.fatal.isEmpty {
                throw ImportFailure(errors: planner.fatal, badRecords: planner.fatal.count, input: input, skippable: false)
            }
            if planner.errorCount > 0 && !skipInvalid {
                throw ImportFailure(errors: planner.errors, badRecords: planner.errorCount, input: input, skippable: true)
            }
            var summary = ImportSummary()
            summary.bytes = total
            summary.alreadyPresent = planner.alreadyPresent
            summary.skippedInvalid = planner.errorCount
            summary.invalidReasons = planner.errors
            summary.ignored = planner.ignoredCount
            summary.ignoredKinds = planner.ignored
            guard let w = writer else { return summary }
            summary.streams = planner.streamsReceiving
            progress?(Progress(phase: .writing, bytesDone: total, bytesTotal: total, events: 0, eventsTotal: planner.toImport))
            let written = try w.commit()
            writer = nil
            summary.events = UInt64(written.events)
            summary.firstPosition = written.firstPosition
            summary.lastPosition = written.lastPosition
            progress?(Progress(phase: .writing, bytesDone: total, bytesTotal: total, events: written.events, eventsTotal: planner.toImport))
            return summary
        } catch {
            writer?.rollback()
            throw error
        }
    }

}
