import ArgumentParser
import EventLog
import Replay
import SafeText

import JSON
import Platform
import PostgresStore

/// `rewind lag`: how far each projection and external consumer is behind the head.
struct LagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lag", abstract: "Show how far each projection and external consumer is behind the head.",
        discussion: """
            Consumers: the projections of rewind.toml (from LOG/projections/NAME.json) and external
            programs that write LOG/checkpoints/NAME.json as {"position": P, "updatedAt": "<RFC 3339>"}.
            Lag in events is head − position; lag in seconds is the recorded time of the head event
            minus that of the checkpoint's event (0 when caught up). Rate (events/s over the last
            10 s) and ETA need two samples: they show with --watch, and are null in a single look.
            Status: ok (caught up), catching-up, stalled (behind and not moving for --stalled-after
            seconds), faulted (stopped at a poison event), unknown (unreadable or stale checkpoint).
            --json prints an array of {name, kind, position, head, lagEvents, lagSeconds, rate,
            status, eta, updatedAt, fault, problem, note}; with --watch, one array per line.
            """)

    @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
    @OptionGroup var database: DatabaseOptions
    @Flag(name: [.short, .long], help: "Refresh every second until Ctrl-C.") var watch = false
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Option(name: .long, help: "The rewind.toml to use (default: LOG/rewind.toml).") var config: String?
    @Option(name: .customLong("stalled-after"), help: "Seconds without progress, while behind, before a consumer counts as stalled.") var stalledAfter: Double = 10
    @Option(name: .long, help: "Seconds between samples with --watch.") var interval: Double = 1

    func validate() throws {
        guard stalledAfter > 0, stalledAfter.isFinite else { throw ValidationError("--stalled-after needs a number of seconds > 0") }
        guard interval >= 0.05, interval.isFinite else { throw ValidationError("--interval needs a number of seconds ≥ 0.05") }
    }

    func run() throws {
        try runReporting {
            let rewindConfig = try RewindConfig.load(forLog: StoreOpener.root(log, stateDirectory: database.stateDir), configPath: config)
            let eventLog = try StoreOpener.openReadOnly(log, database, config: config)
            defer { eventLog.close() }
            let monitor = LagMonitor(log: eventLog, config: rewindConfig, settings: .init(stallAfter: stalledAfter, rateWindow: max(10, interval * 3)))
            guard watch else {
                print(try monitor.sample(), frame: 0)
                if let notice = eventLog.notice, !json { Console.note(SafeText.escape(notice)) }
                return
            }
            let interrupt = SignalCatcher(signals: [.interrupt, .terminate]) {}
            defer { interrupt.cancel() }
            var frame = 0
            while !interrupt.fired {
                let lags: [ConsumerLag]
                do {
                    lags = try monitor.sample()
                } catch let error as PostgresStoreError where error.kind == .connectionLost {
                    lags = try monitor.sample()  // reconnects once: see docs/SOURCES.md, "A dropped connection"
                }
                print(lags, frame: frame)
                if let notice = eventLog.notice, !json { Output.standard.line(SafeText.escape(notice)); Output.standard.flush() }
                frame += 1
                var slept = 0.0
                while slept < interval && !interrupt.fired {
                    Sleep.milliseconds(50)
                    slept += 0.05
                }
            }
            if Output.isTerminal && !json { Console.writeStandardError("\n") }
        }
    }

    private func print(_ lags: [ConsumerLag], frame: Int) {
        if json {
            Output.standard.line(bytes: JSONValue.array(lags.map(\.json)).serializedBytes())
            Output.standard.flush()
            return
        }
        if watch && Output.isTerminal {
            Output.standard.write(Array("\u{1B}[H\u{1B}[2J".utf8))  // home and clear: redraw in place
            Output.standard.line("rewind lag \(SafeText.escape(StoreOpener.shown(log))) — \(RFC3339.format(microsecondsSinceEpoch: WallClock.nowMicros(), fractionDigits: 0)) — Ctrl-C to stop")
        } else if watch && frame > 0 {
            Output.standard.line("")
        }
        if lags.isEmpty {
            if frame == 0 || watch {
                Output.standard.flush()
                Console.note("no consumers: define projections in rewind.toml, or have programs write \(ExternalCheckpoints.directory(logPath: StoreOpener.root(log, stateDirectory: database.stateDir)))/NAME.json")
            }
            return
        }
        for line in Self.table(lags, log: log) { Output.standard.line(line) }
        Output.standard.flush()
    }

    /// The human table, then a line for each fault, problem or note.
    static func table(_ lags: [ConsumerLag], log: String) -> [String] {
        let nameWidth = min(32, max(8, lags.map { $0.name.shownWidth }.max() ?? 8)) + 2
        var lines = ["CONSUMER".columnPadded(nameWidth) + "KIND".columnPadded(11) + "POSITION".columnPadded(13) + "HEAD".columnPadded(13)
            + "LAG".columnPadded(11) + "LAG TIME".columnPadded(10) + "RATE".columnPadded(10) + "ETA".columnPadded(8) + "STATUS"]
        for l in lags {
            lines.append(SafeText.preview(l.name, columns: nameWidth - 2).columnPadded(nameWidth) + l.kind.rawValue.columnPadded(11)
                + LagFormat.count(l.position).columnPadded(13) + LagFormat.count(l.head).columnPadded(13)
                + LagFormat.count(l.lagEvents).columnPadded(11) + LagFormat.duration(l.lagSeconds).columnPadded(10)
                + LagFormat.rate(l.rate).columnPadded(10) + LagFormat.duration(l.etaSeconds).columnPadded(8) + l.status.rawValue)
        }
        for l in lags {
            let name = SafeText.escape(l.name)
            if let f = l.fault { lines.append("  \(name): faulted: \(SafeText.escape(f.description))") }
            if let p = l.problem { lines.append("  \(name): \(SafeText.escape(p.replacingLOG(with: StoreOpener.shown(log))))") }
            if let n = l.note, l.status != .ok { lines.append("  \(name): \(SafeText.escape(n))") }
        }
        return lines
    }
}
