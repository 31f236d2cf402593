import EventLog

/// Imports events from any `EventSource` into a log: all or nothing, idempotent by event id.
///
/// One pass reads the input once: each record is parsed, checked (`ImportPlanner`: bad records
/// are reported with where they are and why, versions are checked, events whose id the log
/// already holds are set aside as already present) and, while no record has been bad, queued
/// at once inside an `ImportTransaction`, consecutive events of one stream batched with exact
/// expected versions. At the end the transaction commits with one fsync (none with a `.noSync`
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
        var writer: BatchWriter?
        do {
            try source.scan { record, bytes in
                let record = prepared(record)
                if let version = try planner.add(record), case .event(let e) = record,
                   planner.fatal.isEmpty, skipInvalid || planner.errorCount == 0 {
                    if writer == nil { writer = BatchWriter(transaction: try log.beginImport(), maxEvents: batchEvents, maxBytes: batchBytes) }
                    try writer?.add(e.event, stream: e.stream, version: version)
                }
                if let progress, planner.eventRecords - reportedAt >= 1024 {
                    reportedAt = planner.eventRecords
                    progress(Progress(phase: .checking, bytesDone: bytes, bytesTotal: total, events: planner.eventRecords))
                }
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
            guard var w = writer else { return summary }
            summary.streams = planner.streamsReceiving
            progress?(Progress(phase: .writing, bytesDone: total, bytesTotal: total, events: 0, eventsTotal: planner.toImport))
            try w.flush()
            try w.transaction.commit()
            writer = w
            summary.events = UInt64(w.written)
            summary.firstPosition = w.firstPosition
            summary.lastPosition = w.lastPosition
            progress?(Progress(phase: .writing, bytesDone: total, bytesTotal: total, events: w.written, eventsTotal: planner.toImport))
            return summary
        } catch {
            try? writer?.transaction.rollback()
            throw error
        }
    }

    /// Applies the type mapping and turns events no log can store into invalid records.
    private func prepared(_ record: SourceRecord) -> SourceRecord {
        guard case .event(var e) = record else { return record }
        if !typeMapping.isIdentity { e.event.type = typeMapping.map(e.event.type) }
        if let problem = e.problem() { return .invalid(RecordError(e.location, problem)) }
        return .event(e)
    }
}

/// Groups consecutive events of one stream into batches of an import transaction.
private struct BatchWriter {
    let transaction: ImportTransaction
    let maxEvents: Int
    let maxBytes: Int
    private var batch: [NewEvent] = []
    private var stream = ""
    private var firstVersion: UInt64 = 0
    private var bytes = 0
    private(set) var written = 0
    private(set) var firstPosition: UInt64 = 0
    private(set) var lastPosition: UInt64 = 0

    init(transaction: ImportTransaction, maxEvents: Int, maxBytes: Int) {
        self.transaction = transaction
        self.maxEvents = maxEvents
        self.maxBytes = maxBytes
    }

    mutating func add(_ event: NewEvent, stream name: String, version: UInt64) throws {
        if name != stream || batch.count >= maxEvents || bytes >= maxBytes || version != firstVersion + UInt64(batch.count) {
            try flush()
            stream = name
            firstVersion = version
        }
        batch.append(event)
        bytes += event.data.count + event.metadata.count + 64
        written += 1
    }

    mutating func flush() throws {
        guard !batch.isEmpty else { return }
        let expected: ExpectedVersion = firstVersion == 1 ? .noStream : .exact(firstVersion - 1)
        let result = try transaction.append(to: stream, batch, expected: expected)
        if firstPosition == 0 { firstPosition = result.firstPosition }
        lastPosition = result.lastPosition
        batch.removeAll(keepingCapacity: true)
        bytes = 0
    }
}
