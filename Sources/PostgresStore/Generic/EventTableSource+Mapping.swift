import EventLog

/// How a hand-made events table (`[source]` in rewind.toml, or `--source` flags) becomes SQL:
/// each named column is checked against the database's catalog before anything is read.
extension EventTableSource {
    static let integerTypes: Set<String> = ["int2", "int4", "int8", "numeric"]
    static let textTypes: Set<String> = ["text", "varchar", "bpchar", "name", "uuid", "citext"]
    static let dataTypes: Set<String> = ["json", "jsonb", "text", "varchar", "bytea"]
    static let timeTypes: Set<String> = ["timestamptz", "timestamp"]

    /// The mapping, or an error naming the first column that is missing or of the wrong type
    /// (and the columns the table has).
    /// - Parameter origin: how errors name where the description came from (`[source]`, `--source`).
    public func mapping(_ columns: SchemaColumns, defaultSchema: String, origin: String = "[source]") throws -> TableMapping {
        let schema = self.schema ?? defaultSchema
        guard let have = columns.columns(schema, table) else {
            throw PostgresStoreError(
                .unsupported,
                "\(origin) names table \(schema).\(table), which does not exist (or this user cannot see it); tables found: \(columns.summary(of: [schema]))")
        }
        func column(_ key: String, _ name: String, _ allowed: Set<String>) throws -> (sql: String, type: String) {
            guard let c = have.first(where: { $0.name == name }) else {
                throw PostgresStoreError(
                    .unsupported,
                    "\(origin) \(key) = \"\(name)\": \(schema).\(table) has no such column (it has \(have.map(\.name).joined(separator: ", ")))")
            }
            guard allowed.contains(c.type) else {
                throw PostgresStoreError(
                    .unsupported,
                    "\(origin) \(key) = \"\(name)\": the column is of type \(c.type); use a column of type \(allowed.sorted().joined(separator: ", "))")
            }
            return (try PostgresIdentifier.quoted(name), c.type)
        }
        let position = try column("position", self.position, Self.integerTypes)
        let stream = try column("stream", self.stream, Self.textTypes)
        let version = try column("version", self.version, Self.integerTypes)
        let type = try column("type", self.type, Self.textTypes)
        let data = try column("data", self.data, Self.dataTypes)
        let metadata = try self.metadata.map { try column("metadata", $0, Self.dataTypes) }
        let time = try self.time.map { try column("time", $0, Self.timeTypes) }
        let id = try self.id.map { try column("id", $0, ["uuid"]) }
        func bytes(_ c: (sql: String, type: String)) -> String { c.type == "bytea" ? c.sql : "\(c.sql)::text" }
        return TableMapping(
            kind: "table \(schema).\(table)", table: try PostgresIdentifier.quoted(schema) + "." + PostgresIdentifier.quoted(table),
            position: position.sql, streamColumn: stream.sql, streamType: stream.type == "uuid" ? "uuid" : "text",
            versionColumn: version.sql, type: type.sql, data: bytes(data), metadata: metadata.map(bytes),
            time: time?.sql, id: id?.sql)
    }
}
