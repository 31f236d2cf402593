import PostgresNIO

/// One event as the demo writes it into `mt_events`.
public struct MartenEventRow: Sendable, Equatable {
    /// `seq_id`: the demo uses the file log's global position, so a projection's checkpoint is
    /// directly a `last_seq_id`.
    public var sequence: Int64
    /// `id`, a UUID in its usual text form.
    public var id: String
    public var stream: String
    public var version: Int64
    public var type: String
    /// `data`: JSON text (the caller makes sure it parses).
    public var dataJSON: String
    public var timestampMicros: Int64
    /// `headers`: the event's metadata as JSON text, if any.
    public var metadataJSON: String?
    public var correlationID: String?
    public var causationID: String?

    public init(sequence: Int64, id: String, stream: String, version: Int64, type: String, dataJSON: String, timestampMicros: Int64,
                metadataJSON: String? = nil, correlationID: String? = nil, causationID: String? = nil) {
        self.sequence = sequence
        self.id = id
        self.stream = stream
        self.version = version
        self.type = type
        self.dataJSON = dataJSON
        self.timestampMicros = timestampMicros
        self.metadataJSON = metadataJSON
        self.correlationID = correlationID
        self.causationID = causationID
    }
}

/// Writes the live demo into Marten-shaped tables of a database the user names
/// (`rewind demo --postgres URL`): events into `mt_events`, streams into `mt_streams`, and one
/// `mt_event_progression` row per projection plus Marten's `HighWaterMark` row.
///
/// It creates the schema when absent (string stream ids, single tenancy, metadata columns on:
/// ``MartenSchema``), and refuses, before writing anything, tables that exist with another
/// shape or that already hold events. It never drops, truncates or deletes anything.
/// One thread at a time (the demo's mirror thread).
public final class MartenDemoWriter: Sendable {
    public let connection: PostgresConnection
    public let schema: MartenSchema
    private let table: String

    /// The row Marten's async daemon keeps for the newest sequence it knows is safe to read.
    public static let highWaterMarkName = "HighWaterMark"

    /// Connects as a writer and prepares the schema (`?schema=NAME`, default `public`).
    /// - Throws: ``PostgresStoreError``; `.unsupported` for tables of another shape or with events.
    public init(url: PostgresURL, connectTimeout: Duration? = nil) throws {
        schema = MartenSchema(schema: url.schema ?? "public", streamIdentity: .string, tenancy: .single, metadataColumns: true)
        table = try PostgresIdentifier.quoted(schema.schema)
        connection = try PostgresConnection(url: url, mode: .writer, connectTimeout: connectTimeout)
        try prepare()
    }

    /// The columns the demo writes, by table, with the types it needs.
    static let writtenColumns: [String: [String: String]] = [
        "mt_events": [
            "seq_id": "bigint", "id": "uuid", "stream_id": "character varying", "version": "bigint", "data": "jsonb",
            "type": "character varying", "timestamp": "timestamp with time zone", "tenant_id": "character varying",
            "correlation_id": "character varying", "causation_id": "character varying", "headers": "jsonb",
        ],
        "mt_streams": [
            "id": "character varying", "type": "character varying", "version": "bigint",
            "timestamp": "timestamp with time zone", "created": "timestamp with time zone",
        ],
        "mt_event_progression": ["name": "character varying", "last_seq_id": "bigint", "last_updated": "timestamp with time zone"],
    ]

    private func prepare() throws {
        let name = schema.schema
        let rows = try connection.query("""
            SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
            WHERE table_schema = \(name) AND table_name IN ('mt_events', 'mt_streams', 'mt_event_progression')
            """)
        var found: [String: [String: String]] = [:]
        for row in rows {
            let (t, c, type) = try row.decode((String, String, String).self)
            found[t, default: [:]][c] = type
        }
        var problems: [String] = []
        for (t, columns) in Self.writtenColumns.sorted(by: { $0.key < $1.key }) {
            guard let existing = found[t] else { continue }
            for (c, type) in columns.sorted(by: { $0.key < $1.key }) {
                if let actual = existing[c] {
                    if actual != type { problems.append("\(t).\(c) is \(actual), not \(type)") }
                } else {
                    problems.append("\(t) has no column \(c)")
                }
            }
        }
        let place = connection.endpoint.redacted + " (schema \(PostgresURL.printable(name)))"
        if !problems.isEmpty {
            let guid = found["mt_events"]?["stream_id"] == "uuid" ? " (Guid stream ids; the demo's streams are named, so it needs string ids)" : ""
            throw PostgresStoreError(
                .unsupported,
                "\(place) already has Marten tables of another shape\(guid): " + problems.prefix(6).joined(separator: "; ")
                    + ". Rewind never changes or drops them; give the demo another schema with ?schema=NAME")
        }
        if found["mt_events"] != nil {
            let any = try connection.query(PostgresQuery(unsafeSQL: "SELECT EXISTS (SELECT 1 FROM \(table).mt_events) OR EXISTS (SELECT 1 FROM \(table).mt_streams)"))
            if try any.first?.decode(Bool.self) == true {
                throw PostgresStoreError(
                    .unsupported,
                    "\(place) already holds Marten events; the demo writes only into an empty event store and never deletes anything: give it another schema with ?schema=NAME")
            }
        }
        try connection.execute(schema.createSQL())
    }

    /// Appends `rows` (in `sequence` order) in one transaction: the streams' versions in
    /// `mt_streams`, the events in `mt_events`, and `mt_events_sequence` moved past them.
    public func append(_ rows: [MartenEventRow]) throws {
        guard let last = rows.last else { return }
        var streams: [String: (type: String, version: Int64, first: Int64, last: Int64)] = [:]
        var order: [String] = []
        for r in rows {
            if let s = streams[r.stream] {
                streams[r.stream] = (s.type, max(s.version, r.version), s.first, r.timestampMicros)
            } else {
                streams[r.stream] = (Self.category(of: r.stream), r.version, r.timestampMicros, r.timestampMicros)
                order.append(r.stream)
            }
        }
        var streamBinds = PostgresBindings(capacity: order.count * 5)
        var streamValues: [String] = []
        for (i, name) in order.enumerated() {
            guard let s = streams[name] else { continue }
            let b = i * 5
            streamValues.append("($\(b + 1), $\(b + 2), $\(b + 3)::bigint, to_timestamp($\(b + 4)::bigint / 1000000.0), to_timestamp($\(b + 5)::bigint / 1000000.0))")
            streamBinds.append(name)
            streamBinds.append(s.type)
            streamBinds.append(s.version)
            streamBinds.append(s.last)
            streamBinds.append(s.first)
        }
        let upsertStreams = PostgresQuery(
            unsafeSQL: "INSERT INTO \(table).mt_streams (id, type, version, timestamp, created) VALUES "
                + streamValues.joined(separator: ", ")
                + " ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, timestamp = EXCLUDED.timestamp",
            binds: streamBinds)

        var eventBinds = PostgresBindings(capacity: rows.count * 10)
        var eventValues: [String] = []
        eventValues.reserveCapacity(rows.count)
        for (i, r) in rows.enumerated() {
            let b = i * 10
            eventValues.append(
                "($\(b + 1)::bigint, $\(b + 2)::uuid, $\(b + 3), $\(b + 4)::bigint, $\(b + 5)::jsonb, $\(b + 6), "
                    + "to_timestamp($\(b + 7)::bigint / 1000000.0), '\(MartenSchema.defaultTenant)', $\(b + 8), $\(b + 9), $\(b + 10)::jsonb)")
            eventBinds.append(r.sequence)
            eventBinds.append(r.id)
            eventBinds.append(r.stream)
            eventBinds.append(r.version)
            eventBinds.append(r.dataJSON)
            eventBinds.append(r.type)
            eventBinds.append(r.timestampMicros)
            Self.appendOptional(r.correlationID, to: &eventBinds)
            Self.appendOptional(r.causationID, to: &eventBinds)
            Self.appendOptional(r.metadataJSON, to: &eventBinds)
        }
        let insertEvents = PostgresQuery(
            unsafeSQL: "INSERT INTO \(table).mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, "
                + "correlation_id, causation_id, headers) VALUES " + eventValues.joined(separator: ", "),
            binds: eventBinds)
        let sequenceName = "\(table).mt_events_sequence"
        try transaction {
            _ = try connection.query(upsertStreams)
            _ = try connection.query(insertEvents)
            _ = try connection.query("SELECT setval(\(sequenceName)::regclass, \(last.sequence))")
        }
    }

    /// Saves each projection's progress (`name` as Marten names a shard, e.g. `Balances:All`)
    /// and the `HighWaterMark`. `last_updated` moves only when `last_seq_id` does, so a stalled
    /// projection shows how long it has been still.
    public func saveProgress(_ entries: [(name: String, lastSequence: Int64)]) throws {
        guard !entries.isEmpty else { return }
        var binds = PostgresBindings(capacity: entries.count * 2)
        var values: [String] = []
        for (i, e) in entries.enumerated() {
            values.append("($\(i * 2 + 1), $\(i * 2 + 2)::bigint, transaction_timestamp())")
            binds.append(e.name)
            binds.append(e.lastSequence)
        }
        _ = try connection.query(PostgresQuery(
            unsafeSQL: "INSERT INTO \(table).mt_event_progression AS p (name, last_seq_id, last_updated) VALUES "
                + values.joined(separator: ", ")
                + " ON CONFLICT (name) DO UPDATE SET last_seq_id = EXCLUDED.last_seq_id, last_updated = EXCLUDED.last_updated"
                + " WHERE p.last_seq_id IS DISTINCT FROM EXCLUDED.last_seq_id",
            binds: binds))
    }

    private func transaction(_ body: () throws -> Void) throws {
        _ = try connection.query("BEGIN")
        do {
            try body()
            _ = try connection.query("COMMIT")
        } catch {
            _ = try? connection.query("ROLLBACK")
            throw error
        }
    }

    private static func appendOptional(_ value: String?, to binds: inout PostgresBindings) {
        if let value { binds.append(value) } else { binds.appendNull() }
    }

    /// Marten's aggregate type stands in `mt_streams.type`; the demo's streams are `category-id`.
    static func category(of stream: String) -> String {
        String(stream.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).first ?? Substring(stream))
    }
}
