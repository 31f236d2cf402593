import Foundation

/// Workload 8: runs the Python peer (Benchmarks/peer/eventsourcing_bench.py) in the same run and
/// reads the one JSON object it prints.
enum PeerRunner {
    /// The workloads both sides run, in table order, with the ratio targets from the issue.
    static let compared: [(name: String, target: Double?)] = [
        ("append1x8", nil), ("append100", 5), ("append1000", nil), ("bulk", nil), ("readstream", 20), ("scan", 20),
    ]

    /// The peer's exit codes (README.md in Benchmarks/peer).
    static let exitNotInstalled: Int32 = 3

    static func locateScript(_ c: BenchConfig) -> String? {
        if let given = c.peerScript { return given }
        let candidates = [
            FileManager.default.currentDirectoryPath + "/Benchmarks/peer/eventsourcing_bench.py",
            // Next to this source file, for runs from another directory.
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("peer/eventsourcing_bench.py").path,
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Runs the peer and compares it with `results` (Rewind's figures). Never throws: a missing
    /// Python or eventsourcing becomes a status that the report prints.
    static func run(_ c: BenchConfig, _ ws: Workspace, rewind results: [WorkloadResult]) -> PeerComparison {
        func rows(peer: [String: Any]?) -> [PeerComparison.Row] {
            compared.map { item in
                let mine = results.first { $0.name == item.name }
                let theirs = peer?[item.name] as? [String: Any]
                return PeerComparison.Row(
                    workload: item.name, rewind: mine?.value("events_per_s"), peer: theirs.flatMap { number($0["events_per_s"]) },
                    rewindP50: mine?.value("p50_us"), peerP50: theirs.flatMap { number($0["p50_us"]) }, target: item.target)
            }
        }
        guard let script = locateScript(c) else {
            return PeerComparison(status: "peer script not found (looked for Benchmarks/peer/eventsourcing_bench.py); Rewind's figures alone", rows: rows(peer: nil))
        }
        let dir = ws.path("peer")
        let args = [
            c.python, script, "--dir", dir,
            "--workloads", compared.map(\.name).joined(separator: ","),
            "--events", String(c.peerEvents), "--repeat", String(c.peerRepeat),
            "--durable-events", String(c.peerDurableEvents), "--appends", String(c.peerAppends),
            "--reads", String(c.reads),
            // Keep each run's database until the peer ends (we delete the directory), so its runs
            // write fresh blocks like ours do (see Workspace.discardAfterWorkload).
            "--keep",
        ]
        progress("  running: \(args.joined(separator: " "))")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Foundation.FileHandle.standardError  // the peer's progress lines
        let start = monotonicNanos()
        do { try p.run() } catch {
            return PeerComparison(status: "cannot start \(c.python) (\(error)); Rewind's figures alone", rows: rows(peer: nil))
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let seconds = secondsSince(start)
        ws.remove(dir)
        let code = p.terminationStatus
        if code == exitNotInstalled {
            return PeerComparison(status: "the Python package eventsourcing is not installed (pip install -r Benchmarks/peer/requirements.txt); Rewind's figures alone", rows: rows(peer: nil))
        }
        if code == 127 {
            return PeerComparison(status: "\(c.python) not found; Rewind's figures alone", rows: rows(peer: nil))
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            return PeerComparison(status: "the peer exited with status \(code) without a JSON result; Rewind's figures alone", rows: rows(peer: nil))
        }
        let peerResults = object["results"] as? [String: Any]
        var comparison = PeerComparison(status: code == 0 ? "ok" : "ok (the peer exited with status \(code): some workload failed, see its error)", rows: rows(peer: peerResults))
        comparison.raw = object
        comparison.seconds = seconds
        let version = object["version"] as? String ?? "?"
        let python = object["python"] as? String ?? "?"
        let sqlite = object["sqlite"] as? String ?? "?"
        comparison.info = "eventsourcing \(version) on SQLite \(sqlite), Python \(python); journal_mode=WAL, synchronous=FULL for the " +
            "append workloads (fsync per commit), OFF for bulk; \(Format.count(c.peerEvents)) bulk events, --repeat \(c.peerRepeat), " +
            "\(Format.count(c.peerDurableEvents)) events per append100/append1000 run, \(c.peerAppends) append1x8 appends"
        return comparison
    }

    /// JSON numbers arrive as NSNumber (or Int/Double on some Foundations); nil for null.
    static func number(_ any: Any?) -> Double? {
        switch any {
        case let d as Double: return d
        case let i as Int: return Double(i)
        case let n as NSNumber: return n.doubleValue
        default: return nil
        }
    }
}
