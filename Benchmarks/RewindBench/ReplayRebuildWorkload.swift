import EventLog
import Foundation
import Replay
import JSON

/// Side by side in one run: rebuilding one 10,000-event aggregate with the Python
/// eventsourcing library (its `rebuild` workload: Application.repository.get, with and without
/// snapshots) and with Rewind: the real `rewind state` command (a process per rebuild, like a
/// user runs it) and the in-process replay (`StreamTimeline`).
///
/// The events mirror the peer's: `AccountOpened`, then MoneyDeposited with
/// amountCents = 1000 + (v × 37) mod 9000 for versions 2…N. The log is made by `rewind import`
/// and folded by the jq aggregate below; snapshots every 100 events, as the peer's
/// `snapshotting_intervals = {Account: 100}`.
enum RebuildWorkload {
    static let stream = "account-1"
    static let toml = """
        [aggregates.account]
        streams = "account-*"
        init = '{owner: null, balanceCents: 0}'
        [aggregates.account.on]
        AccountOpened = '.owner = $e.data.owner'
        MoneyDeposited = '.balanceCents += $e.data.amountCents'

        [snapshots]
        every = 100
        """

    static var definition: AggregateDefinition {
        AggregateDefinition(name: "account", streams: "account-*", initExpression: "{owner: null, balanceCents: 0}", handlers: [
            "AccountOpened": ".owner = $e.data.owner", "MoneyDeposited": ".balanceCents += $e.data.amountCents",
        ])
    }

    static func run(_ c: BenchConfig, _ ws: Workspace, _ o: ReplayOptions) throws -> WorkloadResult {
        var r = WorkloadResult(name: "rebuild", title: "rebuild one \(Format.count(o.rebuildEvents))-event aggregate")
        let n = o.rebuildEvents
        var expected: Int64 = 0
        for v in 2...n { expected += Int64(1000 + (v * 37) % 9000) }
        let tail = (n / 100) * 100 - 100 + 50
        var expectedTail: Int64 = 0
        for v in 2...tail { expectedTail += Int64(1000 + (v * 37) % 9000) }

        let dir = ws.path("rebuild")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { ws.discard(dir) }
        let log = dir + "/log"
        let rewind = rewindExecutable()
        var notes: [String] = []

        // The log: made by `rewind import` when the executable is there, else in process.
        var lines = "{\"stream\":\"\(stream)\",\"type\":\"AccountOpened\",\"data\":{\"owner\":\"bench\"}}\n"
        for v in 2...n { lines += "{\"stream\":\"\(stream)\",\"type\":\"MoneyDeposited\",\"data\":{\"amountCents\":\(1000 + (v * 37) % 9000)}}\n" }
        let jsonl = dir + "/events.jsonl"
        try lines.write(toFile: jsonl, atomically: true, encoding: .utf8)
        if let rewind {
            let made = try runProcess(rewind, ["init", log])
            let imported = try runProcess(rewind, ["import", log, jsonl])
            guard made.status == 0, imported.status == 0 else { throw BenchError("rewind init/import failed: \(made.stderr)\(imported.stderr)") }
        } else {
            try EventLog.create(at: log)
            let writer = try EventLog.openWriter(at: log, options: .init(durability: .noSync, command: "rewind-bench"))
            var events = [NewEvent(type: "AccountOpened", data: Array("{\"owner\":\"bench\"}".utf8))]
            for v in 2...n { events.append(NewEvent(type: "MoneyDeposited", data: Array("{\"amountCents\":\(1000 + (v * 37) % 9000)}".utf8))) }
            try writer.append(to: stream, events)
            writer.close()
            notes.append("the rewind executable was not found next to rewind-bench (build it: swift build -c release --product rewind), so the CLI was not timed")
        }
        try toml.write(toFile: log + "/rewind.toml", atomically: true, encoding: .utf8)

        // In process: compile once, then replay from scratch (what `rewind state` does inside).
        let opened = try EventLog.openReadOnly(at: log)
        defer { opened.close() }
        let config = RewindConfig(aggregates: [definition])
        var compile: [Double] = [], replay: [Double] = []
        for i in 0...o.rebuildRuns {
            let t0 = monotonicNanos()
            let timeline = try StreamTimeline(log: opened, stream: stream, config: config)
            let t1 = monotonicNanos()
            let (_, state) = try timeline.rebuild()
            let t2 = monotonicNanos()
            guard state["balanceCents"]?.int64Value == expected else { throw BenchError("rebuild: in-process state is wrong: \(state)") }
            if i > 0 {  // the first is a warm-up
                compile.append(Double(t1 - t0) / 1e6)
                replay.append(Double(t2 - t1) / 1e6)
            }
        }
        r.set("inprocess_replay_ms", "in process: replay of all events (compiled aggregate), median", Stats.median(replay), .millis)
        r.set("inprocess_compile_ms", "in process: compiling the aggregate (init + 2 handlers), median", Stats.median(compile), .millis)
        r.set("inprocess_events_per_s", "in process: replay events/s", Stats.median(replay).map { Double(n) / ($0 / 1000) }, .eventsPerSecond)

        // The CLI, one process per rebuild.
        if let rewind {
            func timed(_ arguments: [String], expect: Int64) throws -> [Double] {
                var out: [Double] = []
                for i in 0...o.rebuildRuns {
                    let t0 = monotonicNanos()
                    let result = try runProcess(rewind, arguments)
                    let ms = Double(monotonicNanos() - t0) / 1e6
                    guard result.status == 0, let state = try? JSONValue.parse(result.stdout), state["balanceCents"]?.int64Value == expect else {
                        throw BenchError("rewind \(arguments.joined(separator: " ")) failed: \(result.stderr) \(result.stdout.prefix(200))")
                    }
                    if i > 0 { out.append(ms) }
                }
                return out
            }
            let plain = try timed(["state", log, stream, "--json"], expect: expected)
            let t0 = monotonicNanos()
            let created = try runProcess(rewind, ["snapshot", "create", log, stream])
            let createMs = Double(monotonicNanos() - t0) / 1e6
            guard created.status == 0 else { throw BenchError("rewind snapshot create failed: \(created.stderr)") }
            let snapped = try timed(["state", log, stream, "--json"], expect: expected)
            let snappedTail = try timed(["state", log, stream, "--version", String(tail), "--json"], expect: expectedTail)
            r.set("cli_ms", "rewind state (process, no snapshots), median", Stats.median(plain), .millis)
            r.set("cli_snapshot_ms", "rewind state with a snapshot at the head, median", Stats.median(snapped), .millis)
            r.set("cli_snapshot_tail50_ms", "rewind state --version \(tail) (snapshot + 50 events), median", Stats.median(snappedTail), .millis)
            r.set("cli_snapshot_create_ms", "rewind snapshot create (every 100: \(n / 100) files)", createMs, .millis)
            // In process, from those snapshots (the compiled aggregate reused, as a long-lived
            // program such as the dashboard would).
            let reducer = try JQAggregate(definition)
            let store = SnapshotStore(logPath: log)
            func fromSnapshot(_ version: UInt64, expect: Int64) throws -> [Double] {
                var out: [Double] = []
                for i in 0...o.rebuildRuns {
                    let t0 = monotonicNanos()
                    let timeline = try StreamTimeline(log: opened, stream: stream, reducer: reducer, snapshots: store, options: .init(snapshotsFirst: true))
                    let state = try timeline.state(at: version)
                    let ms = Double(monotonicNanos() - t0) / 1e6
                    guard state.snapshotVersion != nil, state.state["balanceCents"]?.int64Value == expect else {
                        throw BenchError("rebuild: in-process load from a snapshot failed (snapshot \(String(describing: state.snapshotVersion)), \(state.state))")
                    }
                    if i > 0 { out.append(ms) }
                }
                return out
            }
            r.set("inprocess_snapshot_ms", "in process: state from the snapshot at the head, median", Stats.median(try fromSnapshot(UInt64(n), expect: expected)), .millis)
            r.set("inprocess_snapshot_tail50_ms", "in process: state at \(tail) (snapshot + 50 events), median", Stats.median(try fromSnapshot(UInt64(tail), expect: expectedTail)), .millis)
            r.runs = plain.map { Double(n) / ($0 / 1000) }
            r.set("events_per_s", "rewind state: events / median process time", Stats.median(plain).map { Double(n) / ($0 / 1000) }, .eventsPerSecond)
        }

        // The peer.
        let peer = runPeer(c, ws, events: n, runs: o.rebuildRuns)
        if let p = peer.result {
            r.set("peer_no_snapshot_ms", "eventsourcing repository.get (no snapshots), median", PeerRunner.number(p["no_snapshot_ms"]), .millis)
            r.set("peer_snapshot_ms", "eventsourcing with a snapshot at the head, median", PeerRunner.number(p["snapshot_ms"]), .millis)
            r.set("peer_snapshot_tail50_ms", "eventsourcing get(version=\(tail)) (snapshot + 50 events), median", PeerRunner.number(p["snapshot_tail50_ms"]), .millis)
            if let peerMs = PeerRunner.number(p["no_snapshot_ms"]) {
                if let cli = r.value("cli_ms") { r.set("ratio_cli", "eventsourcing time ÷ rewind state time (no snapshots)", peerMs / cli, .ratio) }
                if let inproc = r.value("inprocess_replay_ms") { r.set("ratio_inprocess", "eventsourcing time ÷ in-process replay time", peerMs / inproc, .ratio) }
            }
        }
        notes.append(peer.note)
        r.notes = "\(Format.count(n)) events (AccountOpened + MoneyDeposited) in one stream, log made by `rewind import`, " +
            "[aggregates.account] with 2 jq handlers, snapshots every 100 events; \(o.rebuildRuns) timed runs per variant after one warm-up, medians. " +
            "The CLI times are whole processes (start, open the log, load rewind.toml and compile the jq handlers, replay, print). " +
            notes.joined(separator: " ")
        return r
    }

    /// `rewind` next to this program, when it was built.
    static func rewindExecutable() -> String? {
        let me = URL(fileURLWithPath: CommandLine.arguments.first ?? "rewind-bench").standardizedFileURL
        let candidate = me.deletingLastPathComponent().appendingPathComponent("rewind").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    struct ProcessResult {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func runProcess(_ executable: String, _ arguments: [String]) throws -> ProcessResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["CI"] = "1"
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return ProcessResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs the peer's `rebuild` workload; returns its result object or why there is none.
    static func runPeer(_ c: BenchConfig, _ ws: Workspace, events: Int, runs: Int) -> (result: [String: Any]?, note: String) {
        guard c.wants("peer") || true, let script = PeerRunner.locateScript(c) else {
            return (nil, "The peer script was not found, so there is no eventsourcing column.")
        }
        let dir = ws.path("peer-rebuild")
        defer { ws.remove(dir) }
        let args = [c.python, script, "--dir", dir, "--workloads", "rebuild", "--rebuild-events", String(events), "--rebuilds", String(runs)]
        progress("  running: \(args.joined(separator: " "))")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Foundation.FileHandle.standardError
        do { try p.run() } catch {
            return (nil, "The peer could not start (\(error)).")
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        if p.terminationStatus == PeerRunner.exitNotInstalled {
            return (nil, "eventsourcing is not installed (pip install -r Benchmarks/peer/requirements.txt), so there is no peer column.")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let results = object["results"] as? [String: Any], let rebuild = results["rebuild"] as? [String: Any] else {
            return (nil, "The peer exited with status \(p.terminationStatus) without a rebuild result.")
        }
        let version = object["version"] as? String ?? "?"
        return (rebuild, "Peer: eventsourcing \(version) (Python \(object["python"] as? String ?? "?"), SQLite \(object["sqlite"] as? String ?? "?")), " +
            "Application + Aggregate layer, \(runs) rebuilds per variant: \(rebuild["notes"] as? String ?? "")")
    }
}
