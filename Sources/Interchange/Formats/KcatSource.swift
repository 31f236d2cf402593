import EventLog
import JSON

/// Kafka messages as `kcat -C -J` prints them, one envelope a line:
///
///     {"topic":"bank","partition":0,"offset":4,"tstype":"create","ts":1768471200000,"broker":1,
///      "headers":["ce_type","MoneyDeposited","ce_id","…"],"key":"account-1","payload":"{…}"}
///
/// - stream: the key (`--stream-from key|header:NAME|field:PATH`, `{topic}`, `{partition}`,
///   `{offset}`, `const:TEXT` or a template of them, for topics without keys);
/// - type: header `type`, else `ce_type` (`--type-from`, e.g. `const:OrderPlaced` for a
///   topic of one type);
/// - id: header `id`, else `ce_id` (a UUID as is, other text hashed to one); without either,
///   derived from topic, partition and offset, so a re-import finds the same ids;
/// - time: `ts` (milliseconds); data: the payload (JSON text, or bytes stored as binary);
/// - metadata: correlation and causation headers, and `kafka`: topic, partition, offset, key and
///   the other headers. A message with a null payload (a tombstone) is ignored.
/// A key or payload in the schema registry's wire format (`WireFormatPrefix`) loses its
/// 5-byte prefix; the schema id is kept as `kafka.keySchemaId` / `kafka.valueSchemaId`.
struct KcatSource: EventSource {
    let file: InputFile
    let options: ImportOptions
    var totalBytes: Int { file.size }

    init(path: String, options: ImportOptions) throws {
        try ImportFormat.kcat.check(options)
        self.options = options
        file = try InputFile(path: path, framing: options.framing)
    }

    func scan(_ visit: (SourceRecord, Int) throws -> Void) throws {
        try file.forEachJSONLine(visit) { value, location in [record(value, location)] }
    }

    func record(_ value: JSONValue, _ location: SourceLocation) -> SourceRecord {
        func invalid(_ reason: String, needs: [NeededOption] = []) -> SourceRecord { .invalid(RecordError(location, reason, needs: needs)) }
        guard case .object(let envelope) = value else { return invalid("expected a kcat -J envelope (a JSON object), found \(value.kindName)") }
        guard let topic = envelope["topic"]?.stringValue, let partition = envelope["partition"]?.int64Value,
              let offset = envelope["offset"]?.int64Value else {
            return invalid("not a kcat -J envelope: \"topic\", \"partition\" and \"offset\" are required (consume with kcat -C -J)")
        }
        let headers: [(String, String?)]
        switch Self.headers(envelope["headers"]) {
        case .success(let h): headers = h
        case .failure(let reason): return invalid(reason.description)
        }
        func header(_ name: String) -> String? { headers.last(where: { $0.0 == name })?.1 }
        let payloadValue = envelope["payload"] ?? .null
        if payloadValue.isNull {
            return .ignored(location, reason: "a tombstone (null payload): Kafka's deletion marker, not an event")
        }
        // The payload: JSON text as kcat prints it, or JSON already (Avro decoded by kcat).
        var payload: JSONValue? = payloadValue
        var binary: [UInt8]?
        var valueSchemaID = envelope["value_schema_id"]?.int64Value
        if case .string(let text) = payloadValue {
            payload = SourceValues.parseEmbedded(text)
            if payload == nil, let stripped = WireFormatPrefix.strip(payloadValue), case .object = stripped.value {
                payload = stripped.value
                valueSchemaID = stripped.schemaID
            }
            if payload == nil { binary = Array(text.utf8) }
        }
        var key = envelope["key"]
        var keySchemaID = envelope["key_schema_id"]?.int64Value
        if let stripped = WireFormatPrefix.strip(key) {
            key = stripped.value
            keySchemaID = stripped.schemaID
        }
        let lookup: (FieldSpec.Part) -> JSONValue? = { part in
            switch part {
            case .key: return key
            case .header(let name): return header(name).map(JSONValue.string)
            case .field(let path): return payload?.value(at: path)
            case .topic: return .string(topic)
            case .partition: return .integer(partition)
            case .offset: return .integer(offset)
            default: return nil
            }
        }
        let coordinates = "\(topic)/\(partition)@\(offset)"

        // Both problems at once: a topic without keys often has no type header either.
        var problems: [(what: String, why: String)] = []
        var needs: [NeededOption] = []
        var stream = ""
        switch (options.stream ?? FieldSpec.keySpec).text(lookup) {
        case .success(let s): stream = s
        case .failure(let why):
            problems.append(("no stream", "\(why); name where the stream is with --stream-from key|header:NAME|field:PATH, or e.g. --stream-from '{topic}' or '{topic}-{partition}' for a topic without keys"))
            if options.stream == nil {
                needs.append(NeededOption("--stream-from", Self.guess(headers: headers, payload: payload, hints: ["stream", "aggregate"]) ?? "{topic}",
                                          because: "the messages have no key (a header or payload field may name the stream; else the topic does)"))
            }
        }
        var type = ""
        if let spec = options.type {
            switch spec.text(lookup) {
            case .success(let t): type = t
            case .failure(let why): problems.append(("no event type", "\(why)"))
            }
        } else if let t = header("type") ?? header("ce_type") {
            type = t
        } else {
            problems.append(("no event type", "it has no 'type' or 'ce_type' header; name where the type is with --type-from header:NAME|field:PATH, or --type-from const:TYPE for a topic of one type"))
            needs.append(NeededOption("--type-from", Self.guess(headers: headers, payload: payload, hints: ["type", "kind", "event"]) ?? "const:\(TypeMapping.pascal(topic))",
                                      because: "the messages have no 'type' or 'ce_type' header (a topic of one type can take a constant)"))
        }
        if let first = problems.first {
            let more = problems.dropFirst().map { "; and \($0.what): \($0.why)" }.joined()
            return invalid("\(first.what) for message \(coordinates): \(first.why)\(more)", needs: needs)
        }

        var consumed: Set<String> = []
        var id: EventID
        if let spec = options.id {
            guard case .success(let text) = spec.text(lookup) else { return invalid("no event id for message \(coordinates): \(spec) is missing") }
            id = EventID(text) ?? .nameBased("kcat-id", text)
        } else if let text = header("id") ?? header("ce_id") {
            consumed.formUnion(["id", "ce_id"])
            id = EventID(text) ?? .nameBased("kcat-id", text)
        } else {
            id = .nameBased("kcat", topic, String(partition), String(offset))
        }
        var time: Int64?
        if let spec = options.time {
            guard case .success(let text) = spec.text(lookup), let t = SourceValues.micros(.string(text)) else {
                return invalid("no time for message \(coordinates) in \(spec) (write RFC 3339 or epoch milliseconds)")
            }
            time = t
        } else if let ts = envelope["ts"]?.int64Value, ts > 0 {
            // Epoch milliseconds from the file: checked, a huge one is a bad record, not a trap.
            let (micros, overflow) = ts.multipliedReportingOverflow(by: 1000)
            guard !overflow else {
                return invalid("message \(coordinates) has a ts of \(ts), too large for epoch milliseconds; fix it or give the time with --time-from")
            }
            time = micros
        }
        var version: UInt64?
        if let spec = options.version {
            guard case .success(let text) = spec.text(lookup), let v = UInt64(text), v >= 1 else {
                return invalid("no version for message \(coordinates) in \(spec) (a whole number from 1)")
            }
            version = v
        }
        var data: [UInt8]
        var contentType = ContentType.json
        if let spec = options.data {
            guard case .field(let path) = spec.single, let value = payload?.value(at: path) else {
                return invalid("no data for message \(coordinates): \(spec) is missing from the payload")
            }
            data = SourceValues.jsonData(value)
        } else if let binary {
            data = binary
            contentType = .binary
        } else {
            data = SourceValues.jsonData(payload ?? .null)
        }

        var metadata = MetadataBuilder()
        var kafka: JSONObject = ["topic": .string(topic), "partition": .integer(partition), "offset": .integer(offset)]
        if let key, !key.isNull { kafka["key"] = key }
        if let keySchemaID { kafka["keySchemaId"] = .integer(keySchemaID) }
        if let valueSchemaID { kafka["valueSchemaId"] = .integer(valueSchemaID) }
        var others = JSONObject()
        for (name, value) in headers where !consumed.contains(name) && name != "type" && name != "ce_type" {
            let v: JSONValue = value.map(JSONValue.string) ?? .null
            if MetadataBuilder.correlationNames.contains(name) { metadata.set(correlation: v) }
            else if MetadataBuilder.causationNames.contains(name) { metadata.set(causation: v) }
            else { others[name] = v }
        }
        if !others.isEmpty { kafka["headers"] = .object(others) }
        metadata.set("kafka", .object(kafka))
        let event = NewEvent(id: id, type: type, data: data, metadata: metadata.bytes, contentType: contentType, originalMicros: time)
        return .event(SourceEvent(stream: stream, version: version, event: event, location: location))
    }

    /// A header, else a payload field, whose name holds one of `hints`, as a spec.
    static func guess(headers: [(String, String?)], payload: JSONValue?, hints: [String]) -> String? {
        if let name = FieldGuess.name(in: headers.filter { $0.1 != nil }.map(\.0), hints: hints) { return "header:\(name)" }
        if case .object(let members)? = payload, let name = FieldGuess.name(in: members.keys.filter { members[$0]?.stringValue != nil }, hints: hints) {
            return "field:\(name)"
        }
        return nil
    }

    /// kcat's headers: a flat array of names and values (`-J`), or an object of names to a value
    /// or an array of values (with the JSON-map option).
    static func headers(_ value: JSONValue?) -> Result<[(String, String?)], FieldProblem> {
        guard let value, !value.isNull else { return .success([]) }
        var out: [(String, String?)] = []
        switch value {
        case .array(let items):
            guard items.count % 2 == 0 else { return .failure(FieldProblem("\"headers\" must alternate names and values, but it has an odd number of items")) }
            for i in stride(from: 0, to: items.count, by: 2) {
                guard let name = items[i].stringValue else { return .failure(FieldProblem("header name #\(i / 2 + 1) is not a string")) }
                out.append((name, items[i + 1].stringValue))
            }
        case .object(let members):
            for (name, v) in members {
                if case .array(let values) = v {
                    for x in values { out.append((name, x.stringValue)) }
                } else {
                    out.append((name, v.stringValue))
                }
            }
        default:
            return .failure(FieldProblem("\"headers\" must be an array of names and values, found \(value.kindName)"))
        }
        return .success(out)
    }
}

extension FieldSpec {
    /// `key`: kcat's default stream.
    static let keySpec: FieldSpec = {
        guard let spec = try? FieldSpec("key") else { preconditionFailure("'key' always parses") }
        return spec
    }()
}
