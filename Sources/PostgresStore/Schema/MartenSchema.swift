/// The tables of Marten's event store, as SQL, for the demo writer, the tests and the benchmark.
///
/// Written from Marten's documented schema (docs/events/storage.md) and its table definitions
/// (`EventsTable`, `StreamsTable`, `EventProgressionTable` in `src/Marten/Events/Schema`) as of
/// Marten 7 and 8: `mt_events` keyed by `seq_id` from the `mt_events_sequence` sequence, a unique
/// `(stream_id, version)` index (`(stream_id, tenant_id, version)` when tenancy is conjoined),
/// `mt_streams` with one row per stream and its current version, and `mt_event_progression` with
/// one row per async projection (`name`, `last_seq_id`, `last_updated`). The optional metadata
/// columns (`correlation_id`, `causation_id`, `headers`) exist only when Marten's
/// `Events.MetadataConfig` enables them. Marten's functions (`mt_quick_append_events`…) are
/// not created: Rewind only reads these tables, and the demo writes them with plain SQL.
public struct MartenSchema: Sendable, Equatable {
    /// How Marten identifies streams (`StreamIdentity.AsGuid` or `AsString`).
    public enum StreamIdentity: Sendable, Equatable {
        case guid
        case string
    }

    /// Marten's `TenancyStyle`: `single` (a `tenant_id` column, usually `*DEFAULT*`) or
    /// `conjoined` (the tenant is part of the stream's key).
    public enum Tenancy: Sendable, Equatable {
        case single
        case conjoined
    }

    /// Marten's default tenant id.
    public static let defaultTenant = "*DEFAULT*"

    public var schema: String
    public var streamIdentity: StreamIdentity
    public var tenancy: Tenancy
    /// Whether the correlation/causation/headers metadata columns exist.
    public var metadataColumns: Bool

    public init(schema: String = "public", streamIdentity: StreamIdentity = .guid, tenancy: Tenancy = .single, metadataColumns: Bool = true) {
        self.schema = schema
        self.streamIdentity = streamIdentity
        self.tenancy = tenancy
        self.metadataColumns = metadataColumns
    }

    /// The tables Marten's event store is made of (what a reader looks for).
    public static let tableNames = ["mt_events", "mt_streams", "mt_event_progression"]

    /// `CREATE … IF NOT EXISTS` statements for the whole event store (run with the simple protocol).
    public func createSQL() throws -> String {
        let s = try PostgresIdentifier.quoted(schema)
        let idType = streamIdentity == .guid ? "uuid" : "varchar"
        let conjoined = tenancy == .conjoined
        let metadata = metadataColumns
            ? """
                correlation_id varchar NULL,
                causation_id varchar NULL,
                headers jsonb NULL,

            """
            : ""
        return """
            CREATE SCHEMA IF NOT EXISTS \(s);
            CREATE TABLE IF NOT EXISTS \(s).mt_streams (
                id \(idType) NOT NULL,
                tenant_id varchar NOT NULL DEFAULT '\(Self.defaultTenant)',
                type varchar NULL,
                version bigint NULL,
                timestamp timestamptz NOT NULL DEFAULT (now()),
                snapshot jsonb NULL,
                snapshot_version integer NULL,
                created timestamptz NOT NULL DEFAULT (now()),
                is_archived bool NULL DEFAULT FALSE,
                CONSTRAINT pkey_mt_streams_id PRIMARY KEY (\(conjoined ? "id, tenant_id" : "id"))
            );
            CREATE TABLE IF NOT EXISTS \(s).mt_events (
                seq_id bigint NOT NULL,
                id uuid NOT NULL,
                stream_id \(idType) NULL,
                version bigint NOT NULL,
                data jsonb NOT NULL,
                type varchar(500) NOT NULL,
                timestamp timestamptz NOT NULL DEFAULT (now()),
                tenant_id varchar NULL DEFAULT '\(Self.defaultTenant)',
                mt_dotnet_type varchar NULL,
            \(metadata)    is_archived bool NULL DEFAULT FALSE,
                CONSTRAINT pkey_mt_events_seq_id PRIMARY KEY (seq_id),
                CONSTRAINT \(conjoined ? "fkey_mt_events_stream_id_tenant_id" : "fkey_mt_events_stream_id")
                    FOREIGN KEY (\(conjoined ? "stream_id, tenant_id" : "stream_id"))
                    REFERENCES \(s).mt_streams (\(conjoined ? "id, tenant_id" : "id"))\(conjoined ? "" : " ON DELETE CASCADE")
            );
            CREATE SEQUENCE IF NOT EXISTS \(s).mt_events_sequence OWNED BY \(s).mt_events.seq_id;
            CREATE UNIQUE INDEX IF NOT EXISTS pk_mt_events_stream_and_version
                ON \(s).mt_events (\(conjoined ? "stream_id, tenant_id, version" : "stream_id, version"));
            CREATE UNIQUE INDEX IF NOT EXISTS pk_mt_events_id_unique ON \(s).mt_events (id);
            CREATE TABLE IF NOT EXISTS \(s).mt_event_progression (
                name varchar NOT NULL,
                last_seq_id bigint NULL,
                last_updated timestamptz NULL DEFAULT (transaction_timestamp()),
                CONSTRAINT pk_mt_event_progression PRIMARY KEY (name)
            );

            """
    }

    /// The columns each table must have for Rewind to read it (name → PostgreSQL type as
    /// `information_schema.columns.data_type` spells it). Optional columns are not listed.
    public func requiredColumns() -> [String: [String: String]] {
        let idType = streamIdentity == .guid ? "uuid" : "character varying"
        return [
            "mt_events": [
                "seq_id": "bigint", "id": "uuid", "stream_id": idType, "version": "bigint", "data": "jsonb",
                "type": "character varying", "timestamp": "timestamp with time zone",
            ],
            "mt_streams": ["id": idType, "version": "bigint"],
            "mt_event_progression": ["name": "character varying", "last_seq_id": "bigint"],
        ]
    }
}
