import EventLog
import JSON

/// Conversions every format shares: times, payloads, versions and metadata.
enum SourceValues {
    /// An instant in microseconds since the epoch from what sources write for a time:
    /// - RFC 3339 / ISO 8601 text (`2026-01-15T10:00:00.123Z`, with a space instead of `T`, or
    ///   Postgres' `2026-01-15 10:00:00.123456+00`); text without an offset is UTC;
    /// - a number (or a string of digits), read by its size: seconds (below 10^11),
    ///   milliseconds (below 10^14), microseconds (below 10^16), 100-ns ticks since 1970 as
    ///   KurrentDB's gRPC `created` (below 10^17), and .NET `DateTime.Ticks` since year 1 above.
    static func micros(_ value: JSONValue) -> Int64? {
        switch value {
        case .integer(let n): return micros(epochNumber: n)
        case .double(let d):
            guard d.isFinite, abs(d) < 9e18 else { return nil }
            return micros(epochNumber: Int64(d.rounded()))
        case .string(let s):
            if let n = Int64(s) { return micros(epochNumber: n) }
            return micros(text: s)
        default: return nil
        }
    }

    static func micros(epochNumber n: Int64) -> Int64? {
        guard n >= 0 else { return nil }
        switch n {
        case ..<100_000_000_000: return n * 1_000_000
        case ..<100_000_000_000_000: return n * 1000
        case ..<10_000_000_000_000_000: return n
        case ..<100_000_000_000_000_000: return n / 10
        default:
            // .NET ticks: 100 ns since 0001-01-01; the Unix epoch is tick 621,355,968,000,000,000.
            let sinceEpoch = n - 621_355_968_000_000_000
            return sinceEpoch >= 0 ? sinceEpoch / 10 : nil
        }
    }

    static func micros(text: String) -> Int64? {
        if let t = RFC3339.parse(text) { return t }
        // Postgres writes offsets as +00 or +05:30; RFC 3339 wants +00:00.
        var s = text
        let utf8 = Array(s.utf8)
        if utf8.count > 3, utf8[utf8.count - 3] == UInt8(ascii: "+") || utf8[utf8.count - 3] == UInt8(ascii: "-"),
           utf8[utf8.count - 2] &- 48 < 10, utf8[utf8.count - 1] &- 48 < 10 {
            s += ":00"
            if let t = RFC3339.parse(s) { return t }
        }
        return RFC3339.parseFlexible(text)
    }

    /// A version or sequence number from a number or a string of digits.
    static func wholeNumber(_ value: JSONValue) -> Int64? {
        if let n = value.int64Value { return n }
        if let s = value.stringValue { return Int64(s) }
        return nil
    }

    /// The text of a JSON document held in a string, parsed; nil when it is not JSON.
    static func parseEmbedded(_ text: String) -> JSONValue? {
        try? JSONValue.parse(text)
    }

    /// An event's data from a source value. A string holding a JSON object or array is that
    /// document (Debezium sends jsonb columns as text, KurrentDB's Atom feeds send data as text);
    /// any other value is stored as the JSON it is.
    static func jsonData(_ value: JSONValue) -> [UInt8] {
        if case .string(let s) = value, let first = s.utf8.first(where: { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 }),
           first == UInt8(ascii: "{") || first == UInt8(ascii: "["), let parsed = parseEmbedded(s) {
            return parsed.serializedBytes()
        }
        return value.serializedBytes()
    }
}

/// Builds an event's metadata object: the source's own metadata, correlation and causation ids
/// under Rewind's names (`correlationId`, `causationId`), and where the event came from.
struct MetadataBuilder {
    private(set) var object = JSONObject()

    /// KurrentDB's names for the two ids, and other spellings sources use.
    static let correlationNames: Set<String> = ["$correlationId", "correlationId", "correlation_id", "correlation-id", "CorrelationId", "ce_correlationid"]
    static let causationNames: Set<String> = ["$causationId", "causationId", "causation_id", "causation-id", "CausationId", "ce_causationid"]

    /// Adds the members of a metadata object (or of JSON text holding one); the ids under
    /// other names are renamed. Anything that is not an object is kept under `sourceMetadata`.
    mutating func merge(_ value: JSONValue?) {
        guard var value, !value.isNull else { return }
        if case .string(let s) = value {
            if s.isEmpty { return }
            value = SourceValues.parseEmbedded(s) ?? value
        }
        guard case .object(let members) = value else {
            object["sourceMetadata"] = value
            return
        }
        for (key, member) in members {
            if Self.correlationNames.contains(key) {
                set(correlation: member)
            } else if Self.causationNames.contains(key) {
                set(causation: member)
            } else {
                object[key] = member
            }
        }
    }

    mutating func set(correlation value: JSONValue?) {
        if let value, !value.isNull, value != .string("") { object["correlationId"] = value }
    }

    mutating func set(causation value: JSONValue?) {
        if let value, !value.isNull, value != .string("") { object["causationId"] = value }
    }

    mutating func set(_ key: String, _ value: JSONValue) {
        object[key] = value
    }

    /// The metadata bytes, empty when there is nothing (stored as `{}`).
    var bytes: [UInt8] { object.isEmpty ? [] : JSONValue.object(object).serializedBytes() }
}
