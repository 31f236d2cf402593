import EventLog
import Foundation
import JSON

/// The generic JSON Lines shape shared by `rewind import` and `rewind export`, one event a line:
///
///     {"stream":"account-42","type":"MoneyDeposited","data":{…},"metadata":{…},"id":"<uuid>",
///      "time":"2026-01-15T10:00:00Z","version":2,"schemaVersion":1}
///
/// Only stream, type and data are required. A given version must be the stream's next one (it
/// is an expected version). Binary events carry `"contentType":"binary"` and base64 `data`.
/// Export adds `position` (ignored on import) and `recordedTime` when it differs from `time`.
public enum GenericEventLine {
    /// One decoded line: the event and the version it claims, if any.
    public struct Decoded: Sendable, Equatable {
        public var stream: String
        public var event: NewEvent
        public var version: UInt64?
        /// False when the line gave no id and `event.id` is a random one (importers derive a
        /// stable one instead, so that importing the same file twice is a no-op).
        public var hasExplicitID = true
    }

    /// Why a line cannot be imported; `line` is 1-based.
    public struct LineError: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// Decodes one line (without its newline).
    public static func decode(_ bytes: UnsafeRawBufferPointer, line: Int) throws(LineError) -> Decoded {
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch {
            throw LineError(line: line, reason: "invalid JSON at column \(error.column): \(error.reason)")
        }
        return try decode(value, line: line)
    }

    /// Decodes one parsed record (`line` is where it starts, for messages).
    public static func decode(_ value: JSONValue, line: Int) throws(LineError) -> Decoded {
        guard case .object(let object) = value else {
            throw LineError(line: line, reason: "expected a JSON object, found \(value.kindName)")
        }
        func fail(_ reason: String) -> LineError { LineError(line: line, reason: reason) }
        guard let streamValue = object["stream"] else { throw fail("missing \"stream\" (every event names its stream)") }
        guard let stream = streamValue.stringValue else { throw fail("\"stream\" must be a string, found \(streamValue.kindName)") }
        if let problem = StreamName.problem(with: stream) { throw fail("bad \"stream\": \(problem)") }
        guard let typeValue = object["type"] else { throw fail("missing \"type\"") }
        guard let type = typeValue.stringValue, !type.isEmpty else { throw fail("\"type\" must be a non-empty string") }
        if type.utf8.count > LogFormat.maxTypeBytes { throw fail("\"type\" is longer than \(LogFormat.maxTypeBytes) bytes") }
        guard let dataValue = object["data"] else { throw fail("missing \"data\" (use {} for an event without data)") }

        var contentType = ContentType.json
        if let ct = object["contentType"] {
            switch ct.stringValue {
            case "json"?: contentType = .json
            case "binary"?: contentType = .binary
            default: throw fail("\"contentType\" must be \"json\" or \"binary\"")
            }
        }
        let data: [UInt8]
        if contentType == .binary {
            guard let text = dataValue.stringValue, let decoded = Data(base64Encoded: text) else {
                throw fail("binary \"data\" must be a base64 string")
            }
            data = Array(decoded)
        } else {
            data = dataValue.serializedBytes()
        }
        var metadata: [UInt8] = []
        if let m = object["metadata"], !m.isNull {
            guard case .object = m else { throw fail("\"metadata\" must be an object, found \(m.kindName)") }
            metadata = m.serializedBytes()
        }
        // A random id only when the line has none (two getrandom calls per event otherwise).
        let id: EventID
        var hasExplicitID = false
        if let idValue = object["id"], !idValue.isNull {
            hasExplicitID = true
            guard let text = idValue.stringValue, let parsed = EventID(text) else {
                throw fail("\"id\" must be a UUID string like 3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f")
            }
            id = parsed
        } else {
            id = EventID.random()
        }
        var original: Int64?
        if let t = object["time"], !t.isNull {
            guard let text = t.stringValue, let micros = RFC3339.parse(text) else {
                throw fail("\"time\" must be an RFC 3339 time like 2026-01-15T10:00:00Z")
            }
            original = micros
        }
        var version: UInt64?
        if let v = object["version"], !v.isNull {
            guard let n = v.int64Value, n >= 1 else { throw fail("\"version\" must be a whole number from 1") }
            version = UInt64(n)
        }
        var schema: UInt32 = 1
        if let s = object["schemaVersion"], !s.isNull {
            guard let n = s.int64Value, n >= 0, n <= Int64(UInt32.max) else { throw fail("\"schemaVersion\" must be a whole number") }
            schema = UInt32(n)
        }
        let event = NewEvent(id: id, type: type, data: data, metadata: metadata, contentType: contentType, schemaVersion: schema, originalMicros: original)
        return Decoded(stream: stream, event: event, version: version, hasExplicitID: hasExplicitID)
    }

    /// Encodes a stored event as one line (no newline).
    /// - Parameter position: include the global position (export and `read --json` do).
    public static func encode(_ e: EventView, position: Bool = true) -> [UInt8] {
        var writer = JSONObjectWriter()
        return encode(e, position: position, into: &writer) { $0 }
    }

    /// `encode` through a writer the caller keeps (no allocation per line once it has grown):
    /// data and metadata are copied, not parsed and printed again, where that gives the same
    /// bytes (`JSONObjectWriter`).
    public static func encode<R>(_ e: EventView, position: Bool = true, into writer: inout JSONObjectWriter, _ body: ([UInt8]) throws -> R) rethrows -> R {
        writer.begin()
        writer.string("stream", e.stream)
        writer.string("type", e.type)
        var binary = e.contentType == .binary
        if binary || !writer.json("data", e.data) {
            binary = true
            writer.string("data", Data(e.data).base64EncodedString())
        }
        if e.metadata.isEmpty {
            writer.value("metadata", .object([:]))
        } else if !writer.json("metadata", e.metadata) {
            writer.value("metadata", .object(["undecodable": .string(Data(e.metadata).base64EncodedString())]))
        }
        writer.string("id", e.id.description)
        writer.string("time", RFC3339.format(microsecondsSinceEpoch: e.originalMicros))
        writer.integer("version", Int64(e.version))
        writer.integer("schemaVersion", Int64(e.schemaVersion))
        if position { writer.integer("position", Int64(e.position)) }
        if e.recordedMicros != e.originalMicros {
            writer.string("recordedTime", RFC3339.format(microsecondsSinceEpoch: e.recordedMicros))
        }
        if binary { writer.string("contentType", "binary") }
        return try writer.finish(body)
    }

    /// The members of `encode`'s line, for a command that adds its own (`rewind trace`): the
    /// line read back, so the shape is spelled once (`encode`). The writer's text is JSON that
    /// the parser reads back to the printer's value (a test and the `json` fuzz target check it).
    public static func object(_ e: EventView, position: Bool = true) -> JSONObject {
        let line = encode(e, position: position)
        guard case .object(let members)? = try? JSONValue.parse(line) else { return JSONObject() }
        return members
    }
}
