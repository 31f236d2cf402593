import Foundation

/// The options of the search workload (issue 12), taken out of the command line like the
/// replay ones.
///
///     --workloads find       the search workload (alone, or with others)
///     --find-events N        generated bank events (default 1000000)
///     --find-runs N          timed runs of each command (default 3)
///     --no-find              skip it
struct FindBenchOptions {
    var enabled = true
    var events = 1_000_000
    var runs = 3

    @MainActor static var current = FindBenchOptions()

    static let usage = """

    Search workload (issue 12):
      --workloads find      rewind find vs rewind export | jq over a generated bank log (needs the rewind
                            executable next to rewind-bench, and jq on the PATH)
      --find-events N       generated bank events (default 1000000)
      --find-runs N         timed runs of each command, after one warm-up (default 3)
      --no-find             skip it
    """

    @MainActor
    static func extract(_ arguments: [String]) throws -> [String] {
        var o = FindBenchOptions()
        if arguments.contains("--quick") { o.events = 100_000 }
        if arguments.contains("-h") || arguments.contains("--help") { FileHandleOut.stdout(usage + "\n") }
        let rest = try OptionExtraction.extract(
            arguments, into: &o,
            numbers: ["--find-events": (\.events, 1000), "--find-runs": (\.runs, 1)],
            switches: ["--no-find": { $0.enabled = false }],
            owned: ["find"],
            select: { o, names in
                if let names { o.enabled = o.enabled && names.contains("find") }
            })
        current = o
        return rest
    }
}

/// `rewind find` against `rewind export LOG | jq -c 'select(P)'` on the same generated bank log,
/// whole processes through `sh -c`, output to /dev/null: a data predicate that matches about 1%
/// of events, one with no literal to look for, and one on `.type` alone.
enum FindWorkload {
    /// The predicates timed: (key, label, predicate).
    static let predicates = [
        ("data", "a data field, ~1% of events", #".data.payer == "Northwind GmbH""#),
        ("number", "a number in data, ~1%, no literal to look for", #".data.amountCents > 2650000"#),
        ("type", ".type alone, ~2%", #".type == "AccountOpened""#),
    ]

    @MainActor
    static func run(_ c: BenchConfig, _ ws: Workspace, _ o: FindBenchOptions) throws -> [WorkloadResult] {
        guard let rewind = RebuildWorkload.rewindExecutable() else {
            throw BenchError("the rewind executable is not next to rewind-bench; build it: swift build -c release --product rewind")
        }
        let log = ws.path("find-bank")
        let jsonl = ws.path("find-bank.jsonl")
        defer { ws.discard(log); ws.remove(jsonl) }
        try shell("'\(rewind)' generate bank --events \(o.events) --seed 12 --out '\(jsonl)' && '\(rewind)' init '\(log)' && '\(rewind)' import '\(log)' '\(jsonl)' > /dev/null")
        var results: [WorkloadResult] = []
        for (key, label, predicate) in predicates {
            let quoted = "'" + predicate.replacingOccurrences(of: "'", with: "'\\''") + "'"
            let find = "'\(rewind)' find '\(log)' \(quoted) --json > /dev/null; test $? -le 6"
            let jq = "'\(rewind)' export '\(log)' | jq -c \("'select(" + predicate.replacingOccurrences(of: "'", with: "'\\''") + ")'") > /dev/null"
            let matches = try shell("'\(rewind)' find '\(log)' \(quoted) --json | wc -l").trimmingCharacters(in: .whitespacesAndNewlines)
            let findTimes = try timed(find, runs: o.runs)
            let jqTimes: (wall: [Double], cpu: [Double]) = key == "type" ? ([], []) : try timed(jq, runs: o.runs)
            let findRuns = findTimes.wall, jqRuns = jqTimes.wall
            var r = WorkloadResult(name: "find-\(key)", title: "rewind find: \(label)")
            let f = Stats.median(findRuns), j = Stats.median(jqRuns)
            let fc = Stats.median(findTimes.cpu), jc = Stats.median(jqTimes.cpu)
            r.set("find_cpu_ms", "rewind find, CPU time (user + system), median", fc.map { $0 * 1000 }, .millis)
            r.set("find_cpu_events_per_s", "rewind find: events / median CPU time", fc.map { Double(o.events) / $0 }, .eventsPerSecond)
            if let jc {
                r.set("jq_cpu_ms", "rewind export | jq, CPU time of both processes, median", jc * 1000, .millis)
                r.set("ratio_cpu", "export|jq CPU time ÷ find CPU time", fc.map { jc / $0 }, .ratio)
            }
            r.set("find_ms", "rewind find \(predicate), median", f.map { $0 * 1000 }, .millis)
            r.set("find_events_per_s", "rewind find: events / median process time", f.map { Double(o.events) / $0 }, .eventsPerSecond)
            if let j {
                r.set("jq_ms", "rewind export | jq -c 'select(…)', median", j * 1000, .millis)
                r.set("ratio", "export|jq time ÷ find time", f.map { j / $0 }, .ratio)
            }
            r.runs = findRuns.map { Double(o.events) / $0 }
            r.notes = "\(Format.count(o.events)) generated bank events (seed 12), \(matches) matches; \(o.runs) timed runs after a warm-up; find runs: "
                + findRuns.map { Format.fixed($0 * 1000, 0) }.joined(separator: ", ") + " ms"
                + (jqRuns.isEmpty ? "" : "; export|jq runs: " + jqRuns.map { Format.fixed($0 * 1000, 0) }.joined(separator: ", ") + " ms")
            progress("  find \(key): find \(f.map { Format.fixed($0 * 1000, 0) } ?? "-") ms, jq \(j.map { Format.fixed($0 * 1000, 0) } ?? "-") ms, \(matches) matches")
            results.append(r)
        }
        return results
    }

    /// Seconds of each run of `command` (one untimed warm-up first), and the CPU seconds (user +
    /// system) of its processes: on a shared machine the wall clock also counts the waits for a
    /// core, the CPU time does not.
    static func timed(_ command: String, runs: Int) throws -> (wall: [Double], cpu: [Double]) {
        _ = try shell(command)
        var wall: [Double] = [], cpu: [Double] = []
        for _ in 0..<runs {
            let c0 = childCPUSeconds()
            let t0 = monotonicNanos()
            _ = try shell(command)
            wall.append(secondsSince(t0))
            cpu.append(childCPUSeconds() - c0)
        }
        return (wall, cpu)
    }

    /// User + system seconds of the children waited for so far.
    static func childCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1_000_000 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }

    @discardableResult
    static func shell(_ command: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        var env = ProcessInfo.processInfo.environment
        env["CI"] = "1"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BenchError("sh -c \(command) exited \(p.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }
}
