import ArgumentParser
import EventLog
import SafeText

/// `--state-dir` and `--source KEY=VALUE`: what a command that reads `LOG` needs to know when
/// `LOG` is a database URL, shared by all of them so they are spelled and checked alike.
///
/// `--source` describes a hand-made events table without a rewind.toml: each flag is one key
/// of `[source]` (docs/SOURCES.md). Flags override the `[source]` of the rewind.toml in use
/// (`--config`, else the state directory's) key by key, so a file can hold the table and a flag
/// can point at another schema.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("state-dir"),
        help: ArgumentHelp("For a database URL: where derived data goes (default: ~/.local/state/rewind/HOST-PORT-DB-SCHEMA).", valueName: "dir"))
    var stateDir: String?

    @Option(
        name: .customLong("source"),
        help: ArgumentHelp(
            "For a database URL: read a hand-made events table, one KEY=VALUE per flag (repeat it): table=NAME (required), schema=, and the columns position=, stream=, version=, type=, data=, metadata=, time=, id=. Overrides [source] in rewind.toml key by key; see docs/SOURCES.md.",
            valueName: "key=value"))
    var source: [String] = []

    func validate() throws {
        _ = try pairs()
    }

    /// The flags as `key → column`, or a usage error naming the flag that is not `KEY=VALUE`,
    /// names an unknown key, or repeats one.
    func pairs() throws -> [String: String] {
        var values: [String: String] = [:]
        for flag in source {
            guard let eq = flag.firstIndex(of: "=") else {
                throw ValidationError("--source '\(SafeText.escape(flag))' is not KEY=VALUE; write e.g. --source table=app_events --source position=n")
            }
            let key = String(flag[..<eq]).trimmingCharacters(in: .whitespaces)
            let value = String(flag[flag.index(after: eq)...])
            guard EventTableSource.keys.contains(key) else {
                throw ValidationError("--source: unknown key '\(SafeText.escape(key))'; the keys are \(EventTableSource.keys.joined(separator: ", "))")
            }
            guard values[key] == nil else {
                throw ValidationError("--source \(key)= is given twice; give each key once")
            }
            values[key] = value
        }
        return values
    }

    /// The table to read: `configured` (`[source]` of the rewind.toml in use) with the flags
    /// laid over it, or nil when neither names one (Marten or Message DB is detected).
    func table(over configured: EventTableSource?) throws -> EventTableSource? {
        let flags = try pairs()
        if flags.isEmpty { return configured }
        var values = configured?.values ?? [:]
        for (key, value) in flags { values[key] = value }
        do {
            return try EventTableSource(values: values)
        } catch {
            switch error.kind {
            case .missingTable:
                throw CLIError("--source names no table; add --source table=NAME (or a [source] section with table = \"NAME\" in rewind.toml)")
            case .invalidName(let name):
                throw CLIError("--source \(error.key)='\(SafeText.escape(name))' is not a PostgreSQL name (1 to 63 bytes); write the column's name as the table has it")
            case .unknownKey:
                throw CLIError("--source: unknown key '\(SafeText.escape(error.key))'; the keys are \(EventTableSource.keys.joined(separator: ", "))")
            }
        }
    }
}
