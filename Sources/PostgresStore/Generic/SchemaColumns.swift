import PostgresNIO

/// The tables and columns of the schemas a store may live in, read once from
/// `information_schema.columns` to decide which mapping fits.
public struct SchemaColumns: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public var name: String
        /// `udt_name`: `int8`, `uuid`, `jsonb`, `timestamptz`, `varchar`…
        public var type: String
    }

    /// schema → table → columns (in their table order).
    public var tables: [String: [String: [Column]]]

    public init(tables: [String: [String: [Column]]]) {
        self.tables = tables
    }

    /// Reads the columns of every table in `schemas` the session may see.
    public static func read(_ connection: PostgresConnection, schemas: [String]) throws -> SchemaColumns {
        var binds = PostgresBindings()
        binds.append(schemas)
        let sql = """
            SELECT table_schema::text, table_name::text, column_name::text, udt_name::text FROM information_schema.columns \
            WHERE table_schema = ANY($1) ORDER BY table_schema, table_name, ordinal_position
            """
        var tables: [String: [String: [Column]]] = [:]
        for row in try connection.query(PostgresQuery(unsafeSQL: sql, binds: binds)) {
            var it = row.makeIterator()
            guard let s = it.next().flatMap(RowDecoder.text), let t = it.next().flatMap(RowDecoder.text),
                  let c = it.next().flatMap(RowDecoder.text), let u = it.next().flatMap(RowDecoder.text) else { continue }
            tables[s, default: [:]][t, default: []].append(Column(name: c, type: u))
        }
        return SchemaColumns(tables: tables)
    }

    public func columns(_ schema: String, _ table: String) -> [Column]? { tables[schema]?[table] }

    public func column(_ schema: String, _ table: String, _ name: String) -> Column? {
        columns(schema, table)?.first { $0.name == name }
    }

    /// "public: orders, mt_events; message_store: messages", for "none fits" errors.
    public func summary(of schemas: [String]) -> String {
        let parts = schemas.map { s -> String in
            let names = (tables[s] ?? [:]).keys.sorted()
            return "\(s): " + (names.isEmpty ? "no tables" : names.joined(separator: ", "))
        }
        return parts.joined(separator: "; ")
    }
}
