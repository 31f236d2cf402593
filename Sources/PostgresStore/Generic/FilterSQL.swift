import EventLog
import PostgresNIO

/// A `StoreFilter` as a WHERE condition on a mapped table, every value a bound parameter.
///
/// The filter is a necessary condition (`StoreFilter`'s contract), so every translation here
/// may let more rows through than the filter says, never fewer: what SQL cannot say as jq would
/// (a comparison jq makes across kinds, a number a double cannot hold) becomes true for that row.
/// Conditions name the table's columns through `TableMapping` (identifiers from the catalog).
struct FilterSQL {
    let mapping: TableMapping
    /// The stored stream and tenant of a stream name, or nil when the store has no such stream.
    let key: (String) -> StoreCatalog.Key?
    /// The statement's parameters: the caller's first, then the filter's.
    var binds: PostgresBindings

    /// The condition for `filter`, appending its parameters to `binds`.
    mutating func condition(_ filter: StoreFilter) -> String {
        switch filter {
        case .typeIn(let types):
            return "(\(mapping.type))::text = ANY(\(bind(types))::text[])"
        case .streamIn(let names):
            let keys = names.compactMap(key)
            guard !keys.isEmpty else { return "false" }
            let streams = bind(keys.map(\.stream))
            var c = "\(mapping.streamColumn) = ANY(\(streams)::text[]::\(mapping.streamType)[])"
            if let tenant = mapping.tenantColumn {
                let tenants = bind(keys.map { $0.tenant ?? "" })
                c += " AND (\(mapping.streamColumn)::text, coalesce(\(tenant)::text, '')) IN (SELECT * FROM unnest(\(streams)::text[], \(tenants)::text[]))"
            }
            return "(\(c))"
        case .timeBetween(let since, let until):
            // As `RowDecoder.micros` reads it: NULL and ±infinity are 0.
            guard let time = mapping.time else { return "true" }
            let micros = "coalesce(CASE WHEN isfinite(\(time)) THEN (extract(epoch from \(time)) * 1000000)::int8 END, 0)"
            var parts: [String] = []
            if let since { parts.append("\(micros) >= \(bind(since))::int8") }
            if let until { parts.append("\(micros) < \(bind(until))::int8") }
            return parts.isEmpty ? "true" : "(" + parts.joined(separator: " AND ") + ")"
        case .dataStringEquals(let path, let text):
            guard let data = mapping.jsonbData else { return "true" }
            // Containment of {k1: {k2: "text"}}: true whenever the value at the path is that
            // string (strings compare as bytes); it also admits an array holding it at the top.
            return "(\(data) @> \(nested(path, leaf: "to_jsonb(\(bind(text))::text)")))"
        case .dataBoolEquals(let path, let value):
            guard let data = mapping.jsonbData else { return "true" }
            return "(\(data) @> \(nested(path, leaf: "to_jsonb(\(bind(value))::bool)")))"
        case .dataCompare(let path, let op, let number):
            guard let data = mapping.jsonbData else { return "true" }
            return compare(value(data, path), op, number)
        case .all(let parts):
            return parts.isEmpty ? "true" : "(" + parts.map { condition($0) }.joined(separator: " AND ") + ")"
        case .any(let parts):
            return parts.isEmpty ? "false" : "(" + parts.map { condition($0) }.joined(separator: " OR ") + ")"
        }
    }

    /// jq's `VALUE OP number`, by the kind of the value: numbers compare as doubles (those a
    /// double cannot hold, or only as 0, let the row through); null, booleans and a missing key
    /// sort before every number, strings, arrays and objects after.
    private mutating func compare(_ v: String, _ op: StoreFilterComparison, _ number: Double) -> String {
        let before = op == .less || op == .lessOrEqual  // what null/false/true/missing answer
        let after = op == .greater || op == .greaterOrEqual  // what strings/arrays/objects answer
        let n = "(\(v))::numeric"
        return """
            (CASE jsonb_typeof(\(v)) \
            WHEN 'number' THEN (CASE WHEN abs(\(n)) < 1e300 AND (\(n) = 0 OR abs(\(n)) > 1e-300) \
            THEN (\(v))::float8 \(op == .equal ? "=" : op.rawValue) \(bind(number))::float8 ELSE true END) \
            WHEN 'string' THEN \(after) WHEN 'array' THEN \(after) WHEN 'object' THEN \(after) \
            ELSE \(before) END)
            """
    }

    /// `data -> $k1 -> $k2 …` (`->` with a text key: NULL on anything but an object).
    private mutating func value(_ data: String, _ path: [String]) -> String {
        var v = data
        for key in path { v = "(\(v) -> \(bind(key))::text)" }
        return v
    }

    /// `jsonb_build_object($k1, jsonb_build_object($k2, LEAF))`, or LEAF for an empty path.
    private mutating func nested(_ path: [String], leaf: String) -> String {
        var keys: [String] = []
        for key in path { keys.append(bind(key)) }
        var v = leaf
        for k in keys.reversed() { v = "jsonb_build_object(\(k)::text, \(v))" }
        return v
    }

    private mutating func bind<T: PostgresNonThrowingEncodable & Sendable>(_ value: T) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }
}
