import Platform

/// libpq's password file (`~/.pgpass`, or `PGPASSFILE`): `host:port:database:user:password` lines.
///
/// The rules are libpq's: the first matching line wins; `*` in any of the first four fields
/// matches anything; `\:` and `\\` escape a colon and a backslash (in the password too); lines
/// starting with `#` are comments; a file that is not a regular file, or that its group or the
/// world may read or write, is ignored (libpq warns the same way; the warning is returned here
/// for the caller to show).
public struct PGPassFile: Sendable {
    /// One line, fields unescaped.
    struct Entry: Sendable {
        var host: String
        var port: String
        var database: String
        var user: String
        var password: String
    }

    var entries: [Entry]

    /// Parses the text of a password file (no permission check: see ``load(path:)``).
    public init(text: String) {
        entries = []
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = Self.split(String(line))
            guard fields.count >= 5 else { continue }
            // libpq reads the password as the rest of the line: extra colons must be escaped,
            // and an unescaped one ends the field, so a sixth field is ignored.
            entries.append(Entry(host: fields[0], port: fields[1], database: fields[2], user: fields[3], password: fields[4]))
        }
    }

    /// Splits on unescaped `:` and removes the `\` escapes.
    static func split(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for ch in line {
            if escaped {
                current.append(ch)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == ":" {
                fields.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        fields.append(current)
        return fields
    }

    /// The password of the first line that matches, or nil.
    public func password(host: String, port: Int, database: String, user: String) -> String? {
        let portText = String(port)
        for e in entries {
            if (e.host == "*" || e.host == host) && (e.port == "*" || e.port == portText)
                && (e.database == "*" || e.database == database) && (e.user == "*" || e.user == user)
            {
                return e.password.isEmpty ? nil : e.password
            }
        }
        return nil
    }

    /// What reading the file came to: the file, or why it was skipped.
    public enum LoadResult: Sendable {
        case loaded(PGPassFile)
        /// No such file: nothing to say.
        case absent
        /// Ignored, with libpq's kind of warning (permissions, not a regular file, unreadable).
        case ignored(warning: String)
    }

    /// Reads `path` with libpq's checks: a regular file with no group or world permissions.
    public static func load(path: String) -> LoadResult {
        guard let status = try? FileSystem.status(path) else { return .absent }
        guard status.isRegularFile else {
            return .ignored(warning: "password file \"\(path)\" is \(status.kind), not a regular file; ignored")
        }
        if status.permissions & 0o077 != 0 {
            return .ignored(
                warning: "password file \"\(path)\" has group or world access; permissions should be u=rw (0600) or less; ignored")
        }
        guard let bytes = try? FileSystem.readFile(path) else {
            return .ignored(warning: "password file \"\(path)\" cannot be read; ignored")
        }
        return .loaded(PGPassFile(text: String(decoding: bytes, as: UTF8.self)))
    }
}
