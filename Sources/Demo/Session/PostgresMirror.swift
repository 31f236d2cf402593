import EventLog
import JSON
import PostgresStore
import Replay
import Synchronization

/// `rewind demo --postgres URL`: copies the running demo's log into Marten-shaped tables, and
/// its projections' checkpoints into `mt_event_progression`, so the demo can be watched on a
/// real PostgreSQL (`rewind open URL`).
///
/// `seq_id` is the log's position, so each projection's checkpoint is its `last_seq_id` as is,
/// capped at what has been copied (a row never points past the table). The projections keep
/// their speeds: the one that lags shows lag in PostgreSQL too. One thread (`run()`), which
/// copies new events every 100 ms and saves progress every 250 ms.
final class PostgresMirror: Sendable {
    struct Stats: Sendable, Equatable {
        /// The last position copied to `mt_events`.
        var copied: UInt64 = 0
        /// Why the mirror stopped, if it did.
        var failure: String?
    }

    let writer: MartenDemoWriter
    let redactedURL: String
    /// The local state directory every command uses for this URL (without `--state-dir`).
    let defaultStateDirectory: String
    private let current = Mutex(Stats())

    /// Connects and prepares the tables (see `MartenDemoWriter`); nothing is copied yet.
    init(url: String) throws {
        let parsed: PostgresURL
        do { parsed = try PostgresURL(parsing: url) } catch let e as PostgresStoreError { throw DemoError(e.message) }
        redactedURL = parsed.redacted
        defaultStateDirectory = StateDirectory.default(for: PostgresEndpoint(url: parsed), schema: parsed.schema)
        do { writer = try MartenDemoWriter(url: parsed) } catch let e as PostgresStoreError { throw DemoError(e.message) }
    }

    var stats: Stats { current.withLock { $0 } }

    /// Copies until `stop` is requested, then copies what is left once more and saves progress.
    func run(log: EventLog, progress: @Sendable () -> [ProjectionProgress], stop: StopSignal) {
        var lastSaved = -1.0
        do {
            while true {
                let stopping = stop.isRequested
                while try copyBatch(from: log) {}
                let now = Monotonic.now()
                if stopping || now - lastSaved >= 0.25 {
                    try saveProgress(progress())
                    lastSaved = now
                }
                if stopping || stop.sleep(0.1) {
                    if stopping { return }
                }
            }
        } catch {
            current.withLock { $0.failure = "\(error)" }
        }
    }

    /// Copies up to 1,000 events after the last copied; true when it copied a full batch.
    private func copyBatch(from log: EventLog) throws -> Bool {
        let from = stats.copied + 1
        var rows: [MartenEventRow] = []
        try log.readAll(from: from, limit: 1_000) { view in
            rows.append(Self.row(view.materialize()))
            return true
        }
        guard let last = rows.last else { return false }
        try writer.append(rows)
        current.withLock { $0.copied = UInt64(last.sequence) }
        return rows.count == 1_000
    }

    private func saveProgress(_ projections: [ProjectionProgress]) throws {
        let copied = Int64(stats.copied)
        var entries = projections.map { (name: "\($0.name):All", lastSequence: min(Int64($0.checkpoint), copied)) }
        entries.append((name: MartenDemoWriter.highWaterMarkName, lastSequence: copied))
        try writer.saveProgress(entries)
    }

    /// The `mt_events` row of a log event: data and metadata as JSON (anything that does not
    /// parse is kept as a JSON string), correlation and causation ids from the metadata.
    static func row(_ e: RecordedEvent) -> MartenEventRow {
        let data = try? JSONValue.parse(e.data)
        let metadata = e.metadata.isEmpty ? nil : (try? JSONValue.parse(e.metadata))
        var correlation: String?
        var causation: String?
        if case .object(let fields)? = metadata {
            if case .string(let s)? = fields["correlationId"] { correlation = s }
            if case .string(let s)? = fields["causationId"] { causation = s }
        }
        return MartenEventRow(
            sequence: Int64(e.position), id: e.id.description, stream: e.stream, version: Int64(e.version), type: e.type,
            dataJSON: (data ?? .string(String(decoding: e.data, as: UTF8.self))).serialized(),
            timestampMicros: e.recordedMicros, metadataJSON: metadata?.serialized(),
            correlationID: correlation, causationID: causation)
    }
}
