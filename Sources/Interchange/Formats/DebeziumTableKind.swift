import JSON

/// What a table captured by Debezium holds, which decides what its changes become.
enum DebeziumTableKind: Sendable, Equatable {
    /// The outbox event router's table: each insert is an event of `aggregatetype-aggregateid`.
    case outbox
    /// A table of events (a stream column): each insert is an event; updates and deletes are not.
    case events
    /// Any other table: every change of a row is an event of the row's stream `TABLE-KEY`.
    case rows

    /// The kind a row's columns say. `--key-columns` makes any table a table of rows;
    /// `--stream-from` makes a table without a stream column a table of events (as before
    /// rows' histories existed).
    init(row: JSONObject, options: ImportOptions) {
        if !options.keyColumns.isEmpty {
            self = .rows
        } else if (row["aggregatetype"] ?? row["aggregate_type"]) != nil && (row["aggregateid"] ?? row["aggregate_id"]) != nil {
            self = .outbox
        } else if options.stream != nil || DebeziumSource.columns.stream.contains(where: { row[$0] != nil }) {
            self = .events
        } else {
            self = .rows
        }
    }
}

/// The kind of each table an input has shown with a whole row (an insert, a snapshot read or
/// an update's `after`). A delete's `before` may hold only the primary key (Postgres'
/// `REPLICA IDENTITY DEFAULT`), which would make an outbox table look like a table of rows;
/// the table's earlier rows decide instead.
struct DebeziumTables {
    private var kinds: [String: DebeziumTableKind] = [:]

    /// The kind `row` says, remembered for `table`.
    mutating func kind(of table: String, row: JSONObject, options: ImportOptions) -> DebeziumTableKind {
        let kind = DebeziumTableKind(row: row, options: options)
        if kinds[table] == nil || kind != .rows { kinds[table] = kind }
        return kind
    }

    /// The kind seen for `table` so far, if any.
    func known(_ table: String) -> DebeziumTableKind? { kinds[table] }
}
