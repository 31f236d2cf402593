import ArgumentParser
import EventLog
import SafeText

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write events as JSON Lines (the shape 'rewind import' reads).",
        discussion: """
            Every event in global order, or one stream's events with --stream. Re-importing an export into an empty log gives the same streams, versions, ids, times and data.
            --redact hides the fields named under [redact] in rewind.toml; --upcast writes data upgraded by its [upcasters], with the new schemaVersion. See docs/CONFIG.md.
            """)

    @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: "Export only this stream.") var stream: String?
    @OptionGroup var rewrite: RewriteOptions

    func run() throws {
        try runReporting {
            let eventLog = try StoreOpener.openReadOnly(log, database, config: rewrite.config)
            defer { eventLog.close() }
            let rewriter = try rewrite.rewriter(forLog: StoreOpener.root(log, stateDirectory: database.stateDir))
            var printer = EventPrinter(json: true, rewriter: rewriter)
            if let stream {
                guard eventLog.streamInfo(stream) != nil else {
                    throw CLIError("no stream named '\(SafeText.escape(stream))' in \(StoreOpener.shown(log))")
                }
                try eventLog.readStream(stream) { try printer.write($0); return true }
            } else {
                try eventLog.readAll { try printer.write($0); return true }
            }
        }
    }
}
