import EventLog
import Foundation
import JSON
import Platform
import Replay

/// The options of the projection-state workloads (issue 11), taken out of the command line
/// before the other parsers see them:
///
///     --workloads project-state,state-diff   also accepted in the list (default: run both)
///     --project-state-events N       events in the log (default 1000000)
///     --project-state-streams N      streams = partitions (default 10000)
///     --project-state-questions N    random positions asked of the warm cache (default 500)
///     --project-state-cold N         questions folded from the start, no cache (default 5)
///     --project-state-cli N          questions by the rewind binary, when it is beside rewind-bench (default 30)
///     --diff-fields N                fields of each state in the diff workload (default 10000)
///     --no-project-state, --no-state-diff
struct ProjectionStateBenchOptions {
    var stateEnabled = true
    var diffEnabled = true
    var events = 1_000_000
    var streams = 10_000
    var questions = 500
    var cold = 5
    var cli = 30
    var diffFields = 10_000

    @MainActor static var current = ProjectionStateBenchOptions()

    static let usage = """

    Projection state and diff workloads (issue 11; these options are taken out before the others are parsed):
      --workloads project-state   also accepted in the list: balances (10,000 partitions) at random positions of
                                  1,000,000 events: folded from the start, from the warm in-process cache
                                  (ProjectionTimeline), and by 'rewind project state' with its cache files
      --workloads state-diff      JSONValue.diff of two 10,000-field states, and its JSON output
      --project-state-events N    events in the log (default 1000000)
      --project-state-streams N   streams = partitions (default 10000)
      --project-state-questions N questions asked of the warm cache (default 500)
      --project-state-cold N      questions folded from the start without a cache (default 5)
      --project-state-cli N       questions asked of the rewind binary beside rewind-bench, if built (default 30)
      --diff-fields N             fields in each diffed state (default 10000)
      --no-project-state, --no-state-diff   skip one
    """

    @MainActor
    static func extract(_ arguments: [String]) throws -> [String] {
        var o = ProjectionStateBenchOptions()
        if arguments.contains("--quick") {
            o.events = 100_000
            o.streams = 1_000
            o.questions = 100
            o.cold = 2
            o.cli = 5
        }
        if arguments.contains("-h") || arguments.contains("--help") { FileHandleOut.stdout(usage + "\n") }
        let rest = try OptionExtraction.extract(
            arguments, into: &o,
            numbers: [
                "--project-state-events": (\.events, 10_000), "--project-state-streams": (\.streams, 1),
                "--project-state-questions": (\.questions, 1), "--project-state-cold": (\.cold, 0),
                "--project-state-cli": (\.cli, 0), "--diff-fields": (\.diffFields, 10),
            ],
            switches: ["--no-project-state": { $0.stateEnabled = false }, "--no-state-diff": { $0.diffEnabled = false }],
            owned: ["project-state", "state-diff"],
            select: { o, names in
                if let names {
                    o.stateEnabled = o.stateEnabled && names.contains("project-state")
                    o.diffEnabled = o.diffEnabled && names.contains("state-diff")
                }
            })
        current = o
        return rest
    }
}

/// `rewind project state` at random positions (issue 11, item 1, "Speed"): DESIGN.md's
/// `balances` (partitioned by stream, number state) over the projection workload's log.
enum ProjectionStateWorkload {
    static let definition = ProjectionWorkload.partitioned("balances", init: "0", handler: ". + $e.data.amountCents")

    static func run(_ c: BenchConfig, _ ws: Workspace, _ o: ProjectionStateBenchOptions) throws -> [WorkloadResult] {
        let path = ws.path("project-state-log")
        defer { ws.discard(path) }
        let buildSeconds = try ProjectionWorkload.build(path: path, events: o.events, streams: o.streams)
        progress("  built the log: \(Format.count(o.events)) events over \(Format.count(o.streams)) streams in \(Format.fixed(buildSeconds, 1)) s")
        let log = try EventLog.openReadOnly(at: path)
        defer { log.close() }
        let head = log.head
        var rng = SplitMix(seed: 11)
        let positions = (0..<o.questions).map { _ in rng.next() % head + 1 }

        // Cold: each question folded from the start, as before the cache (ProjectionStateAt, no saved file).
        var coldMillis: [Double] = []
        var reference: [UInt64: JSONValue] = [:]
        for p in positions.prefix(o.cold) {
            let t0 = monotonicNanos()
            let r = try ProjectionStateAt.fold(log: log, definition: definition, upcasters: [], through: p, useSaved: false)
            coldMillis.append(secondsSince(t0) * 1000)
            reference[p] = r.state
        }
        progress("  cold (fold from 1): median \(Format.fixed(Stats.median(coldMillis) ?? 0, 0)) ms over \(coldMillis.count)")

        // The in-process timeline: the first pass to the head, then random questions.
        let timeline = try ProjectionTimeline(log: log, definition: definition, upcasters: [])
        let w0 = monotonicNanos()
        let atHead = try timeline.state(at: head)
        let firstPass = secondsSince(w0)
        let totals = ProjectionWorkload.expectedTotals(events: o.events, streams: o.streams)
        guard atHead.partitions.count == totals.count, totals.allSatisfy({ atHead.partitions[$0.key]?.int64Value == $0.value }) else {
            throw BenchError("project-state: the state at the head is not the expected balances")
        }
        progress("  first pass to the head: \(Format.fixed(firstPass, 2)) s, stride \(timeline.stride), \(timeline.checkpointCount) checkpoints, \(Format.mb(Double(timeline.checkpointMemoryBytes))) MB")
        var warm = Latencies()
        var folded: [Double] = []
        for p in positions {
            let t0 = monotonicNanos()
            let r = try timeline.state(at: p)
            warm.add(monotonicNanos() - t0)
            folded.append(Double(timeline.lastFolded))
            if let expected = reference[p], expected != r.state { throw BenchError("project-state: the cached state at \(p) differs from the fold") }
        }
        var oneKey = Latencies()
        for (i, p) in positions.enumerated() {
            let t0 = monotonicNanos()
            _ = try timeline.state(at: p, key: "account-\(i % o.streams)")
            oneKey.add(monotonicNanos() - t0)
        }
        // Where a question's time goes: at a checkpoint's own position nothing is folded (the
        // restore, and one partition read); the difference to a whole-state answer is the JSON.
        var restoreOnly = Latencies()
        for i in 0..<min(200, o.questions) {
            let p = timeline.stride * (UInt64(i * 7919) % max(1, head / timeline.stride)) + timeline.stride
            _ = try timeline.state(at: p - 1)  // leave the projector elsewhere, so the next one restores
            let t0 = monotonicNanos()
            _ = try timeline.state(at: p, key: "account-0")
            restoreOnly.add(monotonicNanos() - t0)
        }
        let (warmP50, warmP99) = warm.p50p99Micros
        let (keyP50, keyP99) = oneKey.p50p99Micros
        progress("  warm: p50 \(Format.fixed((warmP50 ?? 0) / 1000, 1)) ms, p99 \(Format.fixed((warmP99 ?? 0) / 1000, 1)) ms; one key p99 \(Format.fixed((keyP99 ?? 0) / 1000, 1)) ms")

        var r = WorkloadResult(name: "project-state", title: "projection state at random positions, \(Format.count(o.streams)) partitions")
        r.set("cold_ms", "folded from position 1, no cache (median)", Stats.median(coldMillis), .millis)
        r.set("first_pass_s", "ProjectionTimeline's first pass to the head (keeps checkpoints)", firstPass, .seconds)
        r.set("stride", "checkpoint stride chosen (positions)", Double(timeline.stride), .count)
        r.set("checkpoints_bytes", "checkpoint memory (estimated)", Double(timeline.checkpointMemoryBytes), .bytes)
        r.set("warm_p50_ms", "warm cache, whole state (every partition as JSON): p50", warmP50.map { $0 / 1000 }, .millis)
        r.set("warm_p99_ms", "warm cache, whole state: p99", warmP99.map { $0 / 1000 }, .millis)
        r.set("key_p50_ms", "warm cache, one partition: p50", keyP50.map { $0 / 1000 }, .millis)
        r.set("key_p99_ms", "warm cache, one partition: p99", keyP99.map { $0 / 1000 }, .millis)
        r.set("restore_p50_ms", "at a checkpoint's position, one partition (restore only, no fold): p50", restoreOnly.p50p99Micros.p50.map { $0 / 1000 }, .millis)
        r.set("folded_median", "positions folded per warm question (median)", Stats.median(folded), .count)
        r.notes = "\(Format.count(o.events)) MoneyDeposited events over \(Format.count(o.streams)) streams (the projection workload's log), " +
            "balances partitioned by stream. \(o.questions) uniform random positions (seed 11) asked in turn of one ProjectionTimeline " +
            "after a first pass to the head; the cold questions (the first \(o.cold) positions) are ProjectionStateAt.fold from 1 and " +
            "check the cached answers."
        var results = [r]
        results.append(try cli(log: log, path: path, positions: positions, o: o))
        return results
    }

    /// The CLI path: one `rewind project state` process per question, with the cache files.
    static func cli(log: EventLog, path: String, positions: [UInt64], o: ProjectionStateBenchOptions) throws -> WorkloadResult {
        var r = WorkloadResult(name: "project-state-cli", title: "rewind project state at random positions (one process each, cache files)")
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("rewind").path
        guard o.cli > 0, FileManager.default.isExecutableFile(atPath: binary) else {
            r.notes = "not measured: no rewind binary beside rewind-bench (build it: swift build -c release --scratch-path .build-bench --product rewind)"
            return r
        }
        let config = "[projections.balances]\nfrom = \"category:account\"\npartition = '$e.stream'\ninit = '0'\n" +
            "[projections.balances.on]\nMoneyDeposited = '. + $e.data.amountCents'\n"
        try FileSystem.writeAtomically(Array(config.utf8), to: path + "/rewind.toml", durable: false)
        func ask(_ p: UInt64, _ extra: [String] = []) throws -> Double {
            let t0 = monotonicNanos()
            let status = try runQuiet(binary, ["project", "state", path, "balances", "--position", String(p), "--json"] + extra)
            guard status == 0 else { throw BenchError("rewind project state exited \(status)") }
            return secondsSince(t0) * 1000
        }
        let first = try ask(log.head)
        let files = ProjectionCheckpointFiles(logPath: path, projection: "balances")
        progress("  cli: first question (head, writes the cache files) \(Format.fixed(first, 0)) ms; \(files.positions.count) files, \(Format.mb(Double(files.totalBytes))) MB")
        var later = Latencies()
        for p in positions.suffix(o.cli) { later.add(UInt64(try ask(p) * 1e6)) }
        let (p50, p99) = later.p50p99Micros
        let empty = try ask(0)
        progress("  cli: p50 \(Format.fixed((p50 ?? 0) / 1000, 1)) ms, p99 \(Format.fixed((p99 ?? 0) / 1000, 1)) ms (position 0: \(Format.fixed(empty, 1)) ms)")
        r.set("first_ms", "first question (the head): folds 1…head, writes the files", first, .millis)
        r.set("files", "cache files written", Double(files.positions.count), .count)
        r.set("files_bytes", "their size", Double(files.totalBytes), .bytes)
        r.set("p50_ms", "later questions at random positions: p50", p50.map { $0 / 1000 }, .millis)
        r.set("p99_ms", "later questions: p99", p99.map { $0 / 1000 }, .millis)
        r.set("floor_ms", "position 0 (process start, config, compile, print; no fold)", empty, .millis)
        r.notes = "The release rewind binary beside rewind-bench, one process per question, --json to /dev/null; the first asks the head " +
            "(no files yet: folds the whole log and writes LOG/cache/project-state/balances/), then \(o.cli) of the random positions."
        return r
    }

    /// Runs `binary` with its output discarded; its exit status.
    static func runQuiet(_ binary: String, _ arguments: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    static func targets(_ report: BenchReport) -> [TargetCheck] {
        guard let r = report.result("project-state") else { return [] }
        let p99 = r.value("warm_p99_ms")
        return [TargetCheck(name: "projection state at a random position", goal: "p99 < 100 ms after the first pass (1,000,000 events)",
                            measured: p99.map { Format.fixed($0, 1) + " ms" } ?? "–", met: p99.map { $0 < 100 })]
    }
}
