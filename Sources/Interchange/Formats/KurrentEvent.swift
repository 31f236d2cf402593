import EventLog
import JSON

/// One KurrentDB (EventStoreDB) event, from either shape users export:
/// - an AtomPub feed entry read with `?embed=body`: `eventId`, `eventType`, `eventNumber`,
///   `streamId`, `data` and `metaData` (JSON text), `isJson`, `updated`;
/// - a gRPC client's recorded event as JSON: `streamId`|`stream_id`|`streamName`|`stream_name`,
///   `revision`|`eventNumber`|`stream_position`, `type`|`eventType`, `id`, `created` (RFC 3339,
///   or 100-ns ticks) | `recorded_at`, `data`, `metadata`.
/// Event numbers count from 0, Rewind's versions from 1: version = number + 1. The metadata's
/// `$correlationId` and `$causationId` become `correlationId` and `causationId`. System events
/// (types and streams starting with `$`) are ignored.
struct KurrentEvent {
    static let streamKeys = ["streamId", "stream_id", "streamName", "stream_name", "eventStreamId", "stream"]
    static let numberKeys = ["eventNumber", "revision", "streamRevision", "stream_position", "streamPosition", "event_number"]
    static let typeKeys = ["eventType", "type", "event_type"]
    static let idKeys = ["eventId", "id", "event_id"]
    static let timeKeys = ["created", "updated", "recorded_at", "createdAt", "created_at", "timestamp"]
    static let metadataKeys = ["metaData", "metadata", "meta_data"]

    let options: ImportOptions

    func record(_ value: JSONValue, _ location: SourceLocation) -> SourceRecord {
        func invalid(_ reason: String) -> SourceRecord { .invalid(RecordError(location, reason)) }
        guard case .object(let object) = value else { return invalid("expected a KurrentDB event (a JSON object), found \(value.kindName)") }
        func first(_ keys: [String]) -> (String, JSONValue)? {
            for k in keys { if let v = object[k], !v.isNull { return (k, v) } }
            return nil
        }
        let lookup: (FieldSpec.Part) -> JSONValue? = { part in
            if case .field(let path) = part { return value.value(at: path) }
            return nil
        }
        func text(_ spec: FieldSpec?, _ keys: [String]) -> String? {
            if let spec { return try? spec.text(lookup).get() }
            return first(keys).flatMap { FieldSpec.scalarText($0.1) }
        }

        guard let stream = text(options.stream, Self.streamKeys), !stream.isEmpty else {
            return invalid("no stream: expected \(options.stream.map(\.text) ?? "streamId (AtomPub) or streamId/stream_id (gRPC)")")
        }
        guard let type = text(options.type, Self.typeKeys), !type.isEmpty else {
            return invalid("no event type: expected \(options.type.map(\.text) ?? "eventType (AtomPub) or type (gRPC)")")
        }
        if type == "$>" {
            return .ignored(location, reason: "a link event ($>) in \(stream): read the stream with ?embed=body (AtomPub) or resolveLinkTos (gRPC) to get the events it points to")
        }
        if type.hasPrefix("$") || stream.hasPrefix("$") {
            return .ignored(location, reason: "a KurrentDB system event (\(type) in \(stream))")
        }
        var number: Int64?
        var version: UInt64?
        if let spec = options.version {
            guard let t = try? spec.text(lookup).get(), let v = UInt64(t), v >= 1 else { return invalid("\(spec) is not a version from 1") }
            version = v
        } else if let (key, n) = first(Self.numberKeys) {
            guard let value = SourceValues.wholeNumber(n), value >= 0 else { return invalid("\"\(key)\" must be an event number from 0") }
            number = value
            version = UInt64(value) + 1
        }
        var id: EventID?
        if let spec = options.id {
            guard let t = try? spec.text(lookup).get() else { return invalid("no event id in \(spec)") }
            id = EventID(t) ?? .nameBased("kurrent-id", t)
        } else {
            // An AtomPub entry's "id" is its URL; the event id is "eventId".
            for key in Self.idKeys { if let t = object[key]?.stringValue, let parsed = EventID(t) { id = parsed; break } }
        }
        var time: Int64?
        if let spec = options.time {
            guard let t = try? spec.text(lookup).get(), let micros = SourceValues.micros(.string(t)) else { return invalid("\(spec) is not a time") }
            time = micros
        } else if let (key, t) = first(Self.timeKeys) {
            guard let micros = SourceValues.micros(t) else { return invalid("\"\(key)\" is not a time (RFC 3339, or ticks)") }
            time = micros
        }

        let isJSON = object["isJson"]?.boolValue ?? object["is_json"]?.boolValue
            ?? (object["contentType"] ?? object["content_type"])?.stringValue.map { $0.contains("json") }
        var contentType = ContentType.json
        let data: [UInt8]
        if let spec = options.data {
            guard let v = spec.single.flatMap(lookup) else { return invalid("no data: \(spec) is missing") }
            data = SourceValues.jsonData(v)
        } else if let v = object["data"], !v.isNull {
            if isJSON == false, case .string(let s) = v {
                data = Array(s.utf8)
                contentType = .binary
            } else {
                data = SourceValues.jsonData(v)
            }
        } else if object["data"] == nil && object["summary"] != nil {
            return invalid("no data: this AtomPub entry was read without its body; read the stream with ?embed=body")
        } else {
            data = Array("{}".utf8)
        }
        let eventID = id ?? .nameBased("kurrent", stream, number.map { String($0) } ?? "")
        var metadata = MetadataBuilder()
        metadata.merge(first(Self.metadataKeys)?.1)
        let event = NewEvent(id: eventID, type: type, data: data, metadata: metadata.bytes, contentType: contentType, originalMicros: time)
        return .event(SourceEvent(stream: stream, version: version, event: event, location: location))
    }
}
