/// The targets from the benchmark issue, checked against a report's figures.
enum Targets {
    static func check(_ report: BenchReport) -> [TargetCheck] {
        var out: [TargetCheck] = []
        let dd = report.result("dd")?.value("mb_per_s")
        let a1000 = report.result("append1000")?.value("mb_per_s")
        if let dd, let a1000, dd > 0 {
            let ratio = a1000 / dd
            let slowest = report.result("dd")?.value("mb_per_s_min")
            let slowestNote = slowest.map { " (\(Format.fixed(a1000 / $0, 2)) of the slowest dd run)" } ?? ""
            out.append(TargetCheck(
                name: "append1000 vs dd", goal: "durable batches of 1000 ≥ 0.5 × dd fdatasync bandwidth",
                measured: "\(Format.fixed(a1000, 1)) / \(Format.fixed(dd, 1)) MB/s = \(Format.fixed(ratio, 2))" + slowestNote, met: ratio >= 0.5))
        } else {
            out.append(TargetCheck(name: "append1000 vs dd", goal: "durable batches of 1000 ≥ 0.5 × dd fdatasync bandwidth", measured: "–", met: nil))
        }
        let scan = report.result("scan")?.value("events_per_s")
        out.append(TargetCheck(
            name: "scan", goal: "readAll ≥ 5,000,000 events/s (page cache)",
            measured: scan.map { Format.rate($0) + " events/s" } ?? "–", met: scan.map { $0 >= 5_000_000 }))
        let verify = report.result("verify")?.value("events_per_s")
        out.append(TargetCheck(
            name: "verify", goal: "LogVerifier.verify ≥ 5,000,000 events/s (page cache)",
            measured: verify.map { Format.rate($0) + " events/s" } ?? "–", met: verify.map { $0 >= 5_000_000 }))
        let open = report.result("open")
        let events = Format.count(open?.value("log_events").map { Int($0) } ?? report.config.openEvents)
        for (key, label) in [("open_ms", "openReadOnly"), ("open_writer_ms", "openWriter")] {
            let ms = open?.value(key)
            out.append(TargetCheck(
                name: label, goal: "open a \(events)-event log < 1 s (median)",
                measured: ms.map { Format.fixed($0, 1) + " ms" } ?? "–", met: ms.map { $0 < 1000 }))
        }
        let perEvent = open?.value("index_memory_bytes_per_event")
        out.append(TargetCheck(
            name: "index memory", goal: "indexMemoryBytes / events ≤ 24",
            measured: perEvent.map { Format.fixed($0, 1) + " B/event" } ?? "–", met: perEvent.map { $0 <= 24 }))
        for row in report.peer?.rows ?? [] {
            guard let target = row.target else { continue }
            out.append(TargetCheck(
                name: "\(row.workload) vs peer", goal: "\(row.workload) ≥ \(Int(target))x eventsourcing",
                measured: row.ratio.map { Format.fixed($0, 1) + "x" } ?? "–", met: row.met))
        }
        return out
    }

    /// Adds append1000's bytes/s as fractions of the dd figures measured in the same run.
    static func addDiskRatios(to report: inout BenchReport) {
        guard let dd = report.result("dd"), let i = report.results.firstIndex(where: { $0.name == "append1000" }),
              let mine = report.results[i].value("mb_per_s") else { return }
        let ratios: [(String, String, Double?)] = [
            ("vs_dd", "log bytes/s ÷ dd fdatasync bytes/s (median dd run)", dd.value("mb_per_s")),
            ("vs_dd_slowest", "log bytes/s ÷ the slowest dd run", dd.value("mb_per_s_min")),
            ("vs_dd_dsync_160k", "log bytes/s ÷ dd bs=160K oflag=dsync (the same write pattern)", dd.value("dsync_160k_mb_per_s")),
        ]
        for (key, label, base) in ratios {
            if let base, base > 0 { report.results[i].set(key, label, mine / base, .ratio) }
        }
    }
}
