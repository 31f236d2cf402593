import EventLog
import Foundation

/// Workloads 1 and 2: durable appends (the default `.fsync` durability: every append returns
/// only after fdatasync, possibly shared with other appends by group commit).
enum AppendWorkloads {
    static let threads = 8

    /// Per-thread latencies and the first error, written by the worker threads (each thread
    /// only touches its own slot; the main thread reads after joining them).
    private final class Collector: @unchecked Sendable {
        var latencies: [[UInt64]]
        var errors: [String?]
        init(threads: Int, capacity: Int) {
            latencies = (0..<threads).map { _ in
                var a: [UInt64] = []
                a.reserveCapacity(capacity)
                return a
            }
            errors = Array(repeating: nil, count: threads)
        }
    }

    /// 1. Batch of 1, 8 concurrent appender threads, each on its own stream: group commit.
    static func append1x8(_ c: BenchConfig, _ ws: Workspace) throws -> WorkloadResult {
        var r = WorkloadResult(name: "append1x8", title: "durable append, 1 event, 8 threads")
        var lat = Latencies()
        var bytes = 0
        let perThread = c.appendsPerThread
        for run in 0..<c.runs {
            let dir = ws.path("append1x8-\(run)")
            try EventLog.create(at: dir)
            let log = try EventLog.openWriter(at: dir, options: .init(durability: .fsync, command: "rewind-bench"))
            let collector = Collector(threads: threads, capacity: perThread)
            let gate = StartGate()
            let done = DispatchGroup()
            for t in 0..<threads {
                done.enter()
                let thread = Thread {
                    defer { done.leave() }
                    var factory = EventFactory(seed: UInt64(run * 100 + t + 1))
                    let stream = "writer-\(t)"
                    gate.wait()
                    do {
                        for v in 1...perThread {
                            let events = factory.batch(1, seq: t * perThread + v)
                            let t0 = monotonicNanos()
                            try log.append(to: stream, events, expected: v == 1 ? .noStream : .exact(UInt64(v - 1)))
                            collector.latencies[t].append(monotonicNanos() - t0)
                        }
                    } catch {
                        collector.errors[t] = "\(error)"
                    }
                }
                thread.start()
            }
            gate.awaitReady(threads)
            let start = monotonicNanos()
            gate.open()
            done.wait()
            let seconds = secondsSince(start)
            if let e = collector.errors.compactMap({ $0 }).first { throw BenchError("append1x8: \(e)") }
            let total = threads * perThread
            guard log.head == UInt64(total) else { throw BenchError("append1x8: head is \(log.head), expected \(total)") }
            log.close()
            bytes = DiskUsage.segmentBytes(log: dir)
            ws.discardAfterWorkload(dir)
            for l in collector.latencies { lat.add(contentsOf: l) }
            r.runs.append(Double(total) / seconds)
            progress("  append1x8 run \(run + 1)/\(c.runs): \(Format.rate(Double(total) / seconds)) events/s")
        }
        ws.removeDeferred()
        let (p50, p99) = lat.p50p99Micros
        let total = threads * perThread
        r.set("events_per_s", "events/s (median of runs)", Stats.median(r.runs), .eventsPerSecond)
        r.set("p50_us", "append latency p50", p50, .micros)
        r.set("p99_us", "append latency p99", p99, .micros)
        r.set("bytes_per_event", "log bytes per event", Double(bytes) / Double(total), .bytesPerEvent)
        r.set("events", "events per run", Double(total), .count)
        r.notes = "\(threads) threads × \(perThread) appends of 1 event, each thread on its own stream with an exact expected version; " +
            "fsync durability, so concurrent appends share fdatasyncs (group commit). Latency = one append() call."
        return r
    }

    /// 2. Batches of `batch` events, one appender, round-robin over 100 streams (each batch
    /// continues its stream), as the peer does. The same appends are then repeated on a
    /// `.noSync` log, which tells how much of each append is the fdatasync.
    static func appendBatches(_ c: BenchConfig, _ ws: Workspace, batch: Int) throws -> WorkloadResult {
        let name = "append\(batch)"
        var r = WorkloadResult(name: name, title: "durable append, batches of \(batch), 1 thread")
        let durable = try runBatches(c, ws, batch: batch, durability: .fsync)
        let noSync = try runBatches(c, ws, batch: batch, durability: .noSync)
        let (p50, p99) = durable.latencies.p50p99Micros
        let (np50, np99) = noSync.latencies.p50p99Micros
        r.runs = durable.eventsPerSecond
        r.set("events_per_s", "events/s (median of runs)", Stats.median(durable.eventsPerSecond), .eventsPerSecond)
        r.set("mb_per_s", "log bytes written per second (median)", Stats.median(durable.bytesPerSecond).map { $0 / 1e6 }, .megabytesPerSecond)
        r.set("payload_mb_per_s", "payload (event data) bytes per second (median)", Stats.median(durable.payloadPerSecond).map { $0 / 1e6 }, .megabytesPerSecond)
        r.set("p50_us", "latency per append (batch) p50", p50, .micros)
        r.set("p99_us", "latency per append (batch) p99", p99, .micros)
        r.set("bytes_per_event", "log bytes per event", Double(durable.bytes) / Double(durable.events), .bytesPerEvent)
        r.set("events", "events per run", Double(durable.events), .count)
        r.set("nosync_events_per_s", "the same appends on a .noSync log: events/s (median)", Stats.median(noSync.eventsPerSecond), .eventsPerSecond)
        r.set("nosync_p50_us", "the same on a .noSync log: latency per append p50", np50, .micros)
        r.set("nosync_p99_us", "the same on a .noSync log: latency per append p99", np99, .micros)
        r.set("build_batch_us", "building one batch of NewEvents (in the timing, outside append) median", durable.buildMicros, .micros)
        r.notes = "\(durable.events / batch) appends of \(batch) events per run (fresh log each), one thread, round-robin over 100 streams " +
            "with exact expected versions; fsync durability (one fdatasync per append). MB/s counts the bytes the log file grew by " +
            "(\(EventFactory.payloadBytes)-byte payload + 48-byte event header + type + batch framing). Building the events is inside the " +
            "throughput timing, as in the peer; latency is the append() call alone. The .noSync rows repeat the runs without fdatasync: " +
            "the difference is the cost of durability."
        return r
    }

    struct BatchRuns {
        var events = 0
        var bytes = 0
        var eventsPerSecond: [Double] = []
        var bytesPerSecond: [Double] = []
        var payloadPerSecond: [Double] = []
        var latencies = Latencies()
        var buildMicros: Double?
    }

    static func runBatches(_ c: BenchConfig, _ ws: Workspace, batch: Int, durability: EventLog.Durability) throws -> BatchRuns {
        let name = "append\(batch)" + (durability == .noSync ? " (noSync)" : "")
        let totalEvents = batch == 100 ? c.append100Events : c.append1000Events
        let batches = max(1, totalEvents / batch)
        let streamsN = 100
        let streams = (0..<streamsN).map { "account-\($0)" }
        var out = BatchRuns()
        var build: [Double] = []
        for run in 0..<c.runs {
            let dir = ws.path("append\(batch)-\(durability == .noSync ? "nosync" : "fsync")-\(run)")
            try EventLog.create(at: dir)
            let log = try EventLog.openWriter(at: dir, options: .init(durability: durability, command: "rewind-bench"))
            var factory = EventFactory(seed: UInt64(batch * 1000 + run))
            var version = [UInt64](repeating: 0, count: streamsN)
            var samples: [UInt64] = []
            samples.reserveCapacity(batches)
            var buildNanos: UInt64 = 0
            let start = monotonicNanos()
            for b in 0..<batches {
                let s = b % streamsN
                let b0 = monotonicNanos()
                let events = factory.batch(batch, seq: b * batch)
                let t0 = monotonicNanos()
                try log.append(to: streams[s], events, expected: version[s] == 0 ? .noStream : .exact(version[s]))
                samples.append(monotonicNanos() - t0)
                buildNanos += t0 - b0
                version[s] += UInt64(batch)
            }
            let seconds = secondsSince(start)
            let total = batches * batch
            guard log.head == UInt64(total) else { throw BenchError("\(name): head is \(log.head), expected \(total)") }
            log.close()
            out.bytes = DiskUsage.segmentBytes(log: dir)
            out.events = total
            ws.discardAfterWorkload(dir)
            out.latencies.add(contentsOf: samples)
            out.eventsPerSecond.append(Double(total) / seconds)
            out.bytesPerSecond.append(Double(out.bytes) / seconds)
            out.payloadPerSecond.append(Double(total * EventFactory.payloadBytes) / seconds)
            build.append(Double(buildNanos) / 1000 / Double(batches))
            progress("  \(name) run \(run + 1)/\(c.runs): \(Format.rate(Double(total) / seconds)) events/s, \(Format.mb(Double(out.bytes) / seconds)) MB/s")
        }
        ws.removeDeferred()
        out.buildMicros = Stats.median(build)
        return out
    }
}

/// A one-shot start line for worker threads: each waits at `wait()` until the main thread
/// calls `open()` (after `awaitReady` has seen every worker arrive).
final class StartGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false
    private var ready = 0

    func wait() {
        condition.lock()
        ready += 1
        condition.broadcast()
        while !isOpen { condition.wait() }
        condition.unlock()
    }

    func awaitReady(_ parties: Int) {
        condition.lock()
        while ready < parties { condition.wait() }
        condition.unlock()
    }

    func open() {
        condition.lock()
        isOpen = true
        condition.broadcast()
        condition.unlock()
    }
}
