import ArgumentParser
import EventLog
import SafeText


struct TailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail", abstract: "Show the newest events; --follow keeps watching for new ones.",
        discussion: "Follow mode polls the log every 20 ms, so a new event shows within 100 ms of its append, across segment rolls; a database every 250 ms (its high-water mark: see docs/SOURCES.md). Stop it with Ctrl-C.")

    @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: ArgumentHelp("For a database URL: the rewind.toml whose [source] describes the table (default: the state directory's).", valueName: "file")) var config: String?
    @Option(name: [.customShort("n"), .long], help: "How many of the newest events to show first.") var lines: Int = 10
    @Flag(name: [.short, .long], help: "Keep running and print events as they are appended.") var follow = false
    @Flag(name: .long, help: "Print JSON Lines.") var json = false

    func run() throws {
        try runReporting {
            let eventLog = try StoreOpener.openReadOnly(log, database, config: config)
            defer { eventLog.close() }
            var printer = EventPrinter(json: json)
            let head = eventLog.head
            var next = head >= UInt64(max(lines, 0)) ? head - UInt64(max(lines, 0)) + 1 : 1
            try eventLog.readAll(from: next) { printer.print($0); return true }
            next = head + 1
            Output.standard.flush()
            guard follow else { return }
            var said: String?
            while true {
                let newHead = try eventLog.waitForEvents(after: next - 1, timeout: 1.0)
                // A database's events held back behind a gap that may still fill: said once per gap.
                if let notice = eventLog.notice, notice != said { Console.note(SafeText.escape(notice)) }
                said = eventLog.notice
                guard newHead >= next else { continue }
                try eventLog.readAll(from: next) { e in
                    printer.print(e)
                    next = e.position + 1
                    return e.position < newHead
                }
                Output.standard.flush()
            }
        }
    }
}
