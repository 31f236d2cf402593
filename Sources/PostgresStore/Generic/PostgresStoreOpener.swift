import EventLog
import Foundation
import Platform

/// Opens a database URL as an `EventStore`: connects read-only, looks at what the schema
/// holds and picks the mapping that fits, or says what it found and what is missing.
///
/// Order: a `[source]` table when one is given; else Marten (`mt_events`) in the URL's
/// `?schema` (default `public`); else Message DB (`messages`) in `?schema` (default
/// `message_store`).
public enum PostgresStoreOpener {
    /// Opens `url`. Derived data goes to `stateDirectory`, or to `StateDirectory.default`.
    /// - Parameter sourceOrigin: how errors about `source` name where it came from.
    /// - Throws: `PostgresStoreError` (never with the password).
    public static func open(
        url text: String, stateDirectory: String? = nil, source: EventTableSource? = nil, sourceOrigin: String = "[source]", staleAfterMicros: Int64 = 3_000_000
    ) throws -> SQLEventStore {
        let url = try PostgresURL(parsing: text)
        let connection = try PostgresConnection(url: url, mode: .readOnly)
        do {
            let endpoint = connection.endpoint
            let mapping: TableMapping
            var consumers: (@Sendable (PostgresConnection) throws -> [StoreConsumer])?
            if let source {
                let schema = source.schema ?? url.schema ?? "public"
                mapping = try source.mapping(try SchemaColumns.read(connection, schemas: [schema]), defaultSchema: schema, origin: sourceOrigin)
            } else {
                let martenSchema = url.schema ?? "public"
                let messageSchema = url.schema ?? MessageDBMapping.defaultSchema
                let schemas = Array(Set([martenSchema, messageSchema])).sorted()
                let columns = try SchemaColumns.read(connection, schemas: schemas)
                if let marten = try MartenMapping.make(columns, schema: martenSchema) {
                    mapping = marten
                    consumers = try MartenMapping.consumers(columns, schema: martenSchema)
                } else if let messages = try MessageDBMapping.make(columns, schema: messageSchema) {
                    mapping = messages
                } else {
                    throw PostgresStoreError(
                        .unsupported,
                        "\(endpoint.redacted) holds no event store Rewind knows: no \(martenSchema).mt_events (Marten) and no "
                            + "\(messageSchema).messages (Message DB). Found \(columns.summary(of: schemas)). "
                            + "Point ?schema= at the right schema, or describe your table with --source table=NAME … or a [source] section of rewind.toml (docs/SOURCES.md)")
                }
            }
            let state = stateDirectory ?? StateDirectory.default(for: endpoint, schema: source?.schema ?? url.schema)
            // Derived data only; a directory that cannot be made fails the writes that need it, with their own message.
            try? FileSystem.makeDirectory(state)
            return try SQLEventStore(
                connection: connection, mapping: mapping, location: endpoint.redacted, stateDirectory: state,
                staleAfterMicros: staleAfterMicros, consumers: consumers)
        } catch {
            connection.close()
            throw error
        }
    }
}
