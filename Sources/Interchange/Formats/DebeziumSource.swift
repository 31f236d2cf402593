import EventLog
import JSON

/// Debezium change events, one a line: the full `{"schema":…,"payload":…}` envelope, the
/// payload alone (`schemas.enable=false`), or either inside a `kcat -J` envelope.
///
/// Three table shapes, told apart by the row's columns (`DebeziumTableKind`):
/// - the outbox event router's (`aggregatetype`, `aggregateid`, `type`, `payload`, `id`): the
///   stream is `aggregatetype-aggregateid`, versions follow the order of the events;
/// - an events table: stream `stream_id`|`stream`|`stream_name`|`aggregate_id`, type
///   `type`|`event_type`, data `data`|`payload`|`event_data`, id `id`|`event_id`, version
///   `version`|`stream_version`, time `timestamp`|`occurred_at`|`created_at`|`recorded_at`
///   (else the commit time), metadata `metadata`|`headers`, and `correlation_id`,
///   `causation_id`;
/// - any other table (or any table with `--key-columns`): every change of a row is an event
///   of the row's stream `TABLE-KEY` (`DebeziumRowChange`).
/// In events and outbox tables only inserts (`op` c) and snapshot reads (`op` r) are events;
/// their updates and deletes are ignored, as are truncates, tombstones and schema changes,
/// each with its reason. `--stream-from`, `--type-from`, `--data-from`… take `column:NAME`
/// (of the row) or `field:PATH` (of the change event, e.g. `field:source.table`), or a
/// template of them. Without an id column, the id is derived from the table and the row, so a
/// re-import of the same rows (even from a new snapshot) finds the same ids.
struct DebeziumSource: EventSource {
    let file: InputFile
    let options: ImportOptions
    var totalBytes: Int { file.size }

    init(path: String, options: ImportOptions) throws {
        try ImportFormat.debezium.check(options)
        self.options = options
        file = try InputFile(path: path, framing: options.framing)
    }

    func scan(_ visit: (SourceRecord, Int) throws -> Void) throws {
        // What each table turned out to be, learnt from its inserts, so that its deletes
        // (whose `before` may hold only the primary key) are read the same way.
        var tables = DebeziumTables()
        try file.forEachJSONLine(visit) { value, location in [record(value, location, tables: &tables)] }
    }

    /// What a `kcat -J` envelope around a change event adds: the message key and time.
    struct KafkaContext {
        var key: JSONValue?
        var ts: Int64?
    }

    static let columns = (
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

    /// One record of the input (a change event, a tombstone, a schema change…).
    func record(_ value: JSONValue, _ location: SourceLocation, tables: inout DebeziumTables, kafka: KafkaContext? = nil) -> SourceRecord {
        func invalid(_ reason: String) -> SourceRecord { .invalid(RecordError(location, reason)) }
        if value.isNull { return .ignored(location, reason: "a tombstone (null): Kafka's deletion marker after a delete, not an event") }
        guard case .object(let top) = value else { return invalid("expected a Debezium change event (a JSON object), found \(value.kindName)") }
        // A Debezium topic dumped with `kcat -J`: the change event is the envelope's payload text.
        if top["topic"] != nil, top["offset"] != nil, let message = top["payload"], top["op"] == nil {
            var key = top["key"]
            if let stripped = WireFormatPrefix.strip(key) { key = stripped.value }
            if case .string(let text)? = key { key = SourceValues.parseEmbedded(text) ?? key }
            let context = KafkaContext(key: key, ts: top["ts"]?.int64Value)
            guard case .string(let text) = message else { return record(message, location, tables: &tables, kafka: context) }
            guard let inner = SourceValues.parseEmbedded(text) else { return invalid("the kcat envelope's payload is not JSON") }
            return record(inner, location, tables: &tables, kafka: context)
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
        case "c", "r", "u", "d": break
        case "t": return .ignored(location, reason: "a truncate (op t)\(tableText)")
        case "m": return .ignored(location, reason: "a logical decoding message (op m), not a row")
        default: return invalid("unknown op '\(op)' (Debezium writes c, r, u, d, t or m)")
        }
        let before = payload["before"] ?? .null
        let after = payload["after"] ?? .null
        let kind: DebeziumTableKind
        if case .object(let full) = after, op != "d" {
            kind = tables.kind(of: table, row: full, options: options)
        } else if case .object(let partial) = before {
            kind = tables.known(table) ?? DebeziumTableKind(row: partial, options: options)
        } else {
            kind = tables.known(table) ?? DebeziumTableKind(row: [:], options: options)
        }
        if kind != .rows {
            switch op {
            case "u": return .ignored(location, reason: "an update (op u)\(tableText): events are never changed, so updates are not imported")
            case "d": return .ignored(location, reason: "a delete (op d)\(tableText): deleting a row does not undo an event (outbox rows are often deleted once published)")
            default: break
            }
        }
        let time: (micros: Int64, from: String)?
        switch Self.commitMicros(source: source, payload: payload, kafka: kafka) {
        case .success(let t): time = t
        case .failure(let why): return invalid(why.description)
        }
        if kind == .rows {
            let rowChange = DebeziumRowChange(op: op, table: source?["table"]?.stringValue ?? source?["collection"]?.stringValue,
                                           fullTable: table, before: before, after: after, change: change,
                                           source: source, kafkaKey: kafka?.key, time: time, options: options)
            return rowChange.record(location)
        }
        guard case .object(let row) = after else {
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
        // Type and data are looked for together: a row that lacks both gets one error naming
        // both options, not one error now and the other on the next run.
        var problems: [String] = []
        var needs: [NeededOption] = []
        let names = Array(row.keys).filter { !c.stream.contains($0) && !c.id.contains($0) && !c.version.contains($0) }
        var type = ""
        switch resolve(options.type, c.type, "type", option: "--type-from") {
        case .success(let t): type = t
        case .failure(let why):
            problems.append("no event type: \(why)")
            if options.type == nil {
                let guess = FieldGuess.name(in: names, hints: ["type", "kind", "event", "name"]).map { "column:" + $0 } ?? "column:NAME"
                needs.append(NeededOption("--type-from", guess, because: "the rows of \(table) have no type column (looked for \(c.type.joined(separator: ", ")))"))
            }
        }
        var dataValue = JSONValue.null
        if let spec = options.data {
            if let v = spec.single.flatMap(lookup) { dataValue = v } else { problems.append("no data: \(spec) is missing") }
        } else {
            let dataColumns = outbox ? ["payload", "data"] : c.data
            if let v = column(dataColumns) {
                dataValue = v
            } else {
                problems.append("the row has no data column (looked for \(dataColumns.joined(separator: ", "))); name it with --data-from column:NAME")
                let guess = FieldGuess.name(in: names, hints: ["data", "payload", "body", "json", "content"]).map { "column:" + $0 } ?? "column:NAME"
                needs.append(NeededOption("--data-from", guess, because: "the rows of \(table) have no data column (looked for \(dataColumns.joined(separator: ", ")))"))
            }
        }
        if !problems.isEmpty { return .invalid(RecordError(location, problems.joined(separator: "; "), needs: needs)) }
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
        var eventTime = time?.micros
        if options.time != nil || column(c.time) != nil {
            guard case .success(let text) = resolve(options.time, c.time, "time", option: "--time-from"), let t = SourceValues.micros(.string(text)) else {
                return invalid("the event time is not a time (RFC 3339 text, or epoch milliseconds or microseconds)")
            }
            eventTime = t
        }

        var metadata = MetadataBuilder()
        metadata.merge(column(c.metadata))
        metadata.set(correlation: column(c.correlation))
        metadata.set(causation: column(c.causation))
        metadata.set("debezium", .object(Self.origin(op: op, source: source, time: options.time == nil && column(c.time) == nil ? time?.from : nil)))
        let event = NewEvent(id: id, type: type, data: SourceValues.jsonData(dataValue), metadata: metadata.bytes, originalMicros: eventTime)
        return .event(SourceEvent(stream: stream, version: version, event: event, location: location))
    }

    /// Where a change came from, for the event's metadata under `debezium`.
    /// `time` names where the event's time came from when it is not the commit time.
    static func origin(op: String, source: JSONValue?, time: String?) -> JSONObject {
        var origin: JSONObject = ["op": .string(op)]
        for key in ["connector", "db", "schema", "table", "lsn", "file", "pos", "txId"] {
            if let v = source?[key], !v.isNull { origin[key] = v }
        }
        if let time, !time.hasPrefix("source.") { origin["timeFrom"] = .string(time) }
        return origin
    }

    /// When a change was committed: `source.ts_us` or `source.ts_ms` (the database's commit
    /// time), else, when that is missing or 0 (snapshot rows of some connectors), the
    /// envelope's `ts_us`/`ts_ms` (when Debezium processed it), else the Kafka message's `ts`.
    /// A time of 0 is never taken: it is "unknown", not 1970.
    static func commitMicros(source: JSONValue?, payload: JSONObject, kafka: KafkaContext?) -> Result<(micros: Int64, from: String)?, FieldProblem> {
        let places: [(JSONValue?, String, Int64)] = [
            (source?["ts_us"], "source.ts_us", 1), (source?["ts_ms"], "source.ts_ms", 1000),
            (payload["ts_us"], "ts_us", 1), (payload["ts_ms"], "ts_ms", 1000),
            (kafka?.ts.map(JSONValue.integer), "the Kafka message's ts", 1000),
        ]
        for (value, name, scale) in places {
            guard let n = value?.int64Value, n > 0 else { continue }
            // Epoch milliseconds from the file: checked, a huge one is a bad record, not a trap.
            let (micros, overflow) = n.multipliedReportingOverflow(by: scale)
            guard !overflow else {
                return .failure(FieldProblem("\(name) \(n) is too large for epoch \(scale == 1 ? "microseconds" : "milliseconds"); fix it or give the time with --time-from"))
            }
            return .success((micros, name))
        }
        return .success(nil)
    }
}
