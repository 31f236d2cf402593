import EventLog

/// Workload 4: no-sync bulk import through one `ImportTransaction`.
enum ImportWorkload {
    static func bulk(_ c: BenchConfig, _ ws: Workspace) throws -> WorkloadResult {
        let batch = 1000
        let batches = max(1, c.events / batch)
        let total = batches * batch
        var r = WorkloadResult(name: "bulk", title: "no-sync bulk import, batches of \(batch)")
        var lat = Latencies()
        var bytesPerSecond: [Double] = []
        var commitMillis: [Double] = []
        var slowest: [Double] = []
        var bytes = 0
        let streams = (0..<c.bulkStreams).map { "account-\($0)" }
        for run in 0..<c.runs {
            let dir = ws.path("bulk-\(run)")
            try EventLog.create(at: dir)
            let log = try EventLog.openWriter(at: dir, options: .init(durability: .noSync, command: "rewind-bench"))
            var factory = EventFactory(seed: UInt64(7000 + run))
            var version = [UInt64](repeating: 0, count: streams.count)
            var samples: [UInt64] = []
            samples.reserveCapacity(batches)
            let start = monotonicNanos()
            let tx = try log.beginImport()
            for b in 0..<batches {
                let s = b % streams.count
                let events = factory.batch(batch, seq: b * batch)
                let t0 = monotonicNanos()
                try tx.append(to: streams[s], events, expected: version[s] == 0 ? .noStream : .exact(version[s]))
                samples.append(monotonicNanos() - t0)
                version[s] += UInt64(batch)
            }
            let c0 = monotonicNanos()
            try tx.commit()
            commitMillis.append(Double(monotonicNanos() - c0) / 1e6)
            let seconds = secondsSince(start)
            guard log.head == UInt64(total) else { throw BenchError("bulk: head is \(log.head), expected \(total)") }
            log.close()
            bytes = DiskUsage.segmentBytes(log: dir)
            ws.discardAfterWorkload(dir)
            lat.add(contentsOf: samples)
            slowest.append(Double(samples.max() ?? 0) / 1e6)
            r.runs.append(Double(total) / seconds)
            bytesPerSecond.append(Double(bytes) / seconds)
            progress("  bulk run \(run + 1)/\(c.runs): \(Format.rate(Double(total) / seconds)) events/s")
        }
        ws.removeDeferred()
        let (p50, p99) = lat.p50p99Micros
        r.set("events_per_s", "events/s (median of runs)", Stats.median(r.runs), .eventsPerSecond)
        r.set("mb_per_s", "log bytes per second (median)", Stats.median(bytesPerSecond).map { $0 / 1e6 }, .megabytesPerSecond)
        r.set("p50_us", "ImportTransaction.append per batch p50", p50, .micros)
        r.set("p99_us", "ImportTransaction.append per batch p99", p99, .micros)
        r.set("bytes_per_event", "log bytes per event", Double(bytes) / Double(total), .bytesPerEvent)
        r.set("commit_ms", "commit() (median)", Stats.median(commitMillis), .millis)
        r.set("slowest_append_ms", "slowest ImportTransaction.append of a run (median over runs; the one that seals a segment and fsyncs it)",
              Stats.median(slowest), .millis)
        r.set("events", "events per run", Double(total), .count)
        r.notes = "\(total) events: beginImport(), \(batches) ImportTransaction.append calls of \(batch) events round-robin over " +
            "\(streams.count) streams (exact expected versions), commit(); log opened with durability .noSync (sealing a segment " +
            "still fsyncs it: one 128 MiB segment fills per ~800,000 events). Timing covers beginImport through commit, building the events included. Fresh log per run."
        return r
    }
}
