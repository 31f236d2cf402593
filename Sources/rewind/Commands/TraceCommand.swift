import ArgumentParser
import EventLog
import Replay
import SafeText

/// `rewind trace`: an event's causation tree and its correlation, across streams.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace", abstract: "Show an event's causation tree and every event sharing its correlation id.",
        discussion: """
            EVENT is an event id or @P for the event at global position P. The tree runs from the root \
            (followed up through causationId, the causing event's id) down through every descendant, \
            indented, the chosen event marked '>'; a causationId no event has is shown as a missing \
            parent. Below it: every event with the same correlationId, in global order, whatever its \
            stream. With --correlation ID, only that list. --json prints JSON Lines in the shape of \
            'read --json' plus "part" ("tree" or "correlation"), and "depth" and "parent" for tree \
            members. The index behind it is derived (index/*.trc) and rebuilt when missing or damaged.
            """)

    @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: ArgumentHelp("For a database URL: the rewind.toml whose [source] describes the table (default: the state directory's).", valueName: "file")) var config: String?
    @Argument(help: ArgumentHelp("An event id, or @P for the event at global position P.", valueName: "event")) var event: String?
    @Option(name: .long, help: ArgumentHelp("Show every event with this correlation id.", valueName: "id")) var correlation: String?
    @Flag(name: .long, help: "Print JSON Lines.") var json = false

    /// What EVENT names.
    enum Target: Equatable {
        case position(UInt64)
        case id(EventID)
    }

    static func target(_ text: String) throws -> Target {
        if text.hasPrefix("@") {
            guard let p = UInt64(text.dropFirst()), p >= 1 else {
                throw ValidationError("'\(SafeText.escape(text))' is not a position: write @P with P a whole number from 1, like @42")
            }
            return .position(p)
        }
        guard let id = EventID(text) else {
            throw ValidationError("'\(SafeText.escape(text))' is neither an event id (a UUID) nor @P (a global position)")
        }
        return .id(id)
    }

    func validate() throws {
        switch (event, correlation) {
        case (nil, nil): throw ValidationError("give an EVENT (an id or @P) or --correlation ID")
        case (.some, .some): throw ValidationError("give an EVENT or --correlation, not both")
        case (let e?, nil): _ = try Self.target(e)
        case (nil, let c?):
            guard !c.isEmpty, c.utf8.count <= TraceKeys.maxBytes else {
                throw ValidationError("--correlation must be 1 to \(TraceKeys.maxBytes) bytes")
            }
        }
    }

    func run() throws {
        try runReporting(jsonErrors: json) {
            // A trace reads a handful of events by position: the stream index is not loaded.
            let eventLog = try StoreOpener.openReadOnly(log, database, config: config, positionsOnly: true)
            defer { eventLog.close() }
            let index = try TraceIndex(log: eventLog)
            for note in index.takeNotes() { Console.note(note) }
            let trace: Trace
            if let correlation {
                trace = try index.trace(correlation: correlation)
                guard !trace.correlated.isEmpty else {
                    throw CLIError("no event in \(StoreOpener.shown(log)) has correlation id '\(SafeText.escape(correlation))'")
                }
            } else {
                let position: UInt64
                switch try Self.target(event ?? "") {
                case .position(let p):
                    guard p <= eventLog.head else {
                        throw CLIError("no event at position \(p) in \(StoreOpener.shown(log)): its positions run 1…\(eventLog.head)")
                    }
                    position = p
                case .id(let id):
                    guard let p = try index.position(ofEventID: id) else {
                        throw CLIError("no event with id \(id) in \(StoreOpener.shown(log))")
                    }
                    position = p
                }
                guard let found = try index.trace(of: position) else {
                    throw CLIError("no event at position \(position) in \(StoreOpener.shown(log))")
                }
                trace = found
            }
            var printer = TracePrinter(log: eventLog, json: json)
            try printer.print(trace)
            if trace.truncated {
                Console.note("the trace stops at \(TraceIndex.defaultLimit) events a part; the log has more")
            }
        }
    }
}
