import EventLog
import Replay

#if canImport(Glibc)
import Glibc
import JSON
#endif

/// Issue 3's replay targets: full replay and random jumps over a 1,000,000-event stream, with
/// the generic fold and with a jq aggregate.
enum ReplayWorkloads {
    static let stream = "account-big"

    /// The jq aggregate used on the big stream.
    static let aggregate = AggregateDefinition(
        name: "account", streams: "account-*", initExpression: "{balanceCents: 0, deposits: 0, lastReference: null}",
        handlers: ["MoneyDeposited": ".balanceCents += $e.data.amountCents | .deposits += 1 | .lastReference = $e.data.reference"])

    static func run(_ c: BenchConfig, _ ws: Workspace, _ o: ReplayOptions) throws -> [WorkloadResult] {
        let path = ws.path("replay-log")
        defer { ws.discard(path) }
        let buildSeconds = try build(path: path, events: o.events)
        progress("  built the replay log: one \(Format.count(o.events))-event stream in \(Format.fixed(buildSeconds, 1)) s")
        let log = try EventLog.openReadOnly(at: path)
        defer { log.close() }
        return o.genericOnly ? [try generic(log, o)] : [try generic(log, o), try jq(log, o)]
    }

    /// One stream of `events` MoneyDeposited events (the engine benchmark's 99-byte payloads,
    /// payload i for version i + 1), imported in batches of 1000.
    static func build(path: String, events: Int) throws -> Double {
        try EventLog.create(at: path)
        let log = try EventLog.openWriter(at: path, options: .init(durability: .noSync, command: "rewind-bench"))
        defer { log.close() }
        var factory = EventFactory(seed: 7)
        let start = monotonicNanos()
        let tx = try log.beginImport()
        var written = 0
        while written < events {
            let n = min(1000, events - written)
            try tx.append(to: stream, factory.batch(n, seq: written), expected: written == 0 ? .noStream : .exact(UInt64(written)))
            written += n
        }
        try tx.commit()
        return secondsSince(start)
    }

    // MARK: Generic fold

    static func generic(_ log: EventLog, _ o: ReplayOptions) throws -> WorkloadResult {
        var r = WorkloadResult(name: "replay-generic", title: "generic fold over a \(Format.count(o.events))-event stream")
        let timeline = try StreamTimeline(log: log, stream: stream)
        let n = UInt64(o.events)
        _ = try timeline.rebuild()  // warm-up (page cache, code)
        var rates: [Double] = []
        for i in 0..<o.runs {
            let t0 = monotonicNanos()
            let (events, state) = try timeline.rebuild()
            let s = secondsSince(t0)
            guard events == o.events, try check(state, version: n) else { throw BenchError("replay-generic: full replay gave a wrong state") }
            rates.append(Double(events) / s)
            progress("  full replay \(i + 1)/\(o.runs): \(Format.rate(rates.last ?? 0)) events/s")
        }
        let t0 = monotonicNanos()
        try timeline.warm()
        let warmSeconds = secondsSince(t0)
        let jumps = try randomJumps(timeline, count: o.jumps, last: n, seed: 11) { version, state in
            try check(state, version: version)
        }
        r.runs = rates
        r.set("events_per_s", "full replay events/s (median; includes building the JSON of the final state)", Stats.median(rates), .eventsPerSecond)
        r.set("p50_us", "random jump p50 (state at a random version, as JSON)", jumps.p50, .micros)
        r.set("p99_us", "random jump p99", jumps.p99, .micros)
        r.set("jump_max_us", "slowest jump", jumps.max, .micros)
        r.set("jump_cpu_p99_us", "random jump p99 in thread CPU time (without time spent preempted)", jumps.cpuP99, .micros)
        r.set("warm_ms", "first replay to the end filling the checkpoint cache", warmSeconds * 1000, .millis)
        r.set("checkpoint_interval", "checkpoint interval K (chosen by replay cost)", Double(timeline.checkpointInterval), .count)
        r.set("checkpoints", "checkpoints kept", Double(timeline.checkpointCount), .count)
        r.set("checkpoint_bytes", "checkpoint memory", Double(timeline.checkpointMemoryBytes), .bytes)
        r.notes = "One stream of \(Format.count(o.events)) MoneyDeposited events (99-byte JSON objects, 4 keys), read-only log in the page cache. " +
            "Full replay = StreamTimeline.rebuild() (no cache), \(o.runs) runs after a warm-up. Jumps: after warm(), \(o.jumps) uniformly random " +
            "versions in 0…\(Format.count(o.events)), each state(at:) timed until its JSON is built (every state checked outside the timing)."
        return r
    }

    // MARK: jq aggregate

    static func jq(_ log: EventLog, _ o: ReplayOptions) throws -> WorkloadResult {
        var r = WorkloadResult(name: "replay-jq", title: "jq aggregate over a \(Format.count(o.events))-event stream")
        let compileStart = monotonicNanos()
        let reducer = try JQAggregate(aggregate)
        let compileMs = secondsSince(compileStart) * 1000
        let timeline = try StreamTimeline(log: log, stream: stream, reducer: reducer)
        let n = UInt64(o.events)
        let sums = prefixSums(count: o.events)
        func checkJQ(_ state: JSONValue, _ version: UInt64) -> Bool {
            state["deposits"]?.int64Value == Int64(version) && state["balanceCents"]?.int64Value == sums[Int(version)]
        }
        let t0 = monotonicNanos()
        try timeline.warm()
        let warmSeconds = secondsSince(t0)
        progress("  jq: replay with checkpoints to the end in \(Format.fixed(warmSeconds, 1)) s (K = \(timeline.checkpointInterval))")
        let t1 = monotonicNanos()
        let (events, state) = try timeline.rebuild()
        let fullSeconds = secondsSince(t1)
        guard events == o.events, checkJQ(state, n) else { throw BenchError("replay-jq: full replay gave a wrong state") }
        let jumps = try randomJumps(timeline, count: o.jqJumps, last: n, seed: 13) { version, state in checkJQ(state, version) }
        r.runs = [Double(events) / fullSeconds]
        r.set("events_per_s", "full replay events/s (one run)", Double(events) / fullSeconds, .eventsPerSecond)
        r.set("p50_us", "random jump p50", jumps.p50, .micros)
        r.set("p99_us", "random jump p99", jumps.p99, .micros)
        r.set("jump_max_us", "slowest jump", jumps.max, .micros)
        r.set("jump_cpu_p99_us", "random jump p99 in thread CPU time (without time spent preempted)", jumps.cpuP99, .micros)
        r.set("warm_ms", "first replay to the end filling the checkpoint cache", warmSeconds * 1000, .millis)
        r.set("compile_ms", "compiling the aggregate (init + 1 handler)", compileMs, .millis)
        r.set("checkpoint_interval", "checkpoint interval K (chosen by replay cost)", Double(timeline.checkpointInterval), .count)
        r.set("checkpoints", "checkpoints kept", Double(timeline.checkpointCount), .count)
        r.set("checkpoint_bytes", "checkpoint memory (estimated)", Double(timeline.checkpointMemoryBytes), .bytes)
        r.notes = "The same stream folded by [aggregates.account]: MoneyDeposited = '\(aggregate.handlers["MoneyDeposited"] ?? "")'. " +
            "Jumps: after warm(), \(o.jqJumps) uniformly random versions, each state(at:) timed until its JSON is built."
        return r
    }

    /// balanceCents after each version (index = version).
    static func prefixSums(count: Int) -> [Int64] {
        var sums = [Int64](repeating: 0, count: count + 1)
        for v in 1...max(1, count) where v <= count {
            let i = (v - 1) & 4095
            sums[v] = sums[v - 1] + Int64(1000 + (i * 37) % 9000)
        }
        return sums
    }

    /// The generic fold's state at `version` is the payload of that event.
    static func check(_ state: JSONValue, version: UInt64) throws -> Bool {
        if version == 0 { return state == .object([:]) }
        let expected = try JSONValue.parse(EventFactory.payloads[Int((version - 1) & 4095)])
        return state == expected
    }

    struct JumpFigures {
        var p50: Double?
        var p99: Double?
        var max: Double?
        /// p99 of the thread's CPU time per jump: the same jumps without time spent preempted.
        var cpuP99: Double?
    }

    static func threadCPUNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func randomJumps(_ timeline: StreamTimeline, count: Int, last: UInt64, seed: UInt64, verify: (UInt64, JSONValue) throws -> Bool) throws -> JumpFigures {
        var rng = SplitMix(seed: seed)
        var lat = Latencies(), cpu = Latencies()
        for _ in 0..<count {
            let version = rng.next() % (last + 1)
            let c0 = threadCPUNanos()
            let t0 = monotonicNanos()
            let state = try timeline.state(at: version)
            lat.add(monotonicNanos() - t0)
            cpu.add(threadCPUNanos() - c0)
            guard try verify(version, state.state) else { throw BenchError("jump to \(version) gave a wrong state: \(state.state)") }
        }
        let (p50, p99) = lat.p50p99Micros
        return JumpFigures(p50: p50, p99: p99, max: lat.nanos.max().map { Double($0) / 1000 }, cpuP99: cpu.p50p99Micros.p99)
    }

    /// The issue's targets for these workloads.
    static func targets(_ report: BenchReport, _ o: ReplayOptions) -> [TargetCheck] {
        var out: [TargetCheck] = []
        let generic = report.result("replay-generic"), jq = report.result("replay-jq")
        let events = Format.count(o.events)
        let full = generic?.value("events_per_s")
        out.append(TargetCheck(name: "replay, generic fold", goal: "full replay ≥ 5,000,000 events/s",
                               measured: full.map { Format.rate($0) + " events/s" } ?? "–", met: full.map { $0 >= 5_000_000 }))
        let gp99 = generic?.value("p99_us")
        out.append(TargetCheck(name: "jumps, generic fold", goal: "random jump in a \(events)-event stream: p99 < 1 ms",
                               measured: gp99.map { Format.fixed($0 / 1000, 3) + " ms" } ?? "–", met: gp99.map { $0 < 1000 }))
        let jp99 = jq?.value("p99_us")
        out.append(TargetCheck(name: "jumps, jq aggregate", goal: "random jump in a \(events)-event stream: p99 < 10 ms",
                               measured: jp99.map { Format.fixed($0 / 1000, 3) + " ms" } ?? "–", met: jp99.map { $0 < 10_000 }))
        return out
    }
}

/// SplitMix64: reproducible random versions.
struct SplitMix {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
