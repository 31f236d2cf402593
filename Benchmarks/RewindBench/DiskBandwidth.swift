import Foundation

/// Workload 3: the disk's own sequential bandwidth with fdatasync, measured by dd in the same
/// run and the same directory, as the yardstick for durable batches of 1000.
enum DiskBandwidth {
    /// Runs `dd if=/dev/zero of=FILE bs=1M count=N conv=fdatasync` `runs` times and reports
    /// the median bytes/s (computed from dd's own byte count and seconds on stderr).
    static func measure(_ c: BenchConfig, _ ws: Workspace) throws -> WorkloadResult {
        var r = WorkloadResult(name: "dd", title: "dd bs=1M conv=fdatasync (disk bandwidth)")
        var rates: [Double] = []
        var dsyncRates: [Double] = []
        var smallSyncMicros: [Double] = []
        let smallCount = 2000
        var lastLine = ""
        // The write pattern of durable batches of 1000: one ~160 KiB write, then a sync.
        let dsyncBlock = 160 << 10
        let dsyncCount = max(1, (c.ddMiB << 20) / dsyncBlock)
        // Every file is kept until the end, so each dd writes to fresh blocks (see
        // Workspace.discardAfterWorkload); one more dd then rewrites just-freed blocks.
        for run in 0..<c.runs {
            let file = ws.path("dd-\(run).bin")
            let (bytes, seconds, line) = try runDD(file: file, args: ["bs=1M", "count=\(c.ddMiB)", "conv=fdatasync"])
            ws.discardAfterWorkload(file, always: true)
            rates.append(Double(bytes) / seconds)
            lastLine = line
            progress("  dd run \(run + 1)/\(c.runs): \(Format.mb(Double(bytes) / seconds)) MB/s (\(line))")
            let file2 = ws.path("dd-160k-\(run).bin")
            let (b2, s2, line2) = try runDD(file: file2, args: ["bs=\(dsyncBlock)", "count=\(dsyncCount)", "oflag=dsync"])
            ws.discardAfterWorkload(file2, always: true)
            dsyncRates.append(Double(b2) / s2)
            progress("  dd oflag=dsync bs=160K run \(run + 1)/\(c.runs): \(Format.mb(Double(b2) / s2)) MB/s (\(line2))")
            // The pattern of durable batches of 100 (about 16 KB each).
            let file3 = ws.path("dd-16k-\(run).bin")
            let (_, s3, _) = try runDD(file: file3, args: ["bs=16K", "count=\(smallCount)", "oflag=dsync"])
            ws.discardAfterWorkload(file3, always: true)
            smallSyncMicros.append(s3 / Double(smallCount) * 1e6)
            progress("  dd oflag=dsync bs=16K run \(run + 1)/\(c.runs): \(Format.fixed(smallSyncMicros.last!, 1)) µs per synced write")
        }
        ws.removeDeferred()
        let reuse = ws.path("dd-reuse.bin")
        let (rb, rs, rline) = try runDD(file: reuse, args: ["bs=1M", "count=\(c.ddMiB)", "conv=fdatasync"])
        ws.remove(reuse)
        progress("  dd into just-freed blocks: \(Format.mb(Double(rb) / rs)) MB/s (\(rline))")
        r.set("mb_per_s", "sequential write + fdatasync (median)", Stats.median(rates).map { $0 / 1e6 }, .megabytesPerSecond)
        r.set("mb_per_s_min", "slowest run", rates.min().map { $0 / 1e6 }, .megabytesPerSecond)
        r.set("mb_per_s_max", "fastest run", rates.max().map { $0 / 1e6 }, .megabytesPerSecond)
        r.set("reused_blocks_mb_per_s", "the same dd right after deleting the other files (just-freed blocks), one run",
              Double(rb) / rs / 1e6, .megabytesPerSecond)
        r.set("dsync_160k_mb_per_s", "dd bs=160K oflag=dsync, a sync per 160 KiB write like append1000 (median)",
              Stats.median(dsyncRates).map { $0 / 1e6 }, .megabytesPerSecond)
        r.set("dsync_16k_us", "dd bs=16K oflag=dsync: µs per synced 16 KiB append, like one append100 batch (median)",
              Stats.median(smallSyncMicros), .micros)
        r.notes = "dd if=/dev/zero of=FILE bs=1M count=\(c.ddMiB) conv=fdatasync in the scratch directory, a new file per run, all kept " +
            "until the end so that every run writes fresh blocks; one fdatasync at the end (the target's yardstick). On this VM a dd into blocks " +
            "that were just freed runs several times faster (the 'just-freed blocks' figure), so it is not used as the yardstick; the log's " +
            "write workloads also keep their files until the workload ends. Also, for reference, dd bs=160K count=\(dsyncCount) oflag=dsync: " +
            "the same bytes with one synced write per 160 KiB, the pattern of durable batches of 1000; and dd bs=16K count=\(smallCount) " +
            "oflag=dsync, the pattern of batches of 100 (the floor of one synced append on this disk). Last dd line: \(lastLine)"
        return r
    }

    /// Runs dd once; returns bytes copied, seconds and dd's summary line.
    static func runDD(file: String, args: [String]) throws -> (Int, Double, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["dd", "if=/dev/zero", "of=\(file)"] + args
        var env = ProcessInfo.processInfo.environment
        env["LC_ALL"] = "C"  // "0.8 s", never "0,8 s"
        p.environment = env
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        do { try p.run() } catch { throw BenchError("cannot run dd: \(error)") }
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard p.terminationStatus == 0 else { throw BenchError("dd failed (exit \(p.terminationStatus)): \(text)") }
        guard let parsed = parse(text) else { throw BenchError("cannot parse dd's output: \(text)") }
        return (parsed.bytes, parsed.seconds, parsed.line)
    }

    /// Parses GNU dd's last stderr line: "268435456 bytes (268 MB, 256 MiB) copied, 0.79 s, 340 MB/s".
    static func parse(_ text: String) -> (bytes: Int, seconds: Double, line: String)? {
        for line in text.split(separator: "\n").reversed() where line.contains(" bytes") && line.contains("copied") {
            let fields = line.split(separator: ",").map { String($0).trimmed() }
            guard let bytes = line.split(separator: " ").first.flatMap({ Int($0) }) else { continue }
            // The field after "copied" is "<seconds> s".
            guard let i = fields.firstIndex(where: { $0.hasSuffix("copied") }), i + 1 < fields.count,
                  let seconds = fields[i + 1].split(separator: " ").first.flatMap({ Double($0) }), seconds > 0 else { continue }
            return (bytes, seconds, String(line))
        }
        return nil
    }
}
