import ArgumentParser
import EventLog
import Interchange
import Platform
import Replay
import SafeText

/// `rewind find`: the events a jq predicate holds for, in global order, printed as found.
struct FindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find", abstract: "Search events by content with a jq predicate.",
        discussion: """
            Prints every event for which PREDICATE is truthy (not false or null; with several outputs, any one), in global order, as soon as it is found. \
            '.' is the event: {stream, version, position, type, data, metadata, id, time, schemaVersion}. Examples: `.data.amountCents > 100000`, `.metadata.correlationId == "req-1"`, `.type == "AccountOpened"`. \
            An event on which the predicate fails (a runtime error) is not a match; failures are counted on stderr. \
            --since is inclusive, --until exclusive (the events' own time). Events are skipped before jq runs by stream, type, time \
            and literals the predicate needs (see docs/SEARCH.md). Exit 0 when something matched, 6 when nothing did, 64 for a predicate jq refuses.
            """)

    @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: ArgumentHelp("For a database URL: the rewind.toml whose [source] describes the table (default: the state directory's).", valueName: "file")) var config: String?
    @Argument(help: "A jq expression; '.' is the event.") var predicate: String
    @Option(name: .long, help: "Only streams matching this glob (account-*, order-1?).") var stream: String?
    @Option(name: .long, help: "Only events of this type (repeat for several).") var type: [String] = []
    @Option(name: .long, help: "Only events at or after this instant: RFC 3339, or a date and time in UTC.") var since: String?
    @Option(name: .long, help: "Only events before this instant.") var until: String?
    @Option(name: .long, help: "Stop after this many matches.") var limit: Int?
    @Flag(name: .long, help: "Print JSON Lines (the shape of read --json).") var json = false
    /// Runs jq on every event (tests compare the prefilter against jq alone).
    @Flag(name: .long, help: .hidden) var noPrefilter = false

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() throws {
        try runReporting {
            let options = FindOptions(
                streamGlob: stream, types: type, sinceMicros: try instant(since, "--since"),
                untilMicros: try instant(until, "--until"), limit: limit ?? .max, prefilter: !noPrefilter)
            let finder: EventFinder
            do {
                finder = try EventFinder(predicate: predicate, options: options)
            } catch let error as JQError {
                Console.error("the predicate does not compile: \(error.message)")
                throw ExitCode(ExitStatus.usage)
            }
            let eventLog = try StoreOpener.openReadOnly(log, database, config: config)
            defer { eventLog.close() }
            let head = eventLog.head
            let bar = ProgressBar(label: "find", unit: " events")
            let stdoutIsTerminal = Output.isTerminal
            var printer = EventPrinter(json: json)
            var lastFlush = MonotonicClock.nanoseconds
            var matches = 0
            let summary = try finder.run(eventLog, progress: { position in
                bar.relabel("find: \(matches) match\(matches == 1 ? "" : "es")")
                bar.update(Int(clamping: position), of: Int(clamping: head))
                Output.standard.flush()
                lastFlush = MonotonicClock.nanoseconds
                return !Output.standard.failed
            }) { view in
                matches += 1
                if stdoutIsTerminal { bar.finish() }
                printer.print(view)
                // As found: a terminal at once, a pipe within 20 ms (a write per line would
                // cost more than the search when most events match).
                let now = MonotonicClock.nanoseconds
                if stdoutIsTerminal || now - lastFlush >= 20_000_000 {
                    Output.standard.flush()
                    lastFlush = now
                }
                return !Output.standard.failed
            }
            bar.finish()
            Output.standard.flush()
            if summary.errors > 0 {
                Console.note("the predicate failed on \(summary.errors) event\(summary.errors == 1 ? "" : "s") (not counted as matches); the first: \(summary.firstError ?? "")")
            }
            if Console.drawsLiveLines {
                Console.note("\(summary.matches) match\(summary.matches == 1 ? "" : "es") in \(summary.scanned) events")
            }
            if summary.matches == 0 { throw ExitCode(ExitStatus.noMatch) }
        }
    }

    private func instant(_ text: String?, _ option: String) throws -> Int64? {
        guard let text else { return nil }
        guard let micros = RFC3339.parse(text) ?? RFC3339.parseFlexible(text) else {
            throw CLIError("\(option) '\(SafeText.escape(text))' is not a time; use RFC 3339 (2026-01-15T10:00:00Z) or a UTC date and time such as '2026-01-15 10:00'")
        }
        return micros
    }
}
