import EventLog

#if canImport(Glibc)
import Glibc
#endif

/// Workload 7: open a large log (10,000,000 events by default) and read one random stream.
enum OpenWorkload {
    static func run(_ c: BenchConfig, _ ws: Workspace) throws -> WorkloadResult {
        let perStream = max(1, c.openEvents / c.openStreams)
        let total = perStream * c.openStreams
        var r = WorkloadResult(name: "open", title: "open a \(Format.count(total))-event log")
        let path = ws.path("open-log")
        let buildSeconds = try build(path: path, streams: c.openStreams, perStream: perStream, batch: c.openBatch)
        sync()  // let writeback of the import finish before anything is timed
        let segmentBytes = DiskUsage.segmentBytes(log: path)
        let indexBytes = DiskUsage.indexBytes(log: path)
        progress("  built the open log: \(Format.count(total)) events, \(Format.mb(Double(segmentBytes))) MB of segments, " +
            "\(Format.mb(Double(indexBytes))) MB of index files, in \(Format.fixed(buildSeconds, 1)) s")

        var rng = EventFactory(seed: 99)
        func randomStream() -> String { "stream-\(Int(rng.nextID().low % UInt64(c.openStreams)))" }
        func readOne(_ log: EventLog) throws -> Double {
            let name = randomStream()
            var n = 0, acc = 0
            let t0 = monotonicNanos()
            try log.readStream(name) { view in
                ReadWorkloads.touch(view, &acc)
                n += 1
                return true
            }
            let ms = Double(monotonicNanos() - t0) / 1e6
            guard n == perStream else { throw BenchError("open: \(name) has \(n) events, expected \(perStream)") }
            blackHole(acc)
            return ms
        }

        var readOnlyMs: [Double] = [], writerMs: [Double] = [], coldMs: [Double] = [], firstAppendMs: [Double] = []
        var readMs: [Double] = [], coldReadMs: [Double] = []
        var readOnlyIndex = 0, writerIndex = 0
        var evicted = true
        for i in 0..<c.openRuns {
            let t0 = monotonicNanos()
            let log = try EventLog.openReadOnly(at: path)
            readOnlyMs.append(Double(monotonicNanos() - t0) / 1e6)
            guard log.head == UInt64(total) else { throw BenchError("open: head is \(log.head), expected \(total)") }
            readOnlyIndex = log.indexMemoryBytes
            readMs.append(try readOne(log))
            log.close()
            progress("  openReadOnly \(i + 1)/\(c.openRuns): \(Format.fixed(readOnlyMs.last!, 1)) ms, random stream read \(Format.fixed(readMs.last!, 3)) ms")
        }
        for i in 0..<c.openRuns {
            let t0 = monotonicNanos()
            let log = try EventLog.openWriter(at: path, options: .init(durability: .fsync, command: "rewind-bench"))
            writerMs.append(Double(monotonicNanos() - t0) / 1e6)
            writerIndex = log.indexMemoryBytes
            if !log.recovery.messages.isEmpty { progress("  openWriter recovery: \(log.recovery.messages.joined(separator: "; "))") }
            // The first append waits for the writer's background walk of its sealed segments.
            let t1 = monotonicNanos()
            try log.append(to: "bench-probe-\(i)", [NewEvent(type: "Probed", data: Array("{}".utf8))])
            firstAppendMs.append(Double(monotonicNanos() - t1) / 1e6)
            log.close()
            progress("  openWriter \(i + 1)/\(c.openRuns): \(Format.fixed(writerMs.last!, 1)) ms, then the first append \(Format.fixed(firstAppendMs.last!, 1)) ms")
        }
        for i in 0..<c.openRuns {
            evicted = DiskUsage.evictFromPageCache(log: path) && evicted
            let t0 = monotonicNanos()
            let log = try EventLog.openReadOnly(at: path)
            coldMs.append(Double(monotonicNanos() - t0) / 1e6)
            coldReadMs.append(try readOne(log))
            log.close()
            progress("  openReadOnly after evicting the page cache \(i + 1)/\(c.openRuns): \(Format.fixed(coldMs.last!, 1)) ms, " +
                "random stream read \(Format.fixed(coldReadMs.last!, 3)) ms")
        }
        ws.discard(path)

        r.set("open_ms", "openReadOnly until ready (median, page cache warm)", Stats.median(readOnlyMs), .millis)
        r.set("open_writer_ms", "openWriter until ready (median, page cache warm)", Stats.median(writerMs), .millis)
        r.set("open_writer_first_append_ms", "the first durable append after openWriter, which waits for the sealed-segment walk (median)", Stats.median(firstAppendMs), .millis)
        r.set("open_cold_ms", "openReadOnly after fadvise(DONTNEED) of every file (median)", Stats.median(coldMs), .millis)
        r.set("read_random_stream_ms", "readStream of one random \(perStream)-event stream after open (median)", Stats.median(readMs), .millis)
        r.set("read_random_stream_cold_ms", "the same after the cold open (median)", Stats.median(coldReadMs), .millis)
        r.set("index_memory_bytes_per_event", "indexMemoryBytes / events (read-only)", Double(readOnlyIndex) / Double(total), .bytesPerEvent)
        r.set("writer_index_memory_bytes_per_event", "indexMemoryBytes / events (writer)", Double(writerIndex) / Double(total), .bytesPerEvent)
        r.set("index_disk_bytes_per_event", "LOG/index/ on disk per event", Double(indexBytes) / Double(total), .bytesPerEvent)
        r.set("bytes_per_event", "LOG/segments/ on disk per event", Double(segmentBytes) / Double(total), .bytesPerEvent)
        r.set("log_events", "events in the log", Double(total), .count)
        r.set("build_s", "building it (no-sync import)", buildSeconds, .seconds)
        r.runs = readOnlyMs
        r.notes = "\(c.openStreams) streams × \(perStream) events (\(EventFactory.payloadBytes)-byte payloads), imported with .noSync in " +
            "\(Int((Double(perStream) / Double(c.openBatch)).rounded(.up))) rounds of one \(c.openBatch)-event batch per stream (so every stream spans " +
            "every segment), then closed. \(c.openRuns) timed opens per variant; the cold variant calls sync() and posix_fadvise(DONTNEED) on " +
            "every file first\(evicted ? "" : " (some fadvise calls failed)"). Per-run figures (runs) are the read-only open times in ms."
        return r
    }

    /// Builds the log with one no-sync import; returns the seconds it took.
    static func build(path: String, streams: Int, perStream: Int, batch: Int) throws -> Double {
        try EventLog.create(at: path)
        let log = try EventLog.openWriter(at: path, options: .init(durability: .noSync, command: "rewind-bench"))
        let names = (0..<streams).map { "stream-\($0)" }
        var factory = EventFactory(seed: 1234)
        var written = 0
        var seq = 0
        let start = monotonicNanos()
        let tx = try log.beginImport()
        while written < perStream {
            let n = min(batch, perStream - written)
            for s in 0..<streams {
                try tx.append(to: names[s], factory.batch(n, seq: seq), expected: written == 0 ? .noStream : .exact(UInt64(written)))
                seq += n
            }
            written += n
            progress("  building the open log: \(Format.count(written * streams)) events (\(Format.fixed(secondsSince(start), 1)) s)")
        }
        try tx.commit()
        let seconds = secondsSince(start)
        log.close()
        return seconds
    }
}
