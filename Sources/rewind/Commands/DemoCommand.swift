import ArgumentParser
import Dashboard
import Demo
import EventLog
import Replay
import SafeText
import TerminalUI
import Platform


/// `rewind demo`: a sample log with a live writer and projections at different speeds.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run a live demo: a sample log, a writer and projections at different speeds.",
        discussion: """
            Makes a fresh log from a sample (\(DemoSession.samples.joined(separator: ", "))) in a temporary directory, \
            with its rewind.toml, then appends events at --rate per second (each durable) while the sample's \
            projections run: one keeps up, one lags and catches up in bursts, one stalls, and one faults on a \
            poison event the writer slips in; an external consumer writes LOG/checkpoints/NAME.json. Watch it \
            from another terminal with 'rewind lag LOG --watch' (the path is printed first).

            The dashboard opens on it (press ? for the keys, q to quit); --headless prints the status and a \
            lag table every second instead. Quitting, Ctrl-C, SIGTERM or --seconds stops everything and \
            removes the directory unless --keep.
            """)

    @Argument(help: "The sample: \(DemoSession.samples.joined(separator: ", ")).") var sample: String = "bank"
    @Option(name: .long, help: "Events the writer appends per second.") var rate: Double = 20
    @Option(name: .long, help: "Events of history before the writer starts (default: the sample's size).") var events: Int?
    @Flag(name: .long, help: "Keep the log directory after the demo.") var keep = false
    @Flag(name: .long, help: "No dashboard: print the status and a lag table every second.") var headless = false
    @Option(name: .long, help: "Stop after this many seconds (default: run until Ctrl-C).") var seconds: Double?
    @Option(name: .long, help: "Also copy the demo into Marten's tables of this PostgreSQL database (postgresql://user:pass@host/db?schema=NAME): created when absent, never dropped; then 'rewind open URL'.") var postgres: String?
    @Option(name: .customLong("state-dir"), help: ArgumentHelp("With --postgres: where the sample's rewind.toml goes for 'rewind open URL' (default: the state directory every command uses for that URL; a rewind.toml already there is kept).", valueName: "dir")) var stateDir: String?
    @Option(name: .long, help: "The dashboard's theme: dark, light, high-contrast, monochrome, or a theme file.") var theme: String?

    func validate() throws {
        guard rate > 0, rate <= 5_000, rate.isFinite else { throw ValidationError("--rate needs a number of events per second between 0 and 5000") }
        if let seconds { guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds needs a number of seconds > 0") } }
        if let events { guard events >= 0 else { throw ValidationError("--events needs a whole number ≥ 0") } }
        if !headless {
            do { _ = try ThemeLoader.resolve(theme) } catch { throw ValidationError("\(error)") }
        }
        if stateDir != nil && postgres == nil {
            throw ValidationError("--state-dir goes with --postgres (the demo's own log keeps its rewind.toml inside it)")
        }
        guard DemoSession.samples.contains(sample) else {
            throw ValidationError("there is no sample named '\(sample)'; choose one of \(DemoSession.samples.joined(separator: ", "))")
        }
    }

    func run() throws {
        try runReporting { try execute() }
    }

    private func execute() throws {
        var options = DemoSession.Options(sample: sample, rate: rate, keep: keep)
        options.initialEvents = events
        options.postgres = postgres
        options.postgresStateDirectory = stateDir
        // Ctrl-C, SIGTERM and a closed terminal stop the demo and clean up; so does a reader of
        // its output going away (SIGPIPE ignored: the write fails, and the view notices).
        let interrupt = SignalCatcher(signals: [.interrupt, .terminate, .hangup]) {}
        ProcessSignal.pipe.ignore()
        defer {
            interrupt.cancel()
            ProcessSignal.pipe.restoreDefault()
        }
        let session: DemoSession
        do { session = try DemoSession(options: options) } catch let error as DemoError { throw CLIError(error.message) }
        try session.start()
        let deadline: Int64? = seconds.map { WallClock.nowMicros() + Int64($0 * 1e6) }
        let stopRequested: () -> Bool = {
            if interrupt.fired || Output.standard.failed { return true }
            guard let deadline else { return false }
            return WallClock.nowMicros() >= deadline
        }
        let show = Self.view(headless: headless, theme: theme)
        let shown = Result { try show(session, stopRequested) }
        session.stop()
        Output.standard.flush()
        if keep {
            Console.note("stopped; the log is kept at \(session.logPath) (try 'rewind lag \(session.logPath)' or 'rewind streams \(session.logPath)')")
        } else {
            Console.note("stopped; removed \(session.directory)")
        }
        try shown.get()
    }

    /// What shows a running demo until it is told to stop (or the user quits): the dashboard,
    /// or with --headless a lag table every second.
    static func view(headless: Bool, theme: String?) -> DemoView {
        if headless { return HeadlessDemo.show }
        return { session, stopRequested in
            try Dashboard.open(log: session.logPath, config: session.configPath, theme: theme, writable: false, mouse: true,
                               commandName: "rewind demo", whileOpen: { !stopRequested() })
        }
    }
}

/// Shows a running demo until `stopRequested()` is true; returns then (the caller stops the
/// session). Headless today; the dashboard will be another one.
typealias DemoView = (_ session: DemoSession, _ stopRequested: () -> Bool) throws -> Void

/// `rewind demo --headless`: the session's status, then a lag table every second.
enum HeadlessDemo {
    static func show(_ session: DemoSession, until stopRequested: () -> Bool) throws {
        for line in session.status { Output.standard.line(SafeText.escape(line)) }
        Output.standard.line("watch it from another terminal: rewind lag \(SafeText.escape(session.logPath)) --watch")
        Output.standard.flush()
        var frame = 0
        while !stopRequested() {
            var slept = 0.0
            while slept < 1 && !stopRequested() {
                Sleep.milliseconds(50)
                slept += 0.05
            }
            let lags = try session.sampleLag()
            frame += 1
            let header = "— \(RFC3339.format(microsecondsSinceEpoch: WallClock.nowMicros(), fractionDigits: 0)) · \(session.appendedEvents) events appended"
            if Output.isTerminal {
                Output.standard.write(Array("\u{1B}[H\u{1B}[2J".utf8))  // home and clear: redraw in place
                for line in session.status { Output.standard.line(SafeText.escape(line)) }
            } else {
                Output.standard.line("")
            }
            Output.standard.line(header)
            for line in LagCommand.table(lags, log: session.logPath) { Output.standard.line(SafeText.escape(line)) }
            Output.standard.flush()
        }
    }
}
