import EventLog

/// Imports events from any `EventSource` into a log: all or nothing, idempotent by event id.
///
/// Pass 1 reads the whole input and plans (`ImportPlanner`): bad records are reported with
/// where they are and why, versions are checked, and events whose id the log already holds
/// are set aside as already present. Nothing is written if a record is bad, unless
/// `skipInvalid` is set, which writes the valid ones and reports the rest. Pass 2 reads the
/// input again and appends the planned events inside an `ImportTransaction`, grouping
/// consecutive events of one stream into batches with exact expected versions, and commits
/// with one fsync (none with a `.noSync` log). Any failure in pass 2 rolls the log back.
public struct EventImporter {
    /// Where an import is: checking (pass 1) or writing (pass 2).
    public struct Progress: Sendable {
        public enum Phase: Sendable { case checking, writing }
        public var phase: Phase
        public var bytesDone: Int
        public var bytesTotal: Int
        /// Events read (checking) or written (writing) so far.
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
        try source.scan { record, bytes in
            try planner.add(prepared(record))
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
        guard planner.toImport > 0 else { return summary }
        summary.streams = planner.streamsReceiving

        let transaction = try log.beginImport()
        do {
            var writer = BatchWriter(transaction: transaction, maxEvents: batchEvents, maxBytes: batchBytes)
            var versions: [String: UInt64] = [:]
            var fingerprint = IDFingerprint()
            var ordinal = 0
            let decisions = planner.decisions
            try source.scan { record, bytes in
                guard case .event(let e) = prepared(record) else { return }
                defer { ordinal += 1 }
                guard ImportPlanner.isSet(decisions, ordinal) else { return }
                fingerprint.add(e.event.id, stream: e.stream)
                // Inside the transaction the log still answers with the versions from before it.
                let next = (versions[e.stream] ?? log.version(of: e.stream)) + 1
                if let claimed = e.version, claimed != next { throw Self.changed(input) }
                versions[e.stream] = next
                try writer.add(e.event, stream: e.stream, version: next)
                if let progress, writer.written % 1024 == 0 {
                    progress(Progress(phase: .writing, bytesDone: bytes, bytesTotal: total, events: writer.written, eventsTotal: planner.toImport))
                }
            }
            try writer.flush()
            guard fingerprint == planner.fingerprint else { throw Self.changed(input) }
            try transaction.commit()
            summary.events = UInt64(writer.written)
            summary.firstPosition = writer.firstPosition
            summary.lastPosition = writer.lastPosition
            progress?(Progress(phase: .writing, bytesDone: total, bytesTotal: total, events: writer.written, eventsTotal: planner.toImport))
        } catch {
            try? transaction.rollback()
            throw error
        }
        return summary
    }

    /// Applies the type mapping and turns events no log can store into invalid records.
    private func prepared(_ record: SourceRecord) -> SourceRecord {
        guard case .event(var e) = record else { return record }
        if !typeMapping.isIdentity { e.event.type = typeMapping.map(e.event.type) }
        if let problem = e.problem() { return .invalid(RecordError(e.location, problem)) }
        return .event(e)
    }

    private static func changed(_ input: String) -> EventLogError {
        .invalidArgument("\(input) changed while it was being imported; nothing was imported, run the import again")
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
