import ArgumentParser
import Dispatch
import EventLog
import Platform
import Replay
import SafeText

import JSON

/// `rewind project run|status|rebuild|state|diff|compare|step`: the projections (read models) of `rewind.toml`.
struct ProjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project", abstract: "Run, inspect and rebuild projections (read models); show them at any position, what changed, compare definitions, step.",
        discussion: """
            Projections are defined in rewind.toml ([projections.NAME]: from, partition, init, on).
            Each keeps LOG/projections/NAME.json: its checkpoint (the last position dealt with) and
            the state that covers exactly the events up to it, written together atomically, so a
            crash or restart never applies an event twice or skips one. See docs/PROJECTIONS.md.
            """,
        subcommands: [Run.self, Status.self, Rebuild.self, State.self, Diff.self, Compare.self, Step.self])

    /// Options shared by `run` and `rebuild`.
    struct RunOptions: ParsableArguments {
        @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Projections to run (default: every projection in the configuration).") var names: [String] = []
        @Option(name: .long, help: "The rewind.toml to use (default: LOG/rewind.toml).") var config: String?
        @Flag(name: [.short, .long], help: "Keep running and apply new events as they are appended, until Ctrl-C.") var follow = false
        @Option(name: .customLong("save-every"), help: "Save a projection at least every N events of progress.") var saveEvery: Int = 100_000
        @Option(name: .customLong("save-interval"), help: "…and at least every MS milliseconds while it has unsaved progress.") var saveInterval: Int = 1000

        func validate() throws {
            guard saveEvery >= 1 else { throw ValidationError("--save-every needs a whole number ≥ 1") }
            guard saveInterval >= 0 else { throw ValidationError("--save-interval needs a number of milliseconds ≥ 0") }
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: "Apply projections from their checkpoints up to the head; --follow keeps going.",
            discussion: """
                Without --follow it stops at the head it saw when it started. A projection whose saved
                state was built by another definition (a handler changed) is stale: it is refused
                unless --rebuild-stale; the others run. A handler error faults its projection at that
                event (saved, with the event named); the others keep running. Exit status 1 when a
                projection faulted or was refused.
                """)

        @OptionGroup var options: RunOptions
        @Flag(name: .customLong("rebuild-stale"), help: "Rebuild stale projections from the start instead of refusing them.") var rebuildStale = false

        func run() throws {
            try runReporting { try ProjectionSession(options: options, rebuildAll: false, rebuildStale: rebuildStale).execute() }
        }
    }

    struct Rebuild: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rebuild", abstract: "Rebuild projections from the first event (all, or those named).",
            discussion: "The old file stays until the first save of the new state replaces it atomically; an interrupted rebuild can simply be run again.")

        @OptionGroup var options: RunOptions

        func run() throws {
            try runReporting { try ProjectionSession(options: options, rebuildAll: true, rebuildStale: true).execute() }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Show each projection's checkpoint, lag and state of health.",
            discussion: """
                Statuses: never run, running (a runner holds the projections now), interrupted (its
                runner was killed; it resumes from its checkpoint), stopped, faulted, stale (another
                definition built it; rebuild it), orphan (a file with no definition), unreadable.
                """)

        @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Only these projections.") var names: [String] = []
        @Option(name: .long, help: "The rewind.toml to use (default: LOG/rewind.toml).") var config: String?
        @Flag(name: .long, help: "Print a JSON array, one object per projection.") var json = false

        func run() throws {
            try runReporting {
                let rewindConfig = try RewindConfig.load(forLog: StoreOpener.root(log, stateDirectory: database.stateDir), configPath: config)
                try ProjectionNames.check(names, in: rewindConfig, log: StoreOpener.root(log, stateDirectory: database.stateDir))
                let eventLog = try StoreOpener.openReadOnly(log, database, config: config)
                defer { eventLog.close() }
                let rows = ProjectionOverview.all(log: eventLog, projections: rewindConfig.projections, upcasters: rewindConfig.upcasters, names: names)
                if json {
                    Output.standard.line(bytes: JSONValue.array(rows.map(\.json)).serializedBytes())
                    return
                }
                if rows.isEmpty {
                    Console.note("no projections: define one in \(rewindConfig.path ?? RewindConfig.defaultPath(forLog: StoreOpener.root(log, stateDirectory: database.stateDir))) ([projections.NAME] with from and on; see docs/PROJECTIONS.md)")
                    return
                }
                for line in Self.table(rows, log: log) { Output.standard.line(line) }
            }
        }

        /// The human table, then a line for each fault or problem.
        static func table(_ rows: [ProjectionOverview], log: String) -> [String] {
            let nameWidth = min(32, max(10, rows.map { $0.name.shownWidth }.max() ?? 10)) + 2
            var lines = ["NAME".columnPadded(nameWidth) + "STATUS".columnPadded(13) + "CHECKPOINT".columnPadded(13) + "HEAD".columnPadded(13)
                + "LAG".columnPadded(11) + "APPLIED".columnPadded(13) + "PARTITIONS".columnPadded(12) + "SAVED"]
            for r in rows {
                lines.append(SafeText.preview(r.name, columns: nameWidth - 2).columnPadded(nameWidth) + r.state.rawValue.columnPadded(13)
                    + LagFormat.count(r.checkpoint).columnPadded(13) + LagFormat.count(r.head).columnPadded(13)
                    + LagFormat.count(r.lagEvents).columnPadded(11) + LagFormat.count(r.applied).columnPadded(13)
                    + (r.partitions.map { $0 > 0 ? LagFormat.count(UInt64($0)) : "–" } ?? "–").columnPadded(12)
                    + (r.updatedAtMicros.map { RFC3339.format(microsecondsSinceEpoch: $0, fractionDigits: 0) } ?? "–"))
            }
            for r in rows {
                let name = SafeText.escape(r.name)
                if let f = r.fault, r.state == .faulted { lines.append("  \(name): faulted: \(SafeText.escape(f.description))") }
                if let p = r.problem {
                    let fix = r.state == .stale ? " (rewind project rebuild \(StoreOpener.shown(log)) \(name))" : ""
                    lines.append("  \(name): \(SafeText.escape(p))\(fix)")
                }
            }
            return lines
        }
    }
}

/// Checks projection names given on the command line, and sets up the time travel over one.
enum ProjectionNames {
    /// - Parameter log: where rewind.toml is looked for (a URL's state directory, never the URL: it may hold a password).
    static func check(_ names: [String], in config: RewindConfig, log: String) throws {
        let known = config.projections.map(\.name)
        let unknown = names.filter { !known.contains($0) }
        guard !unknown.isEmpty else { return }
        let file = config.path ?? RewindConfig.defaultPath(forLog: log)
        let list = unknown.map { "'\(SafeText.escape($0))'" }.joined(separator: ", ")
        if known.isEmpty {
            throw CLIError("no projection named \(list): \(file) defines no projections; add a [projections.NAME] table (see docs/PROJECTIONS.md)")
        }
        throw CLIError("no projection named \(list) in \(file); the projections are: \(known.joined(separator: ", "))")
    }

    /// The definition of the projection `name`, for the commands that look at one (state,
    /// diff, step): the name must exist, and `--key` applies only to a partitioned projection.
    static func definition(_ name: String, in config: RewindConfig, log: String, key: String?) throws -> ProjectionDefinition {
        try check([name], in: config, log: log)
        guard let definition = config.projections.first(where: { $0.name == name }) else {
            throw CLIError("no projection named '\(SafeText.escape(name))'")
        }
        if key != nil && definition.partition == nil {
            throw CLIError("projection \(SafeText.escape(name)) has no partition, so --key does not apply; run it without --key")
        }
        return definition
    }

    /// The time travel `project state`, `diff` and `step` fold with: from the saved state unless
    /// `fromStart`, and with the derived states in LOG/cache/project-state/NAME/ unless `noCache`.
    /// The caller prints the cache's notes when it is done (`printNotes`).
    static func timeline(
        _ log: any EventStore, _ definition: ProjectionDefinition, _ configuration: RewindConfig, fromStart: Bool, noCache: Bool
    ) throws -> (ProjectionTimeline, ProjectionCheckpointFiles?) {
        let files = noCache ? nil : ProjectionCheckpointFiles(logPath: log.path, projection: definition.name)
        let timeline = try ProjectionTimeline(
            log: log, definition: definition, upcasters: configuration.upcasters, limits: configuration.limits,
            options: .init(useSaved: !fromStart), files: files)
        return (timeline, files)
    }

    /// What the cache files had to say (a damaged file rebuilt, a directory that could not be made).
    static func printNotes(_ files: ProjectionCheckpointFiles?) {
        for note in files?.takeNotes() ?? [] { Console.note(note) }
    }
}

/// One `project run` or `project rebuild`: starts a runner, shows its progress, stops it on
/// Ctrl-C, and reports how each projection ended.
struct ProjectionSession {
    var options: ProjectCommand.RunOptions
    var rebuildAll: Bool
    var rebuildStale: Bool

    func execute() throws {
        let config = try RewindConfig.load(forLog: StoreOpener.root(options.log, stateDirectory: options.database.stateDir), configPath: options.config)
        try ProjectionNames.check(options.names, in: config, log: StoreOpener.root(options.log, stateDirectory: options.database.stateDir))
        guard !config.projections.isEmpty else {
            throw CLIError("\(config.path ?? RewindConfig.defaultPath(forLog: StoreOpener.root(options.log, stateDirectory: options.database.stateDir))) defines no projections; add a [projections.NAME] table with from and on (see docs/PROJECTIONS.md)")
        }
        let eventLog = try StoreOpener.openReadOnly(options.log, options.database, config: options.config)
        defer { eventLog.close() }
        let chosen = options.names.isEmpty ? config.projections.map(\.name) : options.names
        let runnerOptions = ProjectionRunner.Options(
            follow: options.follow, saveEveryEvents: options.saveEvery, saveEveryMillis: options.saveInterval,
            rebuild: rebuildAll ? Set(chosen) : [], rebuildStale: rebuildStale,
            command: rebuildAll ? "rewind project rebuild" : "rewind project run")
        let runner = try ProjectionRunner(log: eventLog, config: config, names: options.names, options: runnerOptions)
        // Stop between events, and stop a handler that is running now (it may never return by
        // itself within its budget): Ctrl-C and SIGTERM end the run within a tick.
        let interrupt = SignalCatcher(signals: [.interrupt, .terminate]) {
            runner.stop()
            JQWatchdog.shared.haltAll()
        }
        defer { interrupt.cancel() }
        try runner.start()
        var display = LiveStatus(enabled: options.follow || Console.drawsLiveLines, live: options.follow)
        while !runner.wait(timeout: 0.25) {
            display.update(runner.progress())
        }
        display.update(runner.progress())  // the final frame
        if let failure = runner.wait() { throw failure }
        try report(runner.progress(), store: runner.store, interrupted: interrupt.fired)
    }

    /// One line per projection on stderr; an error for each that faulted or was refused.
    private func report(_ progress: [ProjectionProgress], store: ProjectionStore, interrupted: Bool) throws {
        var problems: [String] = []
        for p in progress {
            let name = SafeText.escape(p.name)
            switch p.status {
            case .faulted:
                let fault = p.fault.map { SafeText.escape($0.description) } ?? "unknown fault"
                problems.append("projection \(name) faulted at checkpoint \(LagFormat.count(p.checkpoint)): \(fault)\n"
                    + "fix the handler in rewind.toml, then rebuild it: rewind project rebuild \(StoreOpener.shown(options.log)) \(name)")
            case .stale:
                problems.append("projection \(name) was not run: \(SafeText.escape((p.message ?? "stale").replacingLOG(with: StoreOpener.shown(options.log))))\n"
                    + "(or run it with --rebuild-stale)")
            case .failed:
                problems.append("projection \(name): \(SafeText.escape(p.message ?? "the runner failed"))")
            default:
                var line = "\(name): checkpoint \(LagFormat.count(p.checkpoint)) of \(LagFormat.count(p.head))"
                line += p.lagEvents == 0 ? " (caught up)" : " (\(LagFormat.count(p.lagEvents)) behind)"
                line += ", \(LagFormat.count(p.applied)) \(p.applied == 1 ? "event" : "events") applied in all"
                if p.partitions > 0 { line += ", \(LagFormat.count(UInt64(p.partitions))) partition\(p.partitions == 1 ? "" : "s")" }
                if let note = p.message { line += "; \(SafeText.escape(note))" }
                Console.note(line + "; saved in \(store.path(of: p.name))")
            }
        }
        if interrupted { Console.note("stopped by a signal; checkpoints and states are saved") }
        guard problems.isEmpty else { throw CLIError(problems.joined(separator: "\n")) }
    }
}

/// The live lines of `project run`: one per projection, redrawn in place on a terminal; on
/// anything else (with --follow) a line whenever a projection's status changes.
struct LiveStatus {
    let enabled: Bool
    let terminal: Bool
    let live: Bool
    private var drawnLines = 0
    private var lastStatus: [String: ProjectionProgress.Status] = [:]
    private var tracker = LagTracker(settings: .init(stallAfter: 10, rateWindow: 5, minimumRateSpan: 0.5))

    init(enabled: Bool, live: Bool) {
        self.enabled = enabled
        self.terminal = Console.drawsLiveLines
        self.live = live
    }

    mutating func update(_ progress: [ProjectionProgress]) {
        guard enabled else { return }
        let head = progress.map(\.head).max() ?? 0
        let observations = progress.map {
            LagObservation(name: $0.name, kind: .projection, position: $0.checkpoint, updatedAtMicros: $0.lastMovedMicros, fault: $0.fault)
        }
        let lags = tracker.record(observations, head: head, now: WallClock.nowMicros()) { _ in nil }
        guard terminal else {
            for p in progress where lastStatus[p.name] != p.status && live {
                lastStatus[p.name] = p.status
                Console.note("\(SafeText.escape(p.name)): \(p.status.rawValue) at \(LagFormat.count(p.checkpoint)) of \(LagFormat.count(p.head))")
            }
            return
        }
        let width = Console.standardErrorColumns ?? 100
        var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
        for (p, lag) in zip(progress, lags) {
            var line = SafeText.preview(p.name, columns: 20).columnPadded(21) + p.status.rawValue.columnPadded(12)
            line += "\(LagFormat.count(p.checkpoint))/\(LagFormat.count(p.head))".columnPadded(24)
            line += "lag \(LagFormat.count(p.lagEvents))".columnPadded(16)
            line += LagFormat.rate(lag.rate).columnPadded(10) + "eta " + LagFormat.duration(lag.etaSeconds)
            if p.partitions > 0 { line += "  \(LagFormat.count(UInt64(p.partitions))) partitions" }
            if let f = p.fault { line += "  " + SafeText.escape(f.description) }
            text += "\r\u{1B}[2K" + DisplayWidth.prefix(line, fitting: max(10, width - 1)).text + "\n"
        }
        drawnLines = progress.count
        Console.writeStandardError(text)
    }
}

extension String {
    /// Messages from the library say "LOG" where the log's path goes.
    func replacingLOG(with log: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: " LOG ") {
            out += rest[..<r.lowerBound] + " " + log + " "
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
