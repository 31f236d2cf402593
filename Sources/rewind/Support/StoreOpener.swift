import EventLog

/// Opens what a command's `LOG` argument names: a Rewind log directory, or a database URL.
///
/// Why one place: every read command takes the same argument, and the rules (read-only, where
/// derived data goes, how the location is shown without a password) must be the same for all.
enum StoreOpener {
    /// True when `log` is a database URL rather than a directory.
    static func isURL(_ log: String) -> Bool {
        let lower = log.lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
    }

    /// Opens `log` for reading only. Close it when done.
    /// - Parameter stateDirectory: for a URL, where derived data goes (`--state-dir`).
    static func openReadOnly(_ log: String, stateDirectory: String? = nil) throws -> any EventStore {
        if isURL(log) {
            throw CLIError("this build of rewind reads only log directories; PostgreSQL URLs are not supported yet")
        }
        return try EventLog.openReadOnly(at: log)
    }

    /// Where `rewind.toml` and derived data of `log` live: the log directory itself, or for a
    /// URL the state directory (`--state-dir`, else the default for the URL).
    static func root(_ log: String, stateDirectory: String?) -> String {
        guard isURL(log) else { return log }
        return stateDirectory ?? log
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
