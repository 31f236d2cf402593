import EventLog
import JSON

/// One generated event: everything a line of the generic JSON Lines shape holds.
public struct SampleEvent: Sendable, Equatable {
    public var stream: String
    public var type: String
    public var data: JSONValue
    public var metadata: JSONValue
    public var id: EventID
    /// When it happened in the simulated history (microseconds since the epoch).
    public var timeMicros: Int64
    /// Its version in its stream (from 1, without gaps).
    public var version: UInt64
    public var schemaVersion: UInt32

    public init(stream: String, type: String, data: JSONValue, metadata: JSONValue, id: EventID, timeMicros: Int64, version: UInt64, schemaVersion: UInt32) {
        self.stream = stream
        self.type = type
        self.data = data
        self.metadata = metadata
        self.id = id
        self.timeMicros = timeMicros
        self.version = version
        self.schemaVersion = schemaVersion
    }

    /// The line `rewind import` reads (no newline), keys in the documented order:
    /// stream, type, data, metadata, id, time, version, schemaVersion.
    public var jsonLine: [UInt8] {
        let object: JSONObject = [
            "stream": .string(stream),
            "type": .string(type),
            "data": data,
            "metadata": metadata,
            "id": .string(id.description),
            "time": .string(RFC3339.format(microsecondsSinceEpoch: timeMicros, fractionDigits: 0)),
            "version": .integer(Int64(version)),
            "schemaVersion": .integer(Int64(schemaVersion)),
        ]
        return JSONValue.object(object).serializedBytes()
    }

    /// The event to append. With `keepTime` it carries its simulated time as the original
    /// time (an imported history); without, it happens now (the live writer).
    public func newEvent(keepTime: Bool) -> NewEvent {
        NewEvent(id: id, type: type, data: data.serializedBytes(), metadata: metadata.serializedBytes(),
                 schemaVersion: schemaVersion, originalMicros: keepTime ? timeMicros : nil)
    }

    /// JSON Lines for `events`, one line each, newline-terminated.
    public static func jsonLines(_ events: [SampleEvent]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(events.count * 320)
        for e in events {
            out += e.jsonLine
            out.append(10)
        }
        return out
    }
}
