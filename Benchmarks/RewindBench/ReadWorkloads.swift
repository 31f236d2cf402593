import EventLog

#if canImport(Glibc)
import Glibc
#endif

/// Workloads 5 and 6: read one stream, and scan (and verify) the whole log, from a log holding the bulk data
/// plus one 10,000-event "hot" stream written as 10 batches of 1000 spread through the bulk
/// load (the peer's `build_read_db`).
enum ReadWorkloads {
    static let hotStream = "account-hot"
    static let hotEvents = 10_000

    /// The read log, built once for both workloads.
    struct ReadLog {
        var path: String
        var events: Int
        var segmentBytes: Int
        var buildSeconds: Double
    }

    static func build(_ c: BenchConfig, _ ws: Workspace) throws -> ReadLog {
        let path = ws.path("read-log")
        try EventLog.create(at: path)
        let log = try EventLog.openWriter(at: path, options: .init(durability: .noSync, command: "rewind-bench"))
        let batch = 1000
        let streams = (0..<c.bulkStreams).map { "account-\($0)" }
        var version = [UInt64](repeating: 0, count: streams.count)
        var hotVersion: UInt64 = 0
        let batches = max(1, c.events / batch)
        let hotEvery = max(1, batches / (hotEvents / batch))
        var factory = EventFactory(seed: 42)
        var seq = 0
        let start = monotonicNanos()
        let tx = try log.beginImport()
        func hot() throws {
            try tx.append(to: hotStream, factory.batch(batch, seq: seq), expected: hotVersion == 0 ? .noStream : .exact(hotVersion))
            hotVersion += UInt64(batch)
            seq += batch
        }
        for b in 0..<batches {
            let s = b % streams.count
            try tx.append(to: streams[s], factory.batch(batch, seq: seq), expected: version[s] == 0 ? .noStream : .exact(version[s]))
            version[s] += UInt64(batch)
            seq += batch
            if hotVersion < UInt64(hotEvents) && (b + 1) % hotEvery == 0 { try hot() }
        }
        while hotVersion < UInt64(hotEvents) { try hot() }
        try tx.commit()
        let seconds = secondsSince(start)
        let events = Int(log.head)
        log.close()
        sync()  // let writeback of the import finish before anything is timed
        progress("  built the read log: \(events) events in \(Format.fixed(seconds, 1)) s")
        return ReadLog(path: path, events: events, segmentBytes: DiskUsage.segmentBytes(log: path), buildSeconds: seconds)
    }

    /// 5. `readStream` of the hot stream touching every event's data, and `events(in:)`.
    static func readStream(_ c: BenchConfig, _ readLog: ReadLog) throws -> WorkloadResult {
        var r = WorkloadResult(name: "readstream", title: "read one 10,000-event stream")
        let log = try EventLog.openReadOnly(at: readLog.path)
        defer { log.close() }
        func viewRead() throws -> (Int, Int) {
            var n = 0, acc = 0
            try log.readStream(hotStream) { view in
                touch(view, &acc)
                n += 1
                return true
            }
            return (n, acc)
        }
        let (warmCount, _) = try viewRead()  // warm-up, untimed
        guard warmCount == hotEvents else { throw BenchError("readstream: read \(warmCount) events, expected \(hotEvents)") }
        var lat = Latencies()
        for _ in 0..<c.reads {
            let t0 = monotonicNanos()
            let (n, acc) = try viewRead()
            lat.add(monotonicNanos() - t0)
            guard n == hotEvents else { throw BenchError("readstream: read \(n) events, expected \(hotEvents)") }
            blackHole(acc)
        }
        var mat = Latencies()
        for _ in 0..<c.reads {
            let t0 = monotonicNanos()
            let events = try log.events(in: hotStream)
            var acc = 0
            for e in events { acc &+= e.data.count }
            mat.add(monotonicNanos() - t0)
            guard events.count == hotEvents else { throw BenchError("readstream: events(in:) gave \(events.count) events") }
            blackHole(acc)
        }
        let median = lat.medianMicros ?? .nan
        let (p50, p99) = lat.p50p99Micros
        let matMedian = mat.medianMicros ?? .nan
        let (mp50, mp99) = mat.p50p99Micros
        r.runs = lat.nanos.map { Double(hotEvents) / (Double($0) / 1e9) }
        r.set("events_per_s", "readStream (zero-copy views) events/s, from the median read", Double(hotEvents) / (median / 1e6), .eventsPerSecond)
        r.set("p50_us", "whole-stream readStream p50", p50, .micros)
        r.set("p99_us", "whole-stream readStream p99", p99, .micros)
        r.set("materialized_events_per_s", "events(in:) (materialized) events/s, from the median read", Double(hotEvents) / (matMedian / 1e6), .eventsPerSecond)
        r.set("materialized_p50_us", "whole-stream events(in:) p50", mp50, .micros)
        r.set("materialized_p99_us", "whole-stream events(in:) p99", mp99, .micros)
        r.set("log_events", "events in the log", Double(readLog.events), .count)
        r.notes = "\(hotEvents)-event stream written as 10 batches of 1000 spread through a \(readLog.events - hotEvents)-event bulk import " +
            "over \(c.bulkStreams) streams; log reopened read-only; 1 untimed warm-up, then \(c.reads) timed reads of each variant. " +
            "The view read sums every event's data.count and first byte; the materialized variant builds [RecordedEvent] and sums data.count."
        return r
    }

    /// 6. `readAll` over the whole log touching every event.
    static func scan(_ c: BenchConfig, _ readLog: ReadLog) throws -> WorkloadResult {
        var r = WorkloadResult(name: "scan", title: "scan the whole log (readAll)")
        let log = try EventLog.openReadOnly(at: readLog.path)
        defer { log.close() }
        var lat = Latencies()
        for i in 0..<c.scans {
            var n = 0, acc = 0
            let t0 = monotonicNanos()
            try log.readAll { view in
                touch(view, &acc)
                n += 1
                return true
            }
            let ns = monotonicNanos() - t0
            lat.add(ns)
            guard n == readLog.events else { throw BenchError("scan: visited \(n) events, expected \(readLog.events)") }
            blackHole(acc)
            progress("  scan \(i + 1)/\(c.scans): \(Format.rate(Double(n) / (Double(ns) / 1e9))) events/s")
        }
        let medianSeconds = (lat.medianMicros ?? .nan) / 1e6
        r.runs = lat.nanos.map { Double(readLog.events) / (Double($0) / 1e9) }
        r.set("events_per_s", "events/s (median scan)", Double(readLog.events) / medianSeconds, .eventsPerSecond)
        r.set("gb_per_s", "log bytes per second (median scan)", Double(readLog.segmentBytes) / medianSeconds / 1e9, .gigabytesPerSecond)
        r.set("scan_ms", "one full scan (median)", medianSeconds * 1000, .millis)
        r.set("bytes_per_event", "log bytes per event", Double(readLog.segmentBytes) / Double(readLog.events), .bytesPerEvent)
        r.set("log_events", "events in the log", Double(readLog.events), .count)
        r.notes = "readAll from position 1 over \(readLog.events) events (\(Format.mb(Double(readLog.segmentBytes))) MB of segments), " +
            "touching every event (data.count and first byte); \(c.scans) scans, median. The log was just written, so it is in the page cache " +
            "(the peer's scan has no warm-up either)."
        return r
    }

    /// 6b. `LogVerifier.verify` over the same log: every CRC, continuity and the persisted
    /// indexes, as `rewind verify` does; reported beside `scan` so the two rates compare.
    static func verify(_ c: BenchConfig, _ readLog: ReadLog) throws -> WorkloadResult {
        var r = WorkloadResult(name: "verify", title: "verify the whole log (LogVerifier)")
        var lat = Latencies()
        for i in 0..<c.scans {
            let t0 = monotonicNanos()
            let report = try LogVerifier.verify(at: readLog.path)
            let ns = monotonicNanos() - t0
            lat.add(ns)
            guard report.isHealthy, report.problems.isEmpty, report.events == UInt64(readLog.events) else {
                throw BenchError("verify: checked \(report.events) events with \(report.problems.count) problems, expected \(readLog.events) and none")
            }
            progress("  verify \(i + 1)/\(c.scans): \(Format.rate(Double(readLog.events) / (Double(ns) / 1e9))) events/s")
        }
        let medianSeconds = (lat.medianMicros ?? .nan) / 1e6
        r.runs = lat.nanos.map { Double(readLog.events) / (Double($0) / 1e9) }
        r.set("events_per_s", "events/s (median verify)", Double(readLog.events) / medianSeconds, .eventsPerSecond)
        r.set("gb_per_s", "log bytes per second (median verify)", Double(readLog.segmentBytes) / medianSeconds / 1e9, .gigabytesPerSecond)
        r.set("verify_ms", "one full verify (median)", medianSeconds * 1000, .millis)
        r.set("log_events", "events in the log", Double(readLog.events), .count)
        r.notes = "LogVerifier.verify (what `rewind verify` runs) over the scan's log of \(readLog.events) events " +
            "(\(Format.mb(Double(readLog.segmentBytes))) MB of segments, in the page cache); \(c.scans) runs, median."
        return r
    }

    @inline(__always)
    static func touch(_ view: EventView, _ acc: inout Int) {
        let d = view.data
        acc &+= d.count
        if let first = d.first { acc &+= Int(first) }
    }
}

/// Keeps a computed value alive so the optimizer cannot drop the loop that made it.
@inline(never)
func blackHole(_ value: Int) {
    if value == 0x7FFF_FFFF_FFFF_FFFE { progress("") }
}
