import EventLog
import JSON

/// One KurrentDB (EventStoreDB) event, from any shape users export:
/// - an AtomPub feed entry read with `?embed=body`: `eventId`, `eventType`, `eventNumber`,
///   `streamId`, `data` and `metaData` (JSON text), `isJson`, `updated`;
/// - a single event read with `GET /streams/NAME/N` and `Accept: application/vnd.eventstore.atom+json`
///   (or `…kurrent.atom+json`), or a feed entry read with `?embed=content`: the event's fields under
///   `content` (`eventStreamId`, `eventNumber`, `eventType`, `eventId`, `data`, `metadata`), the
///   time in the entry's `updated`;
/// - a gRPC client's recorded event as JSON: `streamId`|`stream_id`|`streamName`|`stream_name`,
///   `revision`|`eventNumber`|`stream_position`, `type`|`eventType`, `id`, `created` (RFC 3339,
///   or 100-ns ticks) | `recorded_at`, `data`|`eventData`, `metadata`|`userMetadata`, `isJson` or
///   `contentType`; or a resolved event `{"event":{…},"link":{…}}`, whose `event` is imported.
///
/// Event numbers count from 0, Rewind's versions from 1: version = number + 1. The metadata's
/// `$correlationId` and `$causationId` become `correlationId` and `causationId`. System events
/// (types and streams starting with `$`) are ignored; link events (`$>`) are handed back as
/// links for the source to resolve against the whole input. A non-JSON event (`isJson: false`,
/// or a content type that is not JSON) is binary: its data as the dump gives bytes (see
/// `DumpedBytes`; other text as its UTF-8), or empty when the export left it out, as AtomPub does.
struct KurrentEvent {
    static let streamKeys = ["streamId", "stream_id", "streamName", "stream_name", "eventStreamId", "stream"]
    static let numberKeys = ["eventNumber", "revision", "streamRevision", "stream_position", "streamPosition", "event_number"]
    static let typeKeys = ["eventType", "type", "event_type"]
    static let idKeys = ["eventId", "id", "event_id"]
    static let timeKeys = ["created", "updated", "recorded_at", "createdAt", "created_at", "timestamp"]
    static let dataKeys = ["data", "eventData", "event_data"]
    static let metadataKeys = ["metaData", "metadata", "meta_data", "userMetadata", "customMetadata", "custom_metadata"]

    /// What one exported object is.
    enum Reading {
        case record(SourceRecord)
        /// A link event (`$>`), which points at another stream's event.
        case link(KurrentLink)
    }

    let options: ImportOptions

    /// True for an AtomPub entry that names its event (`title` `N@stream`, `summary` type) but
    /// carries none of it: read without `?embed=body`.
    static func isBareEntry(_ value: JSONValue) -> Bool {
        guard case .object(let o) = value, o["summary"] != nil, o["title"] != nil else { return false }
        if case .object? = o["content"] { return false }
        return !(streamKeys + typeKeys).contains { o[$0] != nil }
    }

    /// The event inside the wrappers exports put around it: a single-event GET's (or an
    /// `?embed=content` entry's) `content`, a gRPC resolved event's `event` (or its `link` when
    /// the linked event is gone).
    static func unwrapped(_ object: JSONObject) -> JSONObject {
        if case .object(var content)? = object["content"], (content["eventType"] ?? content["eventStreamId"]) != nil {
            if !timeKeys.contains(where: { content[$0] != nil }), let updated = object["updated"] { content["updated"] = updated }
            return content
        }
        if object["event"] != nil || object["link"] != nil, !(typeKeys + streamKeys).contains(where: { object[$0] != nil }) {
            if case .object(let event)? = object["event"] { return event }
            if case .object(let link)? = object["link"] { return link }
        }
        return object
    }

    func read(_ value: JSONValue, _ location: SourceLocation) -> Reading {
        func invalid(_ reason: String, needs: [NeededOption] = []) -> Reading { .record(.invalid(RecordError(location, reason, needs: needs))) }
        guard case .object(let outer) = value else { return invalid("expected a KurrentDB event (a JSON object), found \(value.kindName)") }
        if Self.isBareEntry(value) {
            let title = outer["title"]?.stringValue ?? ""
            if outer["summary"]?.stringValue == "$>", let link = KurrentLink(location: location, holder: nil, target: title) {
                return .link(link)
            }
            let url = outer["id"]?.stringValue.map { " (\($0))" } ?? ""
            return invalid("an AtomPub entry without its event\(url): fetch the event with -H 'Accept: application/vnd.eventstore.atom+json' (its \"content\" holds the data), or read the stream with ?embed=body")
        }
        let object = Self.unwrapped(outer)
        let event = JSONValue.object(object)
        func first(_ keys: [String]) -> (String, JSONValue)? {
            for k in keys { if let v = object[k], !v.isNull { return (k, v) } }
            return nil
        }
        let lookup: (FieldSpec.Part) -> JSONValue? = { part in
            if case .field(let path) = part { return event.value(at: path) }
            return nil
        }
        func text(_ spec: FieldSpec?, _ keys: [String]) -> String? {
            if let spec { return try? spec.text(lookup).get() }
            return first(keys).flatMap { FieldSpec.scalarText($0.1) }
        }

        let stream = text(options.stream, Self.streamKeys).flatMap { $0.isEmpty ? nil : $0 }
        let type = text(options.type, Self.typeKeys).flatMap { $0.isEmpty ? nil : $0 }
        guard let stream, let type else {
            let names = Array(object.keys)
            var needs: [NeededOption] = []
            var missing: [String] = []
            if stream == nil {
                missing.append("no stream: expected \(options.stream.map(\.text) ?? "streamId (AtomPub) or streamId/stream_id (gRPC)")")
                let guess = FieldGuess.name(in: names, hints: ["stream", "aggregate"]).map { "field:\($0)" } ?? "field:PATH"
                needs.append(NeededOption("--stream-from", guess, because: "the events have no streamId (name the field that holds the stream)"))
            }
            if type == nil {
                missing.append("no event type: expected \(options.type.map(\.text) ?? "eventType (AtomPub) or type (gRPC)")")
                let guess = FieldGuess.name(in: names, hints: ["type", "kind"]).map { "field:\($0)" } ?? "field:PATH"
                needs.append(NeededOption("--type-from", guess, because: "the events have no eventType or type (name the field that holds it)"))
            }
            return invalid(missing.joined(separator: "; "), needs: options.stream != nil && options.type != nil ? [] : needs)
        }
        if type == "$>" {
            let target = first(Self.dataKeys)?.1.stringValue ?? ""
            guard let link = KurrentLink(location: location, holder: stream, target: target) else {
                return invalid("a link event ($>) in \(stream) whose data '\(target.prefix(60))' is not NUMBER@STREAM")
            }
            return .link(link)
        }
        if type.hasPrefix("$") || stream.hasPrefix("$") {
            return .record(.ignored(location, reason: "a KurrentDB system event (\(type) in \(stream))"))
        }
        var number: Int64?
        var version: UInt64?
        if let spec = options.version {
            guard let t = try? spec.text(lookup).get(), let v = UInt64(t), v >= 1 else { return invalid("\(spec) is not a version from 1") }
            version = v
        } else if let (key, n) = first(Self.numberKeys) {
            guard let value = SourceValues.wholeNumber(n), value >= 0, value < Int64.max else { return invalid("\"\(key)\" must be an event number from 0") }
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
        var metadata = MetadataBuilder()
        let data: [UInt8]
        if let spec = options.data {
            guard let v = spec.single.flatMap(lookup) else { return invalid("no data: \(spec) is missing") }
            data = SourceValues.jsonData(v)
        } else if let (key, v) = first(Self.dataKeys) {
            if isJSON == false {
                guard let bytes = Self.binary(v) else {
                    return invalid("\"\(key)\" of a non-JSON event (isJson false) is a \(v.kindName), not bytes (base64 text, an array of bytes, or an object of index to byte)")
                }
                data = bytes
                contentType = .binary
            } else {
                data = Self.jsonData(v)
            }
        } else if isJSON == false {
            // AtomPub feeds and single-event GETs leave out the data of non-JSON events.
            data = []
            contentType = .binary
            metadata.set("kurrent", .object(["dataMissing": "KurrentDB's AtomPub API leaves out the data of non-JSON events; a gRPC dump has it"]))
        } else if isJSON == true || object["summary"] != nil {
            return invalid("no data: this AtomPub entry was read without its body (?embed=rich, or no ?embed); read the stream again with ?embed=body")
        } else {
            data = Array("{}".utf8)
        }
        let eventID = id ?? .nameBased("kurrent", stream, number.map { String($0) } ?? "")
        metadata.merge(first(Self.metadataKeys).map { Self.metadataValue($0.1, binary: isJSON == false) })
        let stored = NewEvent(id: eventID, type: type, data: data, metadata: metadata.bytes, contentType: contentType, originalMicros: time)
        return .record(.event(SourceEvent(stream: stream, version: version, event: stored, location: location)))
    }

    /// A non-JSON event's data: bytes as the dump spells them, else text as its UTF-8.
    static func binary(_ value: JSONValue) -> [UInt8]? {
        if let bytes = DumpedBytes.decode(value) { return bytes }
        if case .string(let text) = value { return Array(text.utf8) }
        return nil
    }

    /// A JSON event's data. Clients that dump bytes as base64 (Java's `eventData`, .NET's `Data`)
    /// hide the JSON document inside: decoded when the text is base64 of a JSON object or array.
    static func jsonData(_ value: JSONValue) -> [UInt8] {
        if case .string(let text) = value, let first = text.utf8.first, first != UInt8(ascii: "{"), first != UInt8(ascii: "["),
           let bytes = DumpedBytes.base64(text), let decoded = try? JSONValue.parse(bytes), decoded.isContainer {
            return decoded.serializedBytes()
        }
        return SourceValues.jsonData(value)
    }

    /// Metadata as JSON: text of JSON, base64 of JSON (bytes dumped by a client), or, for a
    /// binary event, bytes in any dumped shape that hold JSON.
    static func metadataValue(_ value: JSONValue, binary: Bool) -> JSONValue {
        if case .string(let text) = value {
            if SourceValues.parseEmbedded(text) != nil { return value }
            if let bytes = DumpedBytes.base64(text), let decoded = try? JSONValue.parse(bytes), decoded.isContainer { return decoded }
            return value
        }
        if binary || value.isArray, let bytes = DumpedBytes.decode(value) {
            if bytes.isEmpty { return .null }
            if let decoded = try? JSONValue.parse(bytes) { return decoded }
        }
        return value
    }
}

private extension JSONValue {
    var isContainer: Bool {
        switch self {
        case .object, .array: return true
        default: return false
        }
    }

    var isArray: Bool {
        if case .array = self { return true }
        return false
    }
}
