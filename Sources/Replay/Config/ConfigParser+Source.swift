import EventLog
import TOMLSupport

/// `[source]`: a hand-made events table in PostgreSQL, and which of its columns hold each
/// field (used when `LOG` is a `postgresql://` URL; see docs/SOURCES.md).
///
///     [source]
///     table = "events"          # required; schema = "app" when not in the URL's ?schema
///     position = "id"           # the global position (integer, ascending)
///     stream = "stream_id"
///     version = "version"       # 1-based within the stream
///     type = "event_type"
///     data = "payload"          # json, jsonb, text or bytea
///     metadata = "meta"         # optional, as data
///     time = "created_at"       # optional, timestamp or timestamptz
///     id = "event_id"           # optional, uuid
///
/// The keys and their checks are `EventTableSource`'s, shared with the `--source` flags.
extension ConfigParser {
    func source(_ value: TOMLNode) throws(ConfigError) -> EventTableSource {
        let path = ["source"]
        let table = try requireTable(value, at: path, fix: "write [source] and under it table = \"events\" and the columns: position, stream, version, type, data")
        var values: [String: String] = [:]
        for (key, member) in table.members {
            guard EventTableSource.keys.contains(key) else {
                throw unknownKey(key, at: path, known: EventTableSource.keys, what: "[source]", knownText: EventTableSource.keys.joined(separator: ", "))
            }
            values[key] = try requireString(member, at: path + [key], fix: "write \(key) = \"column_name\" (a name from the table, quoted)")
        }
        do {
            return try EventTableSource(values: values)
        } catch {
            switch error.kind {
            case .invalidName(let name):
                throw self.error(.invalidValue, path + [error.key], "'\(name)' is not a PostgreSQL name (1 to 63 bytes)", fix: "write the column's name as the table has it")
            case .missingTable:
                throw self.error(.missingKey, path, "[source] names no table", fix: "add table = \"events\" under [source]")
            case .unknownKey:
                throw unknownKey(error.key, at: path, known: EventTableSource.keys, what: "[source]", knownText: EventTableSource.keys.joined(separator: ", "))
            }
        }
    }
}
