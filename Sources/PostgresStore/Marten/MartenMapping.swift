import EventLog
import PostgresNIO

/// Marten's event store (`mt_events`, `mt_streams`, `mt_event_progression`) as a `TableMapping`.
///
/// - position: `seq_id` (from `mt_events_sequence`; rolled-back transactions leave gaps,
///   which `HighWaterMark` treats as Marten's daemon does);
/// - stream: `stream_id` (uuid or varchar, by the column's type; a Guid stream is named
///   `TYPE-GUID` after `mt_streams.type`, else `stream-GUID`, as the importer names it); with tenants, streams of a
///   tenant other than `*DEFAULT*` are named `TENANT/STREAM` (the same id in two tenants is two
///   streams) and carry `marten.tenantId` in their metadata;
/// - version: `version` (1-based, as Rewind's) · type: `type` (Marten's snake_case alias) ·
///   data: `data` · time: `timestamp` · id: `id`;
/// - metadata, as `rewind import --format marten` builds it: `correlationId`, `causationId`,
///   the `headers` object's members, and `marten`: `seqId`, `tenantId`, `dotnetType`,
///   `archived` (when true). Columns a Marten version lacks are left out.
public enum MartenMapping {
    public static let tables = ["mt_events", "mt_streams", "mt_event_progression"]
    static let required = ["seq_id", "id", "stream_id", "version", "data", "type", "timestamp"]

    /// The mapping for the tables in `schema`, or why they do not fit (nil when there is no `mt_events`).
    public static func make(_ columns: SchemaColumns, schema: String) throws -> TableMapping? {
        guard let events = columns.columns(schema, "mt_events") else { return nil }
        let names = Set(events.map(\.name))
        let missing = required.filter { !names.contains($0) }
        guard missing.isEmpty else {
            throw PostgresStoreError(
                .unsupported,
                "\(schema).mt_events looks like Marten's but lacks \(missing.joined(separator: ", ")) (it has \(events.map(\.name).joined(separator: ", ")))")
        }
        let table = try PostgresIdentifier.quoted(schema) + ".mt_events"
        let has = { (c: String) in names.contains(c) }
        var meta: [String] = []
        if has("correlation_id") { meta.append("'correlationId', correlation_id") }
        if has("causation_id") { meta.append("'causationId', causation_id") }
        var marten = ["'seqId', seq_id"]
        if has("tenant_id") { marten.append("'tenantId', tenant_id") }
        if has("mt_dotnet_type") { marten.append("'dotnetType', mt_dotnet_type") }
        if has("is_archived") { marten.append("'archived', CASE WHEN is_archived THEN true END") }
        meta.append("'marten', jsonb_strip_nulls(jsonb_build_object(\(marten.joined(separator: ", "))))")
        // The server builds the metadata only for rows with a headers object to merge; every other
        // row's is built on the client from the raw columns (`MartenMetadata`), to the same bytes.
        let built = "jsonb_strip_nulls(jsonb_build_object(\(meta.joined(separator: ", "))))"
        let metadata = has("headers") ? "CASE WHEN jsonb_typeof(headers) = 'object' THEN (headers || \(built))::text END" : "NULL::text"
        let clientMetadata = MartenMetadata(
            correlation: has("correlation_id"), causation: has("causation_id"), dotnetType: has("mt_dotnet_type"), archived: has("is_archived"))
        let streamType = events.first { $0.name == "stream_id" }?.type == "uuid" ? "uuid" : "text"
        // Guid streams are named after their type (mt_streams.type), as the Marten importer names them.
        var label: String?
        if streamType == "uuid" {
            let streams = columns.columns(schema, "mt_streams").map { Set($0.map(\.name)) } ?? []
            if streams.contains("id") && streams.contains("type") {
                let tenantMatch = streams.contains("tenant_id") && has("tenant_id") ? " AND s.tenant_id = e.tenant_id" : ""
                label = "SELECT s.type FROM \(try PostgresIdentifier.quoted(schema)).mt_streams s WHERE s.id = e.stream_id\(tenantMatch) LIMIT 1"
            } else {
                label = "NULL::text"
            }
        }
        return TableMapping(
            kind: "Marten", table: table, position: "seq_id", streamColumn: "stream_id", streamType: streamType,
            tenantColumn: has("tenant_id") ? "tenant_id" : nil, defaultTenant: "*DEFAULT*",
            versionColumn: "version", type: "type", data: "data::text", metadata: metadata,
            time: "\"timestamp\"", id: "id", archived: has("is_archived") ? "coalesce(is_archived, false)" : nil, streamLabel: label,
            catalogQuery: try catalogQuery(columns, schema: schema, events: events, guid: streamType == "uuid"),
            jsonbData: events.first { $0.name == "data" }?.type == "jsonb" ? "data" : nil, martenMetadata: clientMetadata)
    }

    /// The stream list from `mt_streams`: one row per stream there, and for each its last event
    /// at or below the mark, found by one probe of the `(stream_id, version)` index, instead of
    /// grouping every row of `mt_events`.
    ///
    /// It selects what the grouped query selects, given what Marten guarantees: a stream's
    /// events are appended in version order (so its highest version at or below the mark has its
    /// highest `seq_id` and latest time), and archiving flags all of a stream's events at once
    /// (the last one's flag is the stream's). Versions, positions, times and flags come from
    /// `mt_events`, so an `mt_streams.version` that lags changes nothing. The order is Marten's
    /// own record of when each stream was created, `mt_streams.created` (the fourth column, the
    /// rank; ties by id, then tenant, in byte order, as `CatalogLoader` merges the parts): a
    /// second probe per stream for its first `seq_id` would double the server's work for an
    /// order no reader needs exactly. Without a `created` column, that second probe gives the
    /// rank (the order streams first appeared). A
    /// stream with events but no `mt_streams` row (Marten writes both in one transaction; only a
    /// table written by hand can lack it) is not listed at open; rows past the mark still reach
    /// the catalog through `refresh()`. Without an `mt_streams` table, or with one whose `id` is
    /// not of `stream_id`'s type, nil: the grouped query runs. `$2` and `$3` pick a part of the
    /// streams by `hashtext(id)` (`CatalogLoader` reads two at once).
    static func catalogQuery(_ columns: SchemaColumns, schema: String, events: [SchemaColumns.Column], guid: Bool) throws -> String? {
        guard let streams = columns.columns(schema, "mt_streams"),
              let id = streams.first(where: { $0.name == "id" }), let streamID = events.first(where: { $0.name == "stream_id" }),
              id.type == streamID.type
        else { return nil }
        let q = try PostgresIdentifier.quoted(schema)
        let eventNames = Set(events.map(\.name))
        let streamNames = Set(streams.map(\.name))
        let tenants = eventNames.contains("tenant_id")
        let tenantMatch = tenants && streamNames.contains("tenant_id") ? " AND e.tenant_id = s.tenant_id" : ""
        let archived = eventNames.contains("is_archived") ? "coalesce(l.is_archived, false)" : "false"
        let label = !guid ? "NULL::text" : streamNames.contains("type") ? "s.type::text" : "NULL::text"
        let created = streamNames.contains("created")
        let rank = created ? "s.created" : "f.seq_id::int8"
        let tenant = tenants ? "l.tenant_id::text" : "NULL::text"
        let first = created ? "" : "CROSS JOIN LATERAL (SELECT e.seq_id FROM \(q).mt_events e WHERE e.stream_id = s.id\(tenantMatch) ORDER BY e.version LIMIT 1) f "
        return """
            SELECT s.id::text, \(tenant), l.version::int8, \(rank), l.seq_id::int8, \
            l."timestamp", \(archived), \(label) \
            FROM \(q).mt_streams s \
            CROSS JOIN LATERAL (SELECT e.seq_id, e.version, e."timestamp"\(tenants ? ", e.tenant_id" : "")\(eventNames.contains("is_archived") ? ", e.is_archived" : "") \
            FROM \(q).mt_events e WHERE e.stream_id = s.id\(tenantMatch) AND e.seq_id <= $1 ORDER BY e.version DESC LIMIT 1) l \
            \(first)WHERE (hashtext(s.id::text) & 2147483647) % $2::int8 = $3::int8 \
            ORDER BY \(rank), s.id::text COLLATE "C", \(tenant) COLLATE "C"
            """
    }

    /// Reads the async daemon's progress: one consumer per projection shard in
    /// `mt_event_progression` (the daemon's own `HighWaterMark` row is its mark, not a consumer).
    public static func consumers(_ columns: SchemaColumns, schema: String) throws -> (@Sendable (PostgresConnection) throws -> [StoreConsumer])? {
        guard let progression = columns.columns(schema, "mt_event_progression"),
              progression.contains(where: { $0.name == "name" }), progression.contains(where: { $0.name == "last_seq_id" })
        else { return nil }
        let updated = progression.contains { $0.name == "last_updated" } ? "last_updated" : "NULL::timestamptz"
        let sql = "SELECT name::text, coalesce(last_seq_id, 0)::int8, \(updated) FROM \(try PostgresIdentifier.quoted(schema)).mt_event_progression ORDER BY name"
        return { connection in
            var out: [StoreConsumer] = []
            var daemonMark: UInt64?
            for row in try connection.query(PostgresQuery(unsafeSQL: sql)) {
                var it = row.makeIterator()
                guard let c0 = it.next(), let c1 = it.next(), let c2 = it.next() else { continue }
                let name = RowDecoder.text(c0) ?? ""
                let position = UInt64(clamping: max(0, try RowDecoder.int8(c1)))
                if name == "HighWaterMark" { daemonMark = position; continue }
                out.append(StoreConsumer(name: name, position: position, updatedAtMicros: try RowDecoder.micros(c2)))
            }
            if let daemonMark {
                for i in out.indices { out[i].note = "Marten's daemon high-water mark: \(daemonMark)" }
            }
            return out
        }
    }
}
