import PostgresNIO

/// Message DB's `message_store.messages` as a `TableMapping`.
///
/// - position: `global_position` (a bigserial: rolled-back writes leave gaps, handled by
///   `HighWaterMark` like Marten's);
/// - stream: `stream_name`; its category is Message DB's: the part before the first `-`
///   (`account:command-123` → `account:command`), which is Rewind's rule too;
/// - version: `position + 1` (Message DB counts from 0, Rewind from 1) · type: `type` ·
///   data: `data` · metadata: `metadata` · time: `time` (UTC, without zone) · id: `id`.
public enum MessageDBMapping {
    public static let defaultSchema = "message_store"
    static let required = ["global_position", "position", "stream_name", "type", "data", "metadata", "time", "id"]

    /// The mapping for `schema.messages`, or nil when there is no such table.
    public static func make(_ columns: SchemaColumns, schema: String) throws -> TableMapping? {
        guard let messages = columns.columns(schema, "messages") else { return nil }
        let names = Set(messages.map(\.name))
        let missing = required.filter { !names.contains($0) }
        guard missing.isEmpty else {
            throw PostgresStoreError(
                .unsupported,
                "\(schema).messages looks like Message DB's but lacks \(missing.joined(separator: ", ")) (it has \(messages.map(\.name).joined(separator: ", ")))")
        }
        let idIsUUID = messages.first { $0.name == "id" }?.type == "uuid"
        return TableMapping(
            kind: "Message DB", table: try PostgresIdentifier.quoted(schema) + ".messages", position: "global_position",
            streamColumn: "stream_name", streamType: "text", versionColumn: "position", versionOffset: 1,
            type: "type", data: "data::text", metadata: "metadata::text", time: "\"time\"", id: idIsUUID ? "id" : nil,
            jsonbData: messages.first { $0.name == "data" }?.type == "jsonb" ? "data" : nil)
    }
}
