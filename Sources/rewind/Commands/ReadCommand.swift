import ArgumentParser
import EventLog
import SafeText

struct ReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read", abstract: "Read one stream, or the whole log from a position.",
        discussion: """
            With a stream: its events from version --from (default 1), or backward from --from with --backward.
            Without: every event in global order from position --from. --json prints JSON Lines in the
            import shape plus "position". --redact hides the fields named under [redact] in rewind.toml;
            --upcast shows data upgraded by its [upcasters] (see docs/CONFIG.md).
            """)

    @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The stream to read; omit it to read the whole log.") var stream: String?
    @Option(name: .long, help: "First version (with a stream) or global position (without).") var from: UInt64?
    @Option(name: .long, help: "At most this many events.") var limit: Int?
    @Flag(name: .long, help: "Read the stream newest first.") var backward = false
    @Flag(name: .long, help: "Print JSON Lines.") var json = false
    @OptionGroup var rewrite: RewriteOptions

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
        if backward && stream == nil { throw ValidationError("--backward needs a stream") }
    }

    func run() throws {
        try runReporting {
            let eventLog = try StoreOpener.openReadOnly(log, database, config: rewrite.config)
            defer { eventLog.close() }
            let rewriter = try rewrite.rewriter(forLog: StoreOpener.root(log, stateDirectory: database.stateDir))
            var printer = EventPrinter(json: json, rewriter: rewriter)
            if let stream {
                guard eventLog.streamInfo(stream) != nil else {
                    throw CLIError("no stream named '\(SafeText.escape(stream))' in \(StoreOpener.shown(log)); 'rewind streams \(StoreOpener.shown(log))' lists them")
                }
                let start = from ?? (backward ? .max : 1)
                try eventLog.readStream(stream, from: start, direction: backward ? .backward : .forward, limit: limit ?? .max) {
                    try printer.write($0)
                    return true
                }
            } else {
                try eventLog.readAll(from: from ?? 1, limit: limit ?? .max) {
                    try printer.write($0)
                    return true
                }
            }
        }
    }
}
