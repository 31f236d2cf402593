import EventLog
import JSON

/// One change of a row of an ordinary table (neither events nor outbox), as an event of the
/// row's stream `TABLE-KEY`, so that the row's history (NEW → PAID → SHIPPED → deleted) is
/// kept and the generic fold shows its state at any version.
///
/// - stream: `TABLE-KEY`, the table being `source.table` (`source.collection` for MongoDB);
///   the key is the `--key-columns` values, else the `id` column, else the members of the
///   Kafka message key (a `kcat -J` dump carries Debezium's key: the primary key). One key
///   column gives its value as it is (`orders-42`); several are joined with `,`, each with `%`
///   and `,` written `%25` and `%2C` (`order_lines-42,3`), so two keys never share a stream.
/// - type: the table in PascalCase, `Row`, and what happened: `OrdersRowInserted` (op c),
///   `…RowUpdated` (u), `…RowDeleted` (d), `…RowSnapshotted` (r, a snapshot read);
///   `--type-from` overrides it.
/// - data: the row after the change; for a delete, the row before it.
/// - metadata: `before` (the row before an update or delete, when Debezium has it),
///   `changed` (an update's columns whose values differ between `before` and `after`, or
///   `"unknown"` when the table's replica identity gives no `before`), and `debezium`.
/// - id: derived from the table, the op, the change's `source` block (its position in the
///   database's log; Debezium's version left out) and both rows. A change delivered twice
///   (Debezium delivers at least once) has the same id, so the copy counts as already present.
/// - order: the order of the input, which is commit order for one row: Debezium writes every
///   change of a row to one partition (the key is the primary key), in commit order, with the
///   snapshot before the streamed changes.
struct DebeziumRowChange {
    var op: String
    /// `source.table`, without database and schema (nil when the event has none).
    var table: String?
    /// `db.schema.table`, for ids and messages.
    var fullTable: String
    var before: JSONValue
    var after: JSONValue
    /// The whole change event (for `field:PATH`).
    var change: JSONValue
    var source: JSONValue?
    var kafkaKey: JSONValue?
    var time: (micros: Int64, from: String)?
    var options: ImportOptions

    func record(_ location: SourceLocation) -> SourceRecord {
        func invalid(_ reason: String) -> SourceRecord { .invalid(RecordError(location, reason)) }
        let of = fullTable.isEmpty ? "" : " of \(fullTable)"
        let row: JSONObject
        switch (op, after, before) {
        case ("d", _, .object(let b)): row = b
        case ("d", _, _):
            guard case .object(let key)? = messageKey else {
                return .ignored(location, reason: "a delete (op d)\(of) with neither the row before it (the table's REPLICA IDENTITY gives none) nor a message key: which row was deleted is unknown")
            }
            row = key
        case (_, .object(let a), _): row = a
        default: return invalid("op '\(op)'\(of) without an \"after\" row object")
        }
        guard let table, !table.isEmpty else {
            return invalid("a change\(of) without source.table: the row's stream is TABLE-KEY; name it with --stream-from")
        }
        let lookup: (FieldSpec.Part) -> JSONValue? = { part in
            switch part {
            case .column(let c): return row[c]
            case .field(let path): return change.value(at: path)
            default: return nil
            }
        }

        let stream: String
        if let spec = options.stream {
            switch spec.text(lookup) {
            case .success(let s): stream = s
            case .failure(let why): return invalid("no stream: \(why)")
            }
        } else {
            switch key(of: row) {
            case .success(let k): stream = "\(table)-\(k)"
            case .failure(let why):
                let guess = row.keys.filter { $0.hasSuffix("_id") || $0.hasSuffix("id") }
                return .invalid(RecordError(location, "no key for a row\(of): \(why)", needs: options.keyColumns.isEmpty ? [
                    NeededOption("--key-columns", guess.isEmpty ? (row.keys.first ?? "id") : guess.joined(separator: ","),
                                 because: "rows of \(table) have no id column; name the columns of its primary key"),
                ] : []))
            }
        }
        let type: String
        if let spec = options.type {
            switch spec.text(lookup) {
            case .success(let t): type = t
            case .failure(let why): return invalid("no event type: \(why)")
            }
        } else {
            type = TypeMapping.pascal(table) + "Row" + Self.verb(op)
        }
        var data = JSONValue.object(row)
        if let spec = options.data {
            guard let v = spec.single.flatMap(lookup) else { return invalid("no data: \(spec) is missing") }
            data = v
        }
        let id: EventID
        if let spec = options.id {
            guard case .success(let text) = spec.text(lookup) else { return invalid("no event id: \(spec) is missing") }
            id = EventID(text) ?? .nameBased("debezium-id", fullTable, text)
        } else {
            id = derivedID()
        }
        var micros = time?.micros
        if let spec = options.time {
            guard case .success(let text) = spec.text(lookup), let t = SourceValues.micros(.string(text)) else {
                return invalid("the event time in \(spec) is not a time (RFC 3339 text, or epoch milliseconds or microseconds)")
            }
            micros = t
        }

        var metadata = MetadataBuilder()
        if case .object = before { metadata.set("before", before) }
        if op == "u" { metadata.set("changed", changedColumns()) }
        metadata.set("debezium", .object(DebeziumSource.origin(op: op, source: source, time: options.time == nil ? time?.from : nil)))
        let event = NewEvent(id: id, type: type, data: SourceValues.jsonData(data), metadata: metadata.bytes, originalMicros: micros)
        return .event(SourceEvent(stream: stream, version: nil, event: event, location: location))
    }

    static func verb(_ op: String) -> String {
        switch op {
        case "c": return "Inserted"
        case "u": return "Updated"
        case "d": return "Deleted"
        default: return "Snapshotted"
        }
    }

    /// The Kafka message key's columns: Debezium's key is `{"id":42}`, or
    /// `{"schema":…,"payload":{"id":42}}` with schemas.
    var messageKey: JSONValue? {
        guard case .object(let key)? = kafkaKey else { return nil }
        if key["schema"] != nil, let payload = key["payload"], case .object = payload { return payload }
        return .object(key)
    }

    /// The row's key: `--key-columns`, else `id`, else the message key's columns.
    func key(of row: JSONObject) -> Result<String, FieldProblem> {
        var names = options.keyColumns
        var values = row
        if names.isEmpty {
            if row["id"] != nil {
                names = ["id"]
            } else if case .object(let key)? = messageKey, !key.isEmpty {
                names = key.keys.map { $0 }
                values = key
            } else {
                return .failure(FieldProblem("it has no id column; name the columns that identify a row with --key-columns a,b (its columns: \(Self.columnList(row)))"))
            }
        }
        var parts: [String] = []
        for name in names {
            guard let v = values[name], !v.isNull else {
                return .failure(FieldProblem("key column '\(name)' is \(values[name] == nil ? "missing" : "null") (--key-columns \(names.joined(separator: ",")); its columns: \(Self.columnList(row)))"))
            }
            guard let text = FieldSpec.scalarText(v) else {
                return .failure(FieldProblem("key column '\(name)' is a \(v.kindName), not text or a number"))
            }
            parts.append(text)
        }
        if parts.count == 1 { return .success(parts[0]) }
        return .success(parts.map(Self.escaped).joined(separator: ","))
    }

    /// A composite key's part with `%` and `,` escaped.
    static func escaped(_ part: String) -> String {
        guard part.contains(where: { $0 == "%" || $0 == "," }) else { return part }
        return part.replacing("%", with: "%25").replacing(",", with: "%2C")
    }

    static func columnList(_ row: JSONObject) -> String {
        row.isEmpty ? "none" : row.keys.joined(separator: ", ")
    }

    /// An update's changed columns, or "unknown" without a `before` row.
    func changedColumns() -> JSONValue {
        guard case .object(let old) = before, case .object(let new) = after else { return .string("unknown") }
        var names: [JSONValue] = []
        for (name, value) in new where old[name] != value { names.append(.string(name)) }
        for (name, _) in old where new[name] == nil { names.append(.string(name)) }
        return .array(names)
    }

    /// The derived id: table, op, the change's position in the database's log and both rows.
    func derivedID() -> EventID {
        var position = JSONObject()
        if case .object(let members)? = source {
            for (k, v) in members where k != "version" { position[k] = v }
        }
        if position.isEmpty, let ts = change["ts_ms"] { position["ts_ms"] = ts }
        return .nameBased([
            Array("debezium-row".utf8), Array(fullTable.utf8), Array(op.utf8),
            JSONValue.object(position).serializedBytes(sortedKeys: true),
            before.serializedBytes(sortedKeys: true), after.serializedBytes(sortedKeys: true),
        ])
    }
}
