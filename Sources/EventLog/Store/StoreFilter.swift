/// A condition on events that a store may check where the events live (a database's WHERE
/// clause) before handing them out, so that rows which cannot match never cross the wire.
///
/// Necessary, never sufficient: every event a search would match satisfies the filter, and a
/// store may hand out events that do not (callers keep their own checks: `rewind find` still
/// runs its predicate on what comes back). That is what makes pushing one down safe: a store
/// translates what it can say exactly, and anything it cannot it treats as true.
public indirect enum StoreFilter: Sendable, Equatable {
    /// The event's type is one of these (compared as bytes).
    case typeIn([String])
    /// The event's stream is one of these names, as the store shows them.
    case streamIn([String])
    /// The original time (microseconds since the epoch) is at or after `since` and before `until`.
    case timeBetween(since: Int64?, until: Int64?)
    /// The JSON data holds, at `path` (object keys, from the top), this string.
    case dataStringEquals(path: [String], String)
    /// The JSON data holds, at `path`, this boolean.
    case dataBoolEquals(path: [String], Bool)
    /// jq's `PATH OP number` may hold for the value at `path` of the JSON data, with jq's order
    /// of kinds (null < false < true < numbers < strings < arrays < objects) and numbers as doubles.
    case dataCompare(path: [String], StoreFilterComparison, Double)
    case all([StoreFilter])
    case any([StoreFilter])
}

/// The comparisons `StoreFilter.dataCompare` knows: jq's `==`, `<`, `<=`, `>`, `>=`.
public enum StoreFilterComparison: String, Sendable, Equatable {
    case equal = "=="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

/// A store that can narrow a whole-store read by a `StoreFilter` where the events live.
///
/// Why a separate protocol: the file log has nothing to gain (its reader already skips on the
/// stored bytes, in process); a database does, since every row it does not send is one less to
/// read, send and decode.
public protocol FilteringEventStore: EventStore {
    /// `readAll` (same order, bounds and stop rules), visiting only events that may satisfy
    /// `filter`: every event that satisfies it, and possibly others.
    func readAll(
        from position: UInt64, limit: Int, filter: StoreFilter, streams: (String) -> Bool, _ visit: (EventView) throws -> Bool
    ) throws
}
