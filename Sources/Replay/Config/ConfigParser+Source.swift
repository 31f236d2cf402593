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
extension ConfigParser {
    static let sourceKeys = ["schema", "table", "position", "stream", "version", "type", "data", "metadata", "time", "id"]

    func source(_ value: TOMLNode) throws(ConfigError) -> SourceDefinition {
        let path = ["source"]
        let table = try requireTable(value, at: path, fix: "write [source] and under it table = \"events\" and the columns: position, stream, version, type, data")
        var values: [String: String] = [:]
        for (key, member) in table.members {
            guard Self.sourceKeys.contains(key) else {
                throw unknownKey(key, at: path, known: Self.sourceKeys, what: "[source]", knownText: Self.sourceKeys.joined(separator: ", "))
            }
            let name = try requireString(member, at: path + [key], fix: "write \(key) = \"column_name\" (a name from the table, quoted)")
            guard !name.isEmpty, name.utf8.count <= 63, !name.utf8.contains(0) else {
                throw error(.invalidValue, path + [key], "'\(name)' is not a PostgreSQL name (1 to 63 bytes)", fix: "write the column's name as the table has it")
            }
            values[key] = name
        }
        guard let tableName = values["table"] else {
            throw error(.missingKey, path, "[source] names no table", fix: "add table = \"events\" under [source]")
        }
        return SourceDefinition(
            schema: values["schema"], table: tableName, position: values["position"] ?? "position", stream: values["stream"] ?? "stream",
            version: values["version"] ?? "version", type: values["type"] ?? "type", data: values["data"] ?? "data",
            metadata: values["metadata"], time: values["time"], id: values["id"])
    }
}

/// `[source]` as read: the table and its columns (checked against the database on open).
public struct SourceDefinition: Sendable, Equatable {
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
}
