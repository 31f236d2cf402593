import EventLog

/// The streams a database store holds up to its high-water mark, kept in memory so that the
/// summary queries of `EventStore` (`streams()`, `version(of:)`…) answer without I/O.
///
/// Built at open from one grouped query, then extended by `refresh()` with the rows between
/// the old and the new mark (their stream, version, position and time only, never their data).
/// Not thread-safe: its owner guards it.
struct StoreCatalog {
    /// How a stream is found again in the table: the stream column's value (as text) and, for
    /// Marten's conjoined tenancy, the tenant.
    struct Key: Hashable, Sendable {
        var stream: String
        var tenant: String?
    }

    private(set) var infos: [StreamInfo] = []
    private(set) var keys: [Key] = []
    private var byName: [String: Int] = [:]
    /// The name each key is shown as (a whole-table read meets keys, not names).
    private(set) var names: [Key: String] = [:]

    var count: Int { infos.count }

    func index(of name: String) -> Int? { byName[name] }
    func info(_ name: String) -> StreamInfo? { byName[name].map { infos[$0] } }
    func key(_ name: String) -> Key? { byName[name].map { keys[$0] } }

    /// Records an event of `name` at `version` and `position`: a new stream is added at the
    /// end (the order streams first appeared in), a known one moves on. Versions are trusted
    /// to be the store's own (1-based, no gaps); the count follows the highest version seen.
    mutating func note(name: String, key: Key, version: UInt64, position: UInt64, micros: Int64, archived: Bool = false) {
        if let i = byName[name] {
            var info = infos[i]
            if version > info.count { info.count = version }
            if position > info.lastPosition { info.lastPosition = position; info.lastRecordedMicros = micros }
            if archived { info.isArchived = true }
            infos[i] = info
        } else {
            byName[name] = infos.count
            keys.append(key)
            names[key] = name
            infos.append(StreamInfo(
                name: name, category: StreamName.category(of: name), count: version,
                lastPosition: position, lastRecordedMicros: micros, isArchived: archived))
        }
    }

    /// Makes room for `n` more streams (the catalog at open), so the tables grow once.
    mutating func reserve(_ n: Int) {
        infos.reserveCapacity(infos.count + n)
        keys.reserveCapacity(keys.count + n)
        byName.reserveCapacity(byName.count + n)
        names.reserveCapacity(names.count + n)
    }

    /// Adds a whole stream as the catalog query at open found it.
    mutating func add(_ info: StreamInfo, key: Key) {
        if let i = byName[info.name] {
            // Two keys that print the same name (a stream id that spells another tenant's
            // prefix): merged rather than hidden; the first key is the one read.
            infos[i].count = max(infos[i].count, info.count)
            return
        }
        byName[info.name] = infos.count
        keys.append(key)
        names[key] = info.name
        infos.append(info)
    }

    mutating func setArchived(_ name: String) {
        if let i = byName[name] { infos[i].isArchived = true }
    }
}
