import Foundation

/// Every knob of a benchmark run. Defaults are the full sizes `Benchmarks/run.sh` runs
/// (about 2–4 minutes on a 2-core VM, the peer included); `--quick` shrinks everything for a smoke run.
struct BenchConfig {
    /// Workload groups, in the order they run.
    static let allWorkloads = ["dd", "append1x8", "append100", "append1000", "bulk", "readstream", "scan", "verify", "open", "peer"]

    var workloads: [String] = BenchConfig.allWorkloads
    /// Parent directory for the scratch directory (same disk as /tmp by default).
    var parentDir: String = BenchConfig.defaultTempDir()
    var keep = false
    var json = false
    var quick = false

    /// Runs per workload (each on a fresh log); medians are reported.
    var runs = 5
    /// append1x8: appends per thread (8 threads).
    var appendsPerThread = 2_000
    var append100Events = 200_000
    var append1000Events = 1_000_000
    /// Bulk import size, and the bulk data under readstream/scan.
    var events = 1_000_000
    var bulkStreams = 1_000
    /// Timed whole-stream reads (after one warm-up).
    var reads = 20
    /// Full scans with readAll (and full `LogVerifier.verify` runs of the same log).
    var scans = 5
    var ddMiB = 256
    var openEvents = 10_000_000
    var openStreams = 100_000
    var openBatch = 10
    var openRuns = 5

    // The Python peer.
    var python = "python3"
    var peerScript: String?
    var peerEvents = 200_000
    var peerRepeat = 5
    var peerDurableEvents = 50_000
    var peerAppends = 2_000

    func wants(_ name: String) -> Bool { workloads.contains(name) }

    static func defaultTempDir() -> String {
        let env = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        return env.isEmpty ? "/tmp" : env
    }

    mutating func applyQuick() {
        quick = true
        runs = 3
        appendsPerThread = 250
        append100Events = 20_000
        append1000Events = 100_000
        events = 100_000
        reads = 10
        scans = 3
        ddMiB = 64
        openEvents = 1_000_000
        openStreams = 10_000
        openRuns = 3
        peerEvents = 20_000
        peerRepeat = 1
        peerDurableEvents = 5_000
        peerAppends = 400
    }

    static let usage = """
    rewind-bench: engine benchmarks for the Rewind event log, side by side with the Python
    eventsourcing library on SQLite (Benchmarks/peer/eventsourcing_bench.py).

    usage: rewind-bench [options]

      --quick                 small sizes (a smoke run of well under a minute)
      --json                  print one JSON object on stdout (the tables go to stderr)
      --workloads a,b,...     subset of \(allWorkloads.joined(separator: ","))
      --dir DIR               parent of the scratch directory (default $TMPDIR or /tmp)
      --keep                  keep the scratch directory
      --runs N                runs per workload, medians reported (default 5)
      --events N              bulk import size and readstream/scan base data (default 1000000)
      --appends N             append1x8: appends per thread (default 2000)
      --append100-events N    events per append100 run (default 200000)
      --append1000-events N   events per append1000 run (default 1000000)
      --reads N               timed whole-stream reads (default 20)
      --scans N               timed full scans, and verify runs (default 5)
      --dd-mib N              dd size in MiB (default 256)
      --open-events N         events in the open benchmark's log (default 10000000)
      --open-streams N        streams in it (default 100000)
      --open-batch N          events per batch when building it (default 10)
      --open-runs N           timed opens per variant (default 5)
      --python PATH           interpreter for the peer (default python3)
      --peer-script PATH      default Benchmarks/peer/eventsourcing_bench.py
      --peer-events N         peer bulk size and read base data (default 200000)
      --peer-repeat N         peer --repeat (default 5)
      --peer-durable-events N peer events per append100/append1000 run (default 50000)
      --peer-appends N        peer append1x8 total appends (default 2000)
      --no-peer               skip the peer
    """

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses `arguments` (without the program name). `--quick` applies first, so explicit
    /// sizes given with it still win.
    static func parse(_ arguments: [String]) throws -> BenchConfig? {
        var c = BenchConfig()
        if arguments.contains("--quick") { c.applyQuick() }
        var i = 0
        func value(_ flag: String) throws -> String {
            i += 1
            guard i < arguments.count else { throw UsageError(description: "\(flag) needs a value") }
            return arguments[i]
        }
        func count(_ flag: String, min lower: Int = 1) throws -> Int {
            let text = try value(flag)
            guard let n = Int(text.replacingUnderscores()), n >= lower else {
                throw UsageError(description: "\(flag) needs a whole number ≥ \(lower), not '\(text)'")
            }
            return n
        }
        while i < arguments.count {
            let a = arguments[i]
            switch a {
            case "-h", "--help": return nil
            case "--quick": break
            case "--json": c.json = true
            case "--keep": c.keep = true
            case "--no-peer": c.workloads.removeAll { $0 == "peer" }
            case "--workloads":
                let names = try value(a).split(separator: ",").map { String($0).trimmed() }.filter { !$0.isEmpty }
                let unknown = names.filter { !allWorkloads.contains($0) && $0 != "all" }
                guard unknown.isEmpty else {
                    throw UsageError(description: "unknown workload(s) \(unknown.joined(separator: ",")); known: \(allWorkloads.joined(separator: ","))")
                }
                c.workloads = names.contains("all") ? allWorkloads : allWorkloads.filter { names.contains($0) }
            case "--dir": c.parentDir = try value(a)
            case "--runs": c.runs = try count(a)
            case "--events": c.events = try count(a, min: 1000)
            case "--appends": c.appendsPerThread = try count(a)
            case "--append100-events": c.append100Events = try count(a, min: 100)
            case "--append1000-events": c.append1000Events = try count(a, min: 1000)
            case "--reads": c.reads = try count(a)
            case "--scans": c.scans = try count(a)
            case "--dd-mib": c.ddMiB = try count(a)
            case "--open-events": c.openEvents = try count(a, min: 1000)
            case "--open-streams": c.openStreams = try count(a)
            case "--open-batch": c.openBatch = try count(a)
            case "--open-runs": c.openRuns = try count(a)
            case "--python": c.python = try value(a)
            case "--peer-script": c.peerScript = try value(a)
            case "--peer-events": c.peerEvents = try count(a, min: 1000)
            case "--peer-repeat": c.peerRepeat = try count(a)
            case "--peer-durable-events": c.peerDurableEvents = try count(a, min: 1000)
            case "--peer-appends": c.peerAppends = try count(a, min: 8)
            default:
                throw UsageError(description: "unknown option '\(a)' (see --help)")
            }
            i += 1
        }
        return c
    }

    /// The sizes, for the report and the JSON.
    var parameters: [(String, Int)] {
        [
            ("runs", runs), ("appends_per_thread", appendsPerThread), ("append100_events", append100Events),
            ("append1000_events", append1000Events), ("events", events), ("bulk_streams", bulkStreams),
            ("reads", reads), ("scans", scans), ("dd_mib", ddMiB), ("open_events", openEvents),
            ("open_streams", openStreams), ("open_batch", openBatch), ("open_runs", openRuns),
            ("peer_events", peerEvents), ("peer_repeat", peerRepeat),
            ("peer_durable_events", peerDurableEvents), ("peer_appends", peerAppends),
        ]
    }
}

extension String {
    func trimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " { s.removeFirst() }
        while let l = s.last, l == " " { s.removeLast() }
        return String(s)
    }

    /// "1_000_000" → "1000000", so sizes can be typed readably.
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
