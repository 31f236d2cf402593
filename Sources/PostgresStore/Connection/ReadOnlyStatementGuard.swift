/// Refuses, before they reach the server, statements that would change a read-only session's
/// transaction or settings.
///
/// Defence in depth: the server already refuses writes (`default_transaction_read_only`, and every
/// statement runs in a `READ ONLY` transaction that is rolled back, which also undoes any `SET`
/// made inside it). This guard makes the intent explicit and the error clear.
enum ReadOnlyStatementGuard {
    /// Statements that control transactions or session state: never sent on a read-only session.
    static let refused: Set<String> = [
        "begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release", "set", "reset",
        "prepare", "discard", "lock", "listen", "unlisten", "notify", "checkpoint", "vacuum", "analyze",
    ]

    /// The first keyword of `sql` (comments and spaces skipped), lowercased.
    static func firstKeyword(_ sql: String) -> String {
        var chars = Substring(sql)
        while true {
            chars = chars.drop(while: { $0.isWhitespace || $0 == "(" })
            if chars.hasPrefix("--") {
                chars = chars.drop(while: { $0 != "\n" })
            } else if chars.hasPrefix("/*") {
                // Block comments nest in PostgreSQL.
                var depth = 0
                var rest = chars
                while !rest.isEmpty {
                    if rest.hasPrefix("/*") { depth += 1; rest = rest.dropFirst(2); continue }
                    if rest.hasPrefix("*/") { depth -= 1; rest = rest.dropFirst(2); if depth == 0 { break }; continue }
                    rest = rest.dropFirst()
                }
                chars = rest
            } else {
                break
            }
        }
        return String(chars.prefix(while: { $0.isLetter || $0 == "_" })).lowercased()
    }

    /// Throws when `sql` must not run on a read-only session.
    static func check(_ sql: String) throws {
        let keyword = firstKeyword(sql)
        if refused.contains(keyword) {
            throw PostgresStoreError(
                .readOnlyViolation,
                "\(keyword.uppercased()) is not allowed on a read-only session: Rewind runs every statement in its own read-only transaction")
        }
    }
}
