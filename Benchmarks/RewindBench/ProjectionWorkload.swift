import EventLog
import Replay
import JSON
import Platform

/// The options of the projection workload (issue 3, item 7), taken out of the command line
/// before the other parsers see it, the way `ReplayOptions` does:
///
///     --workloads project             also accepted in the list (default: run it)
///     --projection-events N           events in the log (default 1000000)
///     --projection-streams N          streams they are spread over = partitions (default 10000)
///     --projection-runs N             timed catch-ups of the main variant (default 3)
///     --no-projection                 skip it
struct ProjectionBenchOptions {
    var enabled = true
    var events = 1_000_000
    var streams = 10_000
    var runs = 3

    @MainActor static var current = ProjectionBenchOptions()

    static let usage = """

    Projection workload (issue 3, item 7; these options are taken out before the others are parsed):
      --workloads project         also accepted in the list: projection catch-up with jq handlers on
                                  state partitioned by stream (1,000,000 events over 10,000 streams)
      --projection-events N       events in the log (default 1000000)
      --projection-streams N      streams = partitions (default 10000)
      --projection-runs N         timed catch-ups of the main variant (default 3)
      --no-projection             skip the projection workload
    """

    /// Removes this workload's options (and "project" in `--workloads`) from `arguments`.
    @MainActor
    static func extract(_ arguments: [String]) throws -> [String] {
        var o = ProjectionBenchOptions()
        if arguments.contains("--quick") {
            o.events = 100_000
            o.streams = 1_000
            o.runs = 1
        }
        if arguments.contains("-h") || arguments.contains("--help") { FileHandleOut.stdout(usage + "\n") }
        let rest = try OptionExtraction.extract(
            arguments, into: &o,
            numbers: [
                "--projection-events": (\.events, 1000), "--projection-streams": (\.streams, 1),
                "--projection-runs": (\.runs, 1),
            ],
            switches: ["--no-projection": { $0.enabled = false }],
            owned: ["project"],
            select: { o, names in
                if let names { o.enabled = o.enabled && names.contains("project") }
            })
        current = o
        return rest
    }
}

/// Projection catch-up: `ProjectionRunner` rebuilding projections from position 1 over a log
/// of MoneyDeposited events spread over many streams, with jq handlers on state partitioned by
/// stream (one state per key in a Swift dictionary), saving as it goes (every 100,000 events or
/// 1 s, the defaults), in release.
///
/// The main variant (the target) is DESIGN.md's `balances` projection. The others split the
/// time: `identity` (handler `.`: reading, building `$e`, one jq run, the dictionary) is the
/// floor under any handler; `object-update` and `object-assign` show what jq 1.6 charges for
/// `+=` on an object state against plain assignment; `jq-key` computes the key with jq.
enum ProjectionWorkload {
    struct Variant {
        var name: String
        var label: String
        var definition: ProjectionDefinition
        /// Reads the expected balance of a partition out of its state (nil: not checked).
        var balance: (JSONValue) -> Int64?
    }

    static func partitioned(_ name: String, init initExpression: String, handler: String, partition: String = "$e.stream") -> ProjectionDefinition {
        ProjectionDefinition(name: name, from: .category("account"), partition: partition, initExpression: initExpression,
                             handlers: ["MoneyDeposited": handler])
    }

    static var variants: [Variant] {
        [
        Variant(name: "projection-partitioned", label: "DESIGN.md balances: number state",
                definition: partitioned("balances", init: "0", handler: ". + $e.data.amountCents"), balance: { $0.int64Value }),
        Variant(name: "projection-identity", label: "handler '.': the floor",
                definition: partitioned("identity", init: "0", handler: "."), balance: { _ in nil }),
        Variant(name: "projection-object-update", label: "object state, +=",
                definition: partitioned("object-update", init: "{balanceCents: 0, deposits: 0}",
                                        handler: ".balanceCents += $e.data.amountCents | .deposits += 1"),
                balance: { $0["balanceCents"]?.int64Value }),
        Variant(name: "projection-object-assign", label: "object state, plain assignment",
                definition: partitioned("object-assign", init: "{balanceCents: 0, deposits: 0}",
                                        handler: ".balanceCents = .balanceCents + $e.data.amountCents | .deposits = .deposits + 1"),
                balance: { $0["balanceCents"]?.int64Value }),
        Variant(name: "projection-jq-key", label: "number state, key computed by jq",
                definition: partitioned("jq-key", init: "0", handler: ". + $e.data.amountCents", partition: "\"account-\" + ($e.stream | ltrimstr(\"account-\"))"),
                balance: { $0.int64Value }),
        ]
    }

    static func run(_ c: BenchConfig, _ ws: Workspace, _ o: ProjectionBenchOptions) throws -> [WorkloadResult] {
        let path = ws.path("projection-log")
        defer { ws.discard(path) }
        let buildSeconds = try build(path: path, events: o.events, streams: o.streams)
        progress("  built the projection log: \(Format.count(o.events)) events over \(Format.count(o.streams)) streams in \(Format.fixed(buildSeconds, 1)) s")
        let log = try EventLog.openReadOnly(at: path)
        defer { log.close() }
        let expected = expectedTotals(events: o.events, streams: o.streams)

        // Context: the bare scan under it, touching every event's data.
        var scanBytes = 0
        let s0 = monotonicNanos()
        try log.readAll { scanBytes &+= $0.data.count; return true }
        let scanRate = Double(o.events) / secondsSince(s0)

        var results: [WorkloadResult] = []
        for (i, v) in variants.enumerated() {
            var r = try measure(log, v, runs: i == 0 ? o.runs : 1, expected: expected)
            let handler = v.definition.handlers["MoneyDeposited"] ?? ""
            if i == 0 {
                r.set("scan_events_per_s", "readAll alone over the same log (touching the data)", scanRate, .eventsPerSecond)
                r.notes = "\(Format.count(o.events)) MoneyDeposited events (99-byte JSON) over \(Format.count(o.streams)) streams account-0…, " +
                    "log built by a no-sync import in batches of 10 (round-robin), read-only, in the page cache. ProjectionRunner.run() with " +
                    "rebuild (from position 1) and the default saves (every 100,000 events or 1 s, and the final one: " +
                    "LOG/projections/NAME.json with every partition, fsync'd). [projections.balances] from = \"category:account\", " +
                    "partition = '$e.stream', init = '0', MoneyDeposited = '\(handler)'. Time from run() to its return (compiling " +
                    "included); every partition's state checked after each run. \(o.runs) run(s), median."
            } else {
                r.notes = "As projection-partitioned, with init = '\(v.definition.initExpression)', MoneyDeposited = '\(handler)'" +
                    (v.definition.partition == "$e.stream" ? "" : ", partition = '\(v.definition.partition ?? "")' (run by jq for every event)") + ". One run."
            }
            results.append(r)
        }
        if let rebuild = results.first?.value("events_per_s") {
            results.append(try measureCompare(log, rebuildSeconds: Double(log.head) / rebuild, expected: expected))
        }
        return results
    }

    /// `project compare` (issue 11): balances against a definition written differently with the
    /// same results, the worst case (the states are compared after every event, to the head),
    /// as a ratio to one rebuild of balances (the median above).
    static func measureCompare(_ log: EventLog, rebuildSeconds: Double, expected: [String: Int64]) throws -> WorkloadResult {
        var r = WorkloadResult(name: "project-compare", title: "project compare, balances vs an equivalent definition, to the head")
        let current = partitioned("balances", init: "0", handler: ". + $e.data.amountCents")
        let other = partitioned("balances", init: "0", handler: "$e.data.amountCents + .")
        let t0 = monotonicNanos()
        let result = try ProjectionComparison.run(
            log: log, current: .init(projection: current, upcasters: [], label: "current"), other: .init(projection: other, upcasters: [], label: "other"))
        let seconds = secondsSince(t0)
        guard result.difference == nil, result.current.state.objectValue?.count == expected.count else {
            throw BenchError("project compare: the equivalent definitions differ, or partitions are missing")
        }
        progress("  project-compare: \(Format.fixed(seconds, 2)) s, \(Format.fixed(seconds / rebuildSeconds, 2))× a rebuild")
        r.runs = [Double(log.head) / seconds]
        r.set("seconds", "compare to the head (both folds, one pass)", seconds, .seconds)
        r.set("events_per_s", "events/s", Double(log.head) / seconds, .eventsPerSecond)
        r.set("ratio_to_rebuild", "time as a ratio to one project rebuild of balances (median)", seconds / rebuildSeconds, .ratio)
        r.notes = "ProjectionComparison.run over the same log: balances (MoneyDeposited = '. + $e.data.amountCents') against " +
            "'$e.data.amountCents + .' (identical results, so the touched partition is compared after every event); nothing saved. One run."
        return r
    }

    /// `events` events over `streams` streams, 10 per append, round-robin.
    static func build(path: String, events: Int, streams: Int) throws -> Double {
        try EventLog.create(at: path)
        let log = try EventLog.openWriter(at: path, options: .init(durability: .noSync, command: "rewind-bench"))
        defer { log.close() }
        var factory = EventFactory(seed: 17)
        var versions = [UInt64](repeating: 0, count: streams)
        let start = monotonicNanos()
        let tx = try log.beginImport()
        var written = 0
        var s = 0
        while written < events {
            let n = min(10, events - written)
            try tx.append(to: "account-\(s)", factory.batch(n, seq: written), expected: versions[s] == 0 ? .noStream : .exact(versions[s]))
            versions[s] += UInt64(n)
            written += n
            s = (s + 1) % streams
        }
        try tx.commit()
        return secondsSince(start)
    }

    /// The balance of each stream after the build (event k carries payload k mod 4096).
    static func expectedTotals(events: Int, streams: Int) -> [String: Int64] {
        let amounts = EventFactory.payloads.map { p -> Int64 in
            (try? JSONValue.parse(p))?["amountCents"]?.int64Value ?? 0
        }
        var totals: [String: Int64] = [:]
        var written = 0, s = 0
        while written < events {
            let n = min(10, events - written)
            for k in written..<(written + n) { totals["account-\(s)", default: 0] += amounts[k & 4095] }
            written += n
            s = (s + 1) % streams
        }
        return totals
    }

    static func measure(_ log: EventLog, _ v: Variant, runs: Int, expected: [String: Int64]) throws -> WorkloadResult {
        let d = v.definition
        var r = WorkloadResult(name: v.name, title: "projection catch-up, \(Format.count(expected.count)) partitions (\(v.label))")
        var rates: [Double] = []
        var saveMillis: [Double] = []
        var loadMillis: [Double] = []
        var fileBytes = 0
        for run in 0..<runs {
            let runner = try ProjectionRunner(log: log, projections: [d], options: .init(rebuild: [d.name], command: "rewind-bench"))
            let t0 = monotonicNanos()
            try runner.run()
            let seconds = secondsSince(t0)
            guard let p = runner.progress().first, p.status == .stopped, p.checkpoint == log.head else {
                throw BenchError("\(d.name): the runner ended as \(runner.progress().first.map { "\($0.status) \($0.message ?? "")" } ?? "?")")
            }
            rates.append(Double(log.head) / seconds)
            // The file, read back and checked; then one more save timed alone (what each periodic save costs).
            let store = ProjectionStore(logPath: log.path)
            let l0 = monotonicNanos()
            guard let record = try store.load(d.name) else { throw BenchError("\(d.name): no file") }
            loadMillis.append(secondsSince(l0) * 1000)
            try check(record, expected: expected, balance: v.balance)
            let w0 = monotonicNanos()
            try store.save(record.encoded(), name: d.name + "-copy")
            saveMillis.append(secondsSince(w0) * 1000)
            try store.remove(d.name + "-copy")
            fileBytes = try FileSystem.fileSize(store.path(of: d.name))
            progress("  \(d.name) run \(run + 1)/\(runs): \(Format.rate(rates.last ?? 0)) events/s")
            try store.remove(d.name)
        }
        r.runs = rates
        r.set("events_per_s", "catch-up events/s (median of runs)", Stats.median(rates), .eventsPerSecond)
        r.set("per_event_us", "per event (median)", Stats.median(rates).map { 1e6 / $0 }, .micros)
        r.set("save_ms", "writing the projection file once (every partition, fsync)", Stats.median(saveMillis), .millis)
        r.set("load_ms", "reading it back whole (JSON parse)", Stats.median(loadMillis), .millis)
        r.set("file_bytes", "projection file size", Double(fileBytes), .bytes)
        return r
    }

    static func check(_ record: ProjectionRecord, expected: [String: Int64], balance: (JSONValue) -> Int64?) throws {
        guard case .partitions(let p)? = record.body, p.count == expected.count else { throw BenchError("\(record.name): wrong partitions") }
        for (key, total) in expected {
            guard let state = p[key] else { throw BenchError("\(record.name): no partition \(key)") }
            guard record.name == "identity" || balance(state) == total else { throw BenchError("\(record.name): \(key) is \(state), expected \(total)") }
        }
    }

    static func targets(_ report: BenchReport) -> [TargetCheck] {
        guard let r = report.result("projection-partitioned") else { return [] }
        let rate = r.value("events_per_s")
        return [TargetCheck(name: "projection catch-up", goal: "jq handlers on partitioned state ≥ 100,000 events/s",
                            measured: rate.map { Format.rate($0) + " events/s" } ?? "–", met: rate.map { $0 >= 100_000 })]
    }
}
