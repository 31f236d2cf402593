import EventLog
import Foundation
import Platform
import Replay

/// The options of the sagas workload (issue 12, item 2), taken out of the command line like the
/// find ones.
///
///     --workloads sagas      run it (not in the default set: its log takes a minute to make)
///     --saga-events N        generated fulfilment events (default 1000000)
///     --saga-runs N          timed runs (default 3)
struct SagaBenchOptions {
    var enabled = false
    var events = 1_000_000
    var runs = 3

    @MainActor static var current = SagaBenchOptions()

    static let usage = """

    Sagas workload (issue 12, item 2):
      --workloads sagas     rewind sagas over the fulfilment sample's generator scaled up (needs the rewind
                            executable next to rewind-bench)
      --saga-events N       generated fulfilment events (default 1000000)
      --saga-runs N         timed runs, after one warm-up (default 3)
    """

    @MainActor
    static func extract(_ arguments: [String]) throws -> [String] {
        var o = SagaBenchOptions()
        if arguments.contains("--quick") { o.events = 100_000 }
        if arguments.contains("-h") || arguments.contains("--help") { FileHandleOut.stdout(usage + "\n") }
        let rest = try OptionExtraction.extract(
            arguments, into: &o,
            numbers: ["--saga-events": (\.events, 1000), "--saga-runs": (\.runs, 1)],
            owned: ["sagas"],
            select: { o, names in o.enabled = names?.contains("sagas") ?? false })
        current = o
        return rest
    }
}

/// `rewind sagas` over a large generated log: the fulfilment sample's generator (orders across
/// four services, one instance per order's correlation id; most complete, some compensate, a
/// few are stuck) scaled to `events`. In process: `SagaScan.run` (events/s, and the resident
/// memory it adds, per instance: the fold keeps at most 4 events per step, so memory grows with
/// instances, never with events per instance); as a whole process: `rewind sagas LOG fulfilment
/// --json`, wall and CPU time and its peak resident memory, against `rewind read LOG --limit 1`
/// (opening the log alone).
enum SagaWorkload {
    @MainActor
    static func run(_ c: BenchConfig, _ ws: Workspace, _ o: SagaBenchOptions) throws -> [WorkloadResult] {
        guard let rewind = RebuildWorkload.rewindExecutable() else {
            throw BenchError("the rewind executable is not next to rewind-bench; build it: swift build -c release --product rewind")
        }
        let log = ws.path("sagas-fulfilment")
        let jsonl = ws.path("sagas-fulfilment.jsonl")
        defer { ws.discard(log); ws.remove(jsonl) }
        try FindWorkload.shell(
            "'\(rewind)' generate fulfilment --events \(o.events) --seed 12 --out '\(jsonl)' && '\(rewind)' init '\(log)'"
                + " && '\(rewind)' generate fulfilment --config > '\(log)/rewind.toml' && '\(rewind)' import '\(log)' '\(jsonl)' > /dev/null")

        // In process: the fold alone, the log open.
        let eventLog = try EventLog.openReadOnly(at: log)
        defer { eventLog.close() }
        let config = try RewindConfig.load(forLog: log, configPath: nil)
        guard let definition = config.sagas.first(where: { $0.name == "fulfilment" }) else {
            throw BenchError("the fulfilment sample's rewind.toml has no [sagas.fulfilment]")
        }
        let before = ProcessMemory.residentBytes() ?? 0
        var reports: [SagaReport] = []
        var seconds: [Double] = []
        var peak = before
        for _ in 0..<(o.runs + 1) {
            reports = []
            let t0 = monotonicNanos()
            reports = try SagaScan.run([definition], log: eventLog)
            seconds.append(secondsSince(t0))
            peak = max(peak, ProcessMemory.residentBytes() ?? 0)
        }
        seconds.removeFirst()  // the warm-up
        guard let report = reports.first else { throw BenchError("the fold returned no report") }
        let instances = report.instances.count
        let counts = report.counts.map { "\($0.status.rawValue) \($0.count)" }.joined(separator: ", ")

        var scan = WorkloadResult(name: "sagas-scan", title: "SagaScan.run over \(Format.count(o.events)) fulfilment events, in process")
        let median = Stats.median(seconds)
        scan.set("events_per_s", "events / median fold time (log open)", median.map { Double(o.events) / $0 }, .eventsPerSecond)
        scan.set("fold_ms", "median fold time", median.map { $0 * 1000 }, .millis)
        scan.set("instances", "saga instances", Double(instances), .count)
        scan.set("memory_bytes", "resident memory the folds added (peak − before)", Double(max(0, peak - before)), .bytes)
        scan.set("bytes_per_instance", "that, per instance", instances > 0 ? Double(max(0, peak - before)) / Double(instances) : nil, .bytes)
        scan.runs = seconds.map { Double(o.events) / $0 }
        scan.notes = "\(counts); runs: " + seconds.map { Format.fixed($0 * 1000, 0) }.joined(separator: ", ") + " ms"
        progress("  sagas in process: \(median.map { Format.fixed($0 * 1000, 0) } ?? "-") ms, \(instances) instances (\(counts))")

        // Whole processes: the command, and opening the log alone.
        let sagas = "'\(rewind)' sagas '\(log)' fulfilment --json > /dev/null"
        let open = "'\(rewind)' read '\(log)' --limit 1 > /dev/null"
        let sagasTimes = try FindWorkload.timed(sagas, runs: o.runs)
        let sagasPeak = try peakResidentBytes(of: "'\(rewind)' sagas '\(log)' fulfilment --json", scratch: ws.path("sagas-time.txt"))
        let openTimes = try FindWorkload.timed(open, runs: o.runs)
        var cli = WorkloadResult(name: "sagas-cli", title: "rewind sagas LOG fulfilment --json, whole process")
        let w = Stats.median(sagasTimes.wall), cpu = Stats.median(sagasTimes.cpu)
        let ow = Stats.median(openTimes.wall), ocpu = Stats.median(openTimes.cpu)
        cli.set("wall_ms", "median wall time", w.map { $0 * 1000 }, .millis)
        cli.set("cpu_ms", "median CPU time (user + system)", cpu.map { $0 * 1000 }, .millis)
        cli.set("events_per_s_cpu", "events / median CPU time", cpu.map { Double(o.events) / $0 }, .eventsPerSecond)
        cli.set("open_wall_ms", "rewind read LOG --limit 1 (the open alone), median wall", ow.map { $0 * 1000 }, .millis)
        cli.set("open_cpu_ms", "the same, median CPU", ocpu.map { $0 * 1000 }, .millis)
        cli.set("peak_rss_bytes", "peak resident memory of a rewind sagas process", sagasPeak.map(Double.init), .bytes)
        cli.runs = sagasTimes.wall.map { Double(o.events) / $0 }
        cli.notes = "runs: " + sagasTimes.wall.map { Format.fixed($0 * 1000, 0) }.joined(separator: ", ") + " ms wall"
        progress("  rewind sagas: \(w.map { Format.fixed($0 * 1000, 0) } ?? "-") ms wall, \(cpu.map { Format.fixed($0 * 1000, 0) } ?? "-") ms CPU, peak \(sagasPeak.map { Format.count($0 >> 20) } ?? "-") MiB")
        return [scan, cli]
    }

    /// The peak resident memory of one run of `command` (`/usr/bin/time -f %M`, KiB), output
    /// to /dev/null; nil when /usr/bin/time is not installed.
    static func peakResidentBytes(of command: String, scratch: String) throws -> Int? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else { return nil }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try FindWorkload.shell("/usr/bin/time -f %M -o '\(scratch)' \(command) > /dev/null")
        let text = (try? String(contentsOfFile: scratch, encoding: .utf8)) ?? ""
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)).map { $0 * 1024 }
    }
}
