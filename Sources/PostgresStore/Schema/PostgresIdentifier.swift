/// Quoting of SQL identifiers (schema and table names that come from a URL or a config file).
public enum PostgresIdentifier {
    /// `name` as a double-quoted identifier (`"` doubled), or an error for a name PostgreSQL
    /// cannot hold (empty, a NUL, longer than 63 bytes: the server would truncate it silently).
    public static func quoted(_ name: String) throws -> String {
        guard !name.isEmpty, !name.utf8.contains(0), name.utf8.count <= 63 else {
            throw PostgresStoreError(.invalidURL, "\(PostgresURL.printable(name)) is not a usable PostgreSQL name (1 to 63 bytes, no NUL)")
        }
        return "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
