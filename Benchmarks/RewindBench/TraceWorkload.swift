import EventLog
import Foundation
import Replay

#if canImport(Glibc)
import Glibc
#endif

/// The options of the trace workload (issue 12, item 1), taken out of the command line first.
///
///     --workloads trace        run it (it is not in the default set: building its log takes minutes)
///     --trace-events N         events in its log (default 10000000)
///     --trace-log PATH         where the log lives; kept between runs and reused when it holds
///                              exactly what this workload writes (default /tmp/rewind-bench-trace-log)
///     --trace-queries N        timed traces per variant (default 500)
struct TraceBenchOptions {
    var enabled = false
    var events = 10_000_000
    var queries = 500
    var cliRuns = 5
    var logPath = "/tmp/rewind-bench-trace-log"

    @MainActor static var current = TraceBenchOptions()

    static let usage = """

    Trace workload (issue 12, item 1; these options are taken out before the others are parsed):
      --workloads trace           run it: rewind trace over a log of bank-like events, each 10 events
                                  a transfer (two events sharing a correlation, the second caused by the first)
      --trace-events N            events in its log (default 10000000)
      --trace-log PATH            the log, kept between runs and reused (default /tmp/rewind-bench-trace-log)
      --trace-queries N           timed traces per variant (default 500)
    """

    @MainActor
    static func extract(_ arguments: [String]) throws -> [String] {
        var o = TraceBenchOptions()
        if arguments.contains("--quick") {
            o.events = 1_000_000
            o.queries = 100
        }
        if arguments.contains("-h") || arguments.contains("--help") { FileHandleOut.stdout(usage + "\n") }
        var rest: [String] = []
        var i = 0
        while i < arguments.count {
            if arguments[i] == "--trace-log" {
                guard i + 1 < arguments.count else { throw BenchConfig.UsageError(description: "--trace-log needs a path") }
                o.logPath = arguments[i + 1]
                i += 2
                continue
            }
            rest.append(arguments[i])
            i += 1
        }
        rest = try OptionExtraction.extract(
            rest, into: &o,
            numbers: ["--trace-events": (\.events, 1000), "--trace-queries": (\.queries, 10)],
            owned: ["trace"],
            select: { o, names in o.enabled = names?.contains("trace") ?? true })
        current = o
        return rest
    }
}

/// `TraceIndex` on a large log: building its files, opening it, and traces of transfers.
///
/// The log: iteration i writes 8 deposits to one account (each its own request's correlation),
/// then a TransferSent to a second account and a TransferReceived to a third, both with
/// correlation `tr-i`, the second caused by the first; so positions 10i+9 and 10i+10 are
/// transfer i. 100,000 accounts, imported in one transaction with no sync.
enum TraceWorkload {
    static let accounts = 100_000

    static func metadata(_ correlation: String, causation: EventID? = nil) -> [UInt8] {
        var s = "{\"correlationId\":\"" + correlation + "\""
        if let causation { s += ",\"causationId\":\"" + causation.description + "\"" }
        return Array((s + ",\"actor\":\"payments-engine\"}").utf8)
    }

    /// Builds the log unless `path` already holds it (same head and shape).
    static func prepare(_ o: TraceBenchOptions) throws -> (log: String, iterations: Int, built: Double?) {
        let iterations = o.events / 10
        let path = o.logPath
        if let log = try? EventLog.openReadOnly(at: path) {
            let head = log.head
            let shaped = (try? log.event(at: 10))?.type == "TransferReceived"
            log.close()
            if head == UInt64(iterations * 10) && shaped {
                progress("  reusing the trace log at \(path) (\(Format.count(Int(head))) events)")
                return (path, iterations, nil)
            }
        }
        try? FileManager.default.removeItem(atPath: path)
        try EventLog.create(at: path)
        let log = try EventLog.openWriter(at: path, options: .init(durability: .noSync, command: "rewind-bench"))
        var factory = EventFactory(seed: 12)
        var version = [UInt64](repeating: 0, count: accounts)
        let start = monotonicNanos()
        let tx = try log.beginImport()
        func append(_ account: Int, _ events: [NewEvent]) throws {
            try tx.append(to: "account-\(account)", events, expected: version[account] == 0 ? .noStream : .exact(version[account]))
            version[account] += UInt64(events.count)
        }
        for i in 0..<iterations {
            let a = (i * 7) % accounts, b = (i * 7 + 1) % accounts, c = (i * 7 + 2) % accounts
            var deposits = factory.batch(8, seq: i * 10)
            for k in 0..<8 { deposits[k].metadata = metadata("req-\(i)-\(k)") }
            try append(a, deposits)
            let sent = factory.nextID()
            try append(b, [NewEvent(id: sent, type: "TransferSent", data: EventFactory.payloads[i & 4095], metadata: metadata("tr-\(i)"))])
            try append(c, [NewEvent(id: factory.nextID(), type: "TransferReceived", data: EventFactory.payloads[(i + 1) & 4095],
                                    metadata: metadata("tr-\(i)", causation: sent))])
            if i % 100_000 == 99_999 { progress("  built \(Format.count((i + 1) * 10)) events") }
        }
        try tx.commit()
        log.close()
        sync()
        return (path, iterations, secondsSince(start))
    }

    static func run(_ o: TraceBenchOptions) throws -> WorkloadResult {
        var r = WorkloadResult(name: "trace", title: "rewind trace on a \(Format.count(o.events))-event log")
        let (path, iterations, built) = try prepare(o)
        if let built { r.set("log_build_s", "building the log (no-sync import)", built, .seconds) }

        // Building every sealed segment's file from scratch.
        let index = path + "/index"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: index)) ?? [] where name.hasSuffix(".trc") {
            try FileManager.default.removeItem(atPath: index + "/" + name)
        }
        let log = try EventLog.openReadOnly(at: path)
        defer { log.close() }
        var t0 = monotonicNanos()
        let first = try TraceIndex(log: log)
        let buildSeconds = secondsSince(t0)
        progress("  built the trace index in \(Format.fixed(buildSeconds, 1)) s: \(first.takeNotes().joined(separator: "; "))")
        r.set("index_build_s", "building every sealed segment's trace index file (scan, hash, sort, write)", buildSeconds, .seconds)
        let trcBytes = ((try? FileManager.default.contentsOfDirectory(atPath: index)) ?? []).filter { $0.hasSuffix(".trc") }
            .reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: index + "/" + $1)[.size] as? Int) ?? 0) }
        r.set("index_bytes_per_event", "trace index files, bytes per event in sealed segments", Double(trcBytes) / Double(o.events), .bytesPerEvent)

        var opens: [Double] = []
        for _ in 0..<5 {
            t0 = monotonicNanos()
            let again = try TraceIndex(log: log)
            opens.append(Double(monotonicNanos() - t0) / 1e6)
            guard again.takeNotes().isEmpty else { throw BenchError("trace: a sound index was rebuilt") }
        }
        r.set("index_open_ms", "opening the trace index (every file's checksum read; log already open), median of 5", Stats.median(opens), .millis)

        let traces = try TraceIndex(log: log)
        var rng = EventFactory(seed: 7)
        func randomTransfer() -> Int { Int(rng.nextID().low % UInt64(iterations)) }
        var correlation = Latencies(), full = Latencies()
        for _ in 0..<o.queries {
            let i = randomTransfer()
            let t = monotonicNanos()
            let trace = try traces.trace(correlation: "tr-\(i)")
            correlation.add(monotonicNanos() - t)
            guard trace.correlated == [UInt64(10 * i + 9), UInt64(10 * i + 10)] else {
                throw BenchError("trace: tr-\(i) gave \(trace.correlated)")
            }
        }
        for _ in 0..<o.queries {
            let i = randomTransfer()
            let t = monotonicNanos()
            let trace = try traces.trace(of: UInt64(10 * i + 10))
            full.add(monotonicNanos() - t)
            guard trace?.tree.map(\.position) == [UInt64(10 * i + 9), UInt64(10 * i + 10)], trace?.correlated.count == 2 else {
                throw BenchError("trace: the trace of transfer \(i) is wrong")
            }
        }
        let (c50, c99) = correlation.p50p99Micros
        let (f50, f99) = full.p50p99Micros
        r.set("correlation_p50_ms", "trace of a transfer's correlation (2 events) p50", c50.map { $0 / 1000 }, .millis)
        r.set("correlation_p99_ms", "trace of a transfer's correlation p99", c99.map { $0 / 1000 }, .millis)
        r.set("trace_p50_ms", "whole trace of a TransferReceived (tree up and down, and its correlation) p50", f50.map { $0 / 1000 }, .millis)
        r.set("trace_p99_ms", "whole trace p99", f99.map { $0 / 1000 }, .millis)

        var notes = ""
        if let rewind = RebuildWorkload.rewindExecutable() {
            var cli: [Double] = []
            for _ in 0..<o.cliRuns {
                let i = randomTransfer()
                let t = monotonicNanos()
                let p = try RebuildWorkload.runProcess(rewind, ["trace", path, "--correlation", "tr-\(i)", "--json"])
                cli.append(Double(monotonicNanos() - t) / 1e6)
                guard p.status == 0, p.stdout.split(separator: "\n").count == 2 else { throw BenchError("rewind trace failed: \(p.stderr)") }
            }
            r.set("cli_ms", "the whole `rewind trace LOG --correlation ID --json` process (start, open the log, open the index, trace, print), median", Stats.median(cli), .millis)
        } else {
            notes = " The rewind executable was not found next to rewind-bench, so the CLI was not timed."
        }
        r.set("log_events", "events in the log", Double(iterations * 10), .count)
        r.notes = "\(Format.count(iterations)) transfers over \(accounts) accounts, 8 deposits each between them; log opened read-only once; " +
            "\(o.queries) random transfers per variant, results checked." + notes
        return r
    }

    static func targets(_ report: BenchReport) -> [TargetCheck] {
        guard let r = report.result("trace") else { return [] }
        let p99 = r.value("correlation_p99_ms")
        return [TargetCheck(name: "rewind trace of a transfer's correlation", goal: "p99 < 100 ms on a 10,000,000-event log",
                            measured: p99.map { Format.fixed($0, 2) + " ms" } ?? "–", met: p99.map { $0 < 100 })]
    }
}
