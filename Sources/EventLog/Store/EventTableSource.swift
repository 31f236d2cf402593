/// A hand-made events table in a database, and which of its columns hold each field: what
/// `[source]` in rewind.toml and the `--source KEY=VALUE` flags describe.
///
/// Why here: the config parser (Replay) reads it and the database store (PostgresStore) maps
/// it to SQL; both import EventLog, so one type serves both and nothing copies one into the
/// other. It holds names only: each column is checked against the database's catalog on open.
public struct EventTableSource: Sendable, Equatable {
    public var schema: String?
    public var table: String
    public var position: String
    public var stream: String
    public var version: String
    public var type: String
    public var data: String
    public var metadata: String?
    public var time: String?
    public var id: String?

    public init(
        schema: String? = nil, table: String, position: String = "position", stream: String = "stream", version: String = "version",
        type: String = "type", data: String = "data", metadata: String? = nil, time: String? = nil, id: String? = nil
    ) {
        self.schema = schema
        self.table = table
        self.position = position
        self.stream = stream
        self.version = version
        self.type = type
        self.data = data
        self.metadata = metadata
        self.time = time
        self.id = id
    }

    /// Every key `[source]` and `--source` accept, in the order documentation lists them.
    public static let keys = ["table", "schema", "position", "stream", "version", "type", "data", "metadata", "time", "id"]

    /// Builds the source from `key → column name` (keys left out take their defaults).
    /// - Throws: a `Problem` naming the first unknown key, bad name, or the missing table.
    public init(values: [String: String]) throws(Problem) {
        for key in values.keys.sorted() where !Self.keys.contains(key) {
            throw Problem(key: key, kind: .unknownKey)
        }
        for key in Self.keys {
            guard let name = values[key] else { continue }
            // PostgreSQL's NAMEDATALEN is 64: a longer name would be cut and match another column.
            guard !name.isEmpty, name.utf8.count <= 63, !name.utf8.contains(0) else {
                throw Problem(key: key, kind: .invalidName(name))
            }
        }
        guard let table = values["table"] else { throw Problem(key: "table", kind: .missingTable) }
        self.init(
            schema: values["schema"], table: table, position: values["position"] ?? "position", stream: values["stream"] ?? "stream",
            version: values["version"] ?? "version", type: values["type"] ?? "type", data: values["data"] ?? "data",
            metadata: values["metadata"], time: values["time"], id: values["id"])
    }

    /// The description as `key → column name`, every key present (the inverse of `init(values:)`).
    public var values: [String: String] {
        var v = ["table": table, "position": position, "stream": stream, "version": version, "type": type, "data": data]
        v["schema"] = schema
        v["metadata"] = metadata
        v["time"] = time
        v["id"] = id
        return v
    }

    /// Why a description of a table was refused; callers word it for where it came from.
    public struct Problem: Error, Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case unknownKey
            /// Empty, longer than 63 bytes, or holding a NUL.
            case invalidName(String)
            case missingTable
        }
        public var key: String
        public var kind: Kind
    }
}
