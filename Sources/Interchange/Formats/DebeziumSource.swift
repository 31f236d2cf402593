import EventLog
import JSON

/// Debezium change events of an events table or an outbox table, one a line: the full
/// `{"schema":…,"payload":…}` envelope, the payload alone (`schemas.enable=false`), or either
/// inside a `kcat -J` envelope.
///
/// Inserts (`op` c) and snapshot reads (`op` r) of the row in `after` are events; updates,
/// deletes, truncates, tombstones and schema changes are ignored, each with its reason.
/// Two table shapes are recognised by their columns:
/// - the outbox event router's (`aggregatetype`, `aggregateid`, `type`, `payload`, `id`): the
///   stream is `aggregatetype-aggregateid`, versions follow the order of the events;
/// - an events table: stream `stream_id`|`stream`|`stream_name`|`aggregate_id`, type
///   `type`|`event_type`, data `data`|`payload`|`event_data`, id `id`|`event_id`, version
///   `version`|`stream_version`, time `timestamp`|`occurred_at`|`created_at`|`recorded_at`
///   (else the commit time `source.ts_ms`), metadata `metadata`|`headers`, and
///   `correlation_id`, `causation_id`.
/// `--stream-from`, `--type-from`, `--data-from`… take `column:NAME` (of the row) or
/// `field:PATH` (of the change event, e.g. `field:source.table`), or a template of them.
/// Without an id column, the id is derived from the table and the row, so a re-import of the
/// same rows (even from a new snapshot) finds the same ids.
struct DebeziumSource: EventSource {
    let file: InputFile
    let options: ImportOptions
    var totalBytes: Int { file.size }

    init(path: String, options: ImportOptions) throws {
        try ImportFormat.debezium.check(options)
        self.options = options
        file = try InputFile(path: path)
    }

    func scan(_ visit: (SourceRecord, Int) throws -> Void) throws {
        try file.forEachJSONLine(visit) { value, location in [record(value, location)] }
    }

    private static let columns = (
        stream: ["stream_id", "stream", "stream_name", "aggregate_id"],
        type: ["type", "event_type"],
        data: ["data", "payload", "event_data"],
        id: ["id", "event_id"],
        version: ["version", "stream_version"],
        time: ["timestamp", "occurred_at", "created_at", "recorded_at", "time"],
        metadata: ["metadata", "headers"],
        correlation: ["correlation_id", "correlationid"],
        causation: ["causation_id", "causationid"]
    )

    func record(_ value: JSONValue, _ location: SourceLocation) -> SourceRecord {
        func invalid(_ reason: String) -> SourceRecord { .invalid(RecordError(location, reason)) }
        if value.isNull { return .ignored(location, reason: "a tombstone (null): Kafka's deletion marker after a delete, not an event") }
        guard case .object(let top) = value else { return invalid("expected a Debezium change event (a JSON object), found \(value.kindName)") }
        // A Debezium topic dumped with `kcat -J`: the change event is the envelope's payload text.
        if top["topic"] != nil, top["offset"] != nil, let message = top["payload"], top["op"] == nil {
            guard case .string(let text) = message else { return record(message, location) }
            guard let inner = SourceValues.parseEmbedded(text) else { return invalid("the kcat envelope's payload is not JSON") }
            return record(inner, location)
        }
        let change: JSONValue = top["op"] == nil && top["payload"] != nil ? (top["payload"] ?? .null) : value
        guard case .object(let payload) = change else {
            return change.isNull ? .ignored(location, reason: "a tombstone (null payload): Kafka's deletion marker after a delete, not an event")
                : invalid("\"payload\" must be a change event object, found \(change.kindName)")
        }
        let source = payload["source"]
        let table = ["db", "schema", "table"].compactMap { source?[$0]?.stringValue }.joined(separator: ".")
        let tableText = table.isEmpty ? "" : " of \(table)"
        guard let op = payload["op"]?.stringValue else {
            if payload["ddl"] != nil || payload["tableChanges"] != nil || payload["databaseName"] != nil {
                return .ignored(location, reason: "a schema change event, not a row change")
            }
            return invalid("not a Debezium change event: no \"op\" (expected {\"before\":…,\"after\":…,\"op\":\"c\",…}, alone or in {\"schema\":…,\"payload\":…})")
        }
        switch op {
        case "c", "r": break
        case "u": return .ignored(location, reason: "an update (op u)\(tableText): events are never changed, so updates are not imported")
        case "d": return .ignored(location, reason: "a delete (op d)\(tableText): deleting a row does not undo an event (outbox rows are often deleted once published)")
        case "t": return .ignored(location, reason: "a truncate (op t)\(tableText)")
        case "m": return .ignored(location, reason: "a logical decoding message (op m), not a row")
        default: return invalid("unknown op '\(op)' (Debezium writes c, r, u, d, t or m)")
        }
        guard case .object(let row) = payload["after"] ?? .null else {
            return invalid("op '\(op)' without an \"after\" row object")
        }
        func column(_ names: [String]) -> JSONValue? {
            for n in names { if let v = row[n], !v.isNull { return v } }
            return nil
        }
        let lookup: (FieldSpec.Part) -> JSONValue? = { part in
            switch part {
            case .column(let c): return row[c]
            case .field(let path): return change.value(at: path)
            default: return nil
            }
        }
        let outbox = (row["aggregatetype"] ?? row["aggregate_type"]) != nil && (row["aggregateid"] ?? row["aggregate_id"]) != nil
        let c = Self.columns
        func resolve(_ spec: FieldSpec?, _ names: [String], _ what: String, option: String) -> Result<String, FieldProblem> {
            if let spec { return spec.text(lookup) }
            guard let v = column(names) else {
                return .failure(FieldProblem("the row has no \(what) column (looked for \(names.joined(separator: ", "))); name it with \(option) column:NAME"))
            }
            guard let text = FieldSpec.scalarText(v) else { return .failure(FieldProblem("column \(what) is a \(v.kindName), not text")) }
            return .success(text)
        }

        let stream: String
        if options.stream == nil && outbox {
            let kind = column(["aggregatetype", "aggregate_type"]).flatMap(FieldSpec.scalarText) ?? ""
            let key = column(["aggregateid", "aggregate_id"]).flatMap(FieldSpec.scalarText) ?? ""
            guard !kind.isEmpty, !key.isEmpty else { return invalid("an outbox row needs aggregatetype and aggregateid (the stream is aggregatetype-aggregateid)") }
            stream = "\(kind)-\(key)"
        } else {
            switch resolve(options.stream, c.stream, "stream", option: "--stream-from") {
            case .success(let s): stream = s
            case .failure(let why): return invalid("no stream: \(why)")
            }
        }
        let type: String
        switch resolve(options.type, c.type, "type", option: "--type-from") {
        case .success(let t): type = t
        case .failure(let why): return invalid("no event type: \(why)")
        }
        let dataValue: JSONValue
        if let spec = options.data {
            guard let v = spec.single.flatMap(lookup) else { return invalid("no data: \(spec) is missing") }
            dataValue = v
        } else {
            guard let v = column(outbox ? ["payload", "data"] : c.data) else {
                return invalid("the row has no data column (looked for \((outbox ? ["payload", "data"] : c.data).joined(separator: ", "))); name it with --data-from column:NAME")
            }
            dataValue = v
        }
        var version: UInt64?
        if options.version != nil || (!outbox && column(c.version) != nil) {
            guard case .success(let text) = resolve(options.version, c.version, "version", option: "--version-from"),
                  let n = UInt64(text), n >= 1 else { return invalid("the version is not a whole number from 1") }
            version = n
        }
        var id: EventID
        if options.id != nil || column(c.id) != nil, case .success(let text) = resolve(options.id, c.id, "id", option: "--id-from") {
            id = EventID(text) ?? .nameBased("debezium-id", table, text)
        } else {
            id = .nameBased([Array("debezium".utf8), Array(table.utf8), JSONValue.object(row).serializedBytes(sortedKeys: true)])
        }
        var time: Int64?
        if options.time != nil || column(c.time) != nil {
            guard case .success(let text) = resolve(options.time, c.time, "time", option: "--time-from"), let t = SourceValues.micros(.string(text)) else {
                return invalid("the event time is not a time (RFC 3339 text, or epoch milliseconds or microseconds)")
            }
            time = t
        } else if let ms = source?["ts_ms"]?.int64Value ?? payload["ts_ms"]?.int64Value {
            // Epoch milliseconds from the file: checked, a huge one is a bad record, not a trap.
            let (micros, overflow) = ms.multipliedReportingOverflow(by: 1000)
            guard !overflow else {
                return invalid("ts_ms \(ms) is too large for epoch milliseconds; fix it or give the time with --time-from")
            }
            time = micros
        }

        var metadata = MetadataBuilder()
        metadata.merge(column(c.metadata))
        metadata.set(correlation: column(c.correlation))
        metadata.set(causation: column(c.causation))
        var origin: JSONObject = ["op": .string(op)]
        for key in ["connector", "db", "schema", "table", "lsn", "file", "pos", "txId"] {
            if let v = source?[key], !v.isNull { origin[key] = v }
        }
        metadata.set("debezium", .object(origin))
        let event = NewEvent(id: id, type: type, data: SourceValues.jsonData(dataValue), metadata: metadata.bytes, originalMicros: time)
        return .event(SourceEvent(stream: stream, version: version, event: event, location: location))
    }
}
