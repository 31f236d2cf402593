/// How one events table maps onto Rewind's events: the SQL expressions for each field, all
/// written once here so every query of `SQLEventStore` selects the same shape.
///
/// Every expression is built from identifiers found in the database's own catalog (quoted by
/// `PostgresIdentifier`), never from event data; values always travel as bound parameters.
public struct TableMapping: Sendable, Equatable {
    /// What kind of store this is, for messages and docs ("Marten", "Message DB", "table x").
    public var kind: String
    /// The schema-qualified, quoted table.
    public var table: String
    /// The global position (an integer column).
    public var position: String
    /// The stream column as stored (used in WHERE with `streamType`).
    public var streamColumn: String
    /// The stream column's SQL type, for binding a stream key back (`uuid`, `text`…).
    public var streamType: String
    /// The tenant column (Marten's conjoined tenancy), or nil.
    public var tenantColumn: String?
    /// The tenant value that means "no tenant" (Marten's `*DEFAULT*`): its streams keep their
    /// bare names; others are shown as `TENANT/STREAM`.
    public var defaultTenant: String?
    /// The version column as stored, and what to add to it for Rewind's 1-based version
    /// (Message DB's positions start at 0).
    public var versionColumn: String
    public var versionOffset: Int64
    public var type: String
    /// An expression giving the data's bytes (jsonb cast to text, bytea as is).
    public var data: String
    /// An expression giving the metadata's bytes as a JSON object, or nil.
    public var metadata: String?
    /// A `timestamp`/`timestamptz` expression, or nil (then events carry time 0).
    public var time: String?
    /// A `uuid` expression, or nil (then ids are derived from the position).
    public var id: String?
    /// A boolean expression saying the event's stream is archived, or nil.
    public var archived: String?
    /// For Guid stream ids: an expression giving the stream's type (Marten's `mt_streams.type`),
    /// so the stream is named `TYPE-GUID` (`stream-GUID` without one) as `rewind import
    /// --format marten` names it; nil keeps ids as they are. The table is aliased `e`.
    public var streamLabel: String?
    /// A query listing the streams at open from a table that keeps one row per stream (Marten's
    /// `mt_streams`), selecting what the grouped query over the events table selects, in the
    /// same order (`$1` is the high-water mark; `$2` and `$3` select the streams whose
    /// `hashtext(id)` modulo `$2` is `$3`, so `CatalogLoader` can read it in parts at once); nil
    /// groups the events table. Why: grouping 10 M events takes seconds, two index probes per
    /// stream do not.
    public var catalogQuery: String?
    /// The data as `jsonb` (the column itself, for `StoreFilter`'s data conditions), or nil when
    /// it is stored otherwise (then those conditions are not pushed down).
    public var jsonbData: String?
    /// For Marten: the metadata is built on the client from raw columns (selected after the
    /// nine of `eventColumns`) wherever `metadata` gives NULL; see `MartenMetadata`.
    var martenMetadata: MartenMetadata?

    public init(
        kind: String, table: String, position: String, streamColumn: String, streamType: String,
        tenantColumn: String? = nil, defaultTenant: String? = nil, versionColumn: String, versionOffset: Int64 = 0,
        type: String, data: String, metadata: String?, time: String?, id: String?, archived: String? = nil, streamLabel: String? = nil,
        catalogQuery: String? = nil, jsonbData: String? = nil
    ) {
        self.init(
            kind: kind, table: table, position: position, streamColumn: streamColumn, streamType: streamType, tenantColumn: tenantColumn,
            defaultTenant: defaultTenant, versionColumn: versionColumn, versionOffset: versionOffset, type: type, data: data, metadata: metadata,
            time: time, id: id, archived: archived, streamLabel: streamLabel, catalogQuery: catalogQuery, jsonbData: jsonbData, martenMetadata: nil)
    }

    init(
        kind: String, table: String, position: String, streamColumn: String, streamType: String,
        tenantColumn: String? = nil, defaultTenant: String? = nil, versionColumn: String, versionOffset: Int64 = 0,
        type: String, data: String, metadata: String?, time: String?, id: String?, archived: String? = nil, streamLabel: String? = nil,
        catalogQuery: String? = nil, jsonbData: String? = nil, martenMetadata: MartenMetadata?
    ) {
        self.martenMetadata = martenMetadata
        self.kind = kind
        self.table = table
        self.position = position
        self.streamColumn = streamColumn
        self.streamType = streamType
        self.tenantColumn = tenantColumn
        self.defaultTenant = defaultTenant
        self.versionColumn = versionColumn
        self.versionOffset = versionOffset
        self.type = type
        self.data = data
        self.metadata = metadata
        self.time = time
        self.id = id
        self.archived = archived
        self.streamLabel = streamLabel
        self.catalogQuery = catalogQuery
        self.jsonbData = jsonbData
    }

    /// The version as Rewind counts it (1-based).
    var version: String { versionOffset == 0 ? "\(versionColumn)::int8" : "(\(versionColumn) + \(versionOffset))::int8" }

    /// The stream's raw value as text.
    var streamText: String { "\(streamColumn)::text" }

    /// The tenant as text, or NULL.
    var tenantText: String { tenantColumn.map { "\($0)::text" } ?? "NULL::text" }

    /// The columns of an event row, in the order `RowDecoder` reads them:
    /// position, stream, tenant, version, type, data, metadata, time, id, then
    /// `martenMetadata`'s raw columns when it is set.
    var eventColumns: String {
        ([
            "\(position)::int8", streamText, tenantText, version, "\(type)::text", data,
            metadata ?? "NULL::text", time ?? "NULL::timestamptz", id ?? "NULL::uuid",
        ] + (martenMetadata?.columns ?? [])).joined(separator: ", ")
    }

    /// The columns of a catalog row: position, stream, tenant, version, time, archived, label.
    var headerColumns: String {
        ["\(position)::int8", streamText, tenantText, version, time ?? "NULL::timestamptz", archived ?? "false", labelText].joined(separator: ", ")
    }

    /// The stream's label as text, or NULL.
    var labelText: String { streamLabel.map { "(\($0))::text" } ?? "NULL::text" }

    /// The condition selecting one stream: `$1` is the stream as text, `$2` the tenant.
    func streamCondition(first: Int) -> String {
        var c = "\(streamColumn) = $\(first)::\(streamType)"
        if let tenantColumn { c += " AND \(tenantColumn) = $\(first + 1)" }
        return c
    }

    /// The name Rewind shows for a stream of `tenant` (with its label, for Guid ids).
    func streamName(stream: String, tenant: String?, label: String? = nil) -> String {
        var name = stream
        if streamLabel != nil { name = (label ?? "stream") + "-" + stream }
        guard let tenant, tenant != defaultTenant else { return name }
        return tenant + "/" + name
    }
}
