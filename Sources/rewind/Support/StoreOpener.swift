import EventLog
import PostgresStore
import Replay

/// Opens what a command's `LOG` argument names: a Rewind log directory, or a database URL.
///
/// Why one place: every read command takes the same argument, and the rules (read-only, where
/// derived data goes, how the location is shown without a password) must be the same for all.
/// For a URL, the table to read comes from `--source` flags laid over `[source]` of the
/// rewind.toml in use (`--config FILE`, else the state directory's); with neither, Marten or
/// Message DB is detected.
enum StoreOpener {
    /// True when `log` is a database URL rather than a directory.
    static func isURL(_ log: String) -> Bool {
        PostgresURL.looksLikeURL(log)
    }

    /// Opens `log` for reading only, with a command's `--state-dir`, `--source` and `--config`. Close it when done.
    /// - Parameter positionsOnly: a file log without its stream index (`EventLog.openReadOnly(at:positionsOnly:)`),
    ///   for commands that read by position only.
    static func openReadOnly(_ log: String, _ database: DatabaseOptions, config: String?, positionsOnly: Bool = false) throws -> any EventStore {
        try openReadOnly(log, stateDirectory: database.stateDir, config: config, flags: database, positionsOnly: positionsOnly)
    }

    /// Opens `log` for reading only. Close it when done.
    /// - Parameters:
    ///   - stateDirectory: for a URL, where derived data goes (`--state-dir`).
    ///   - config: the rewind.toml whose `[source]` applies (nil: the state directory's).
    ///   - flags: `--source` flags, laid over that `[source]`.
    static func openReadOnly(_ log: String, stateDirectory: String? = nil, config: String? = nil, flags: DatabaseOptions? = nil, positionsOnly: Bool = false) throws -> any EventStore {
        let given = flags?.source ?? []
        guard isURL(log) else {
            if !given.isEmpty {
                throw CLIError("--source describes a table of a database; \(log) is a log directory: give a postgresql:// URL, or leave out --source")
            }
            return try EventLog.openReadOnly(at: log, positionsOnly: positionsOnly)
        }
        let root = self.root(log, stateDirectory: stateDirectory)
        let configuration = try RewindConfig.load(forLog: root, configPath: config)
        let table = try flags?.table(over: configuration.source) ?? configuration.source
        let origin = given.isEmpty ? "[source] in \(configuration.path ?? RewindConfig.defaultPath(forLog: root))" : "--source"
        do {
            return try PostgresStoreOpener.open(url: log, stateDirectory: root, source: table, sourceOrigin: origin)
        } catch let error as PostgresStoreError {
            throw CLIError(error.message)
        }
    }

    /// Where `rewind.toml` and derived data of `log` live: the log directory itself, or for a
    /// URL the state directory (`--state-dir`, else the default for the URL).
    static func root(_ log: String, stateDirectory: String?) -> String {
        guard isURL(log) else { return log }
        if let stateDirectory { return stateDirectory }
        guard let url = try? PostgresURL(parsing: log) else { return "." }
        return StateDirectory.default(for: PostgresEndpoint(url: url), schema: url.schema)
    }

    /// `log` as it may be printed: a URL without its password.
    static func shown(_ log: String) -> String {
        guard isURL(log) else { return log }
        return (try? PostgresURL(parsing: log))?.redacted ?? "the database URL given"
    }

    /// Refuses a URL for a command that writes (append, import, snapshot create into the log).
    static func refuseURL(_ log: String, command: String) throws {
        guard isURL(log) else { return }
        throw CLIError("\(command) writes to a Rewind log directory; a database is only ever read (Rewind never writes to it). Give a log directory")
    }

    /// The file log behind `store`, or a clear refusal for a feature that works on files only.
    static func fileLog(_ store: any EventStore, feature: String) throws -> EventLog {
        if let log = store as? EventLog { return log }
        throw CLIError("\(feature) \(store.fileOnlyRefusal ?? "works on a Rewind log directory only")")
    }
}
