import Foundation

/// Number formatting for the tables.
enum Format {
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func rate(_ x: Double) -> String { x.isFinite ? count(Int(x.rounded())) : "–" }
    /// Bytes (or bytes/s) as megabytes (10^6), one decimal.
    static func mb(_ bytes: Double) -> String { fixed(bytes / 1e6, 1) }
    static func fixed(_ x: Double, _ digits: Int) -> String { x.isFinite ? String(format: "%.\(digits)f", x) : "–" }

    static func value(_ v: Double?, _ unit: WorkloadResult.Unit) -> String {
        guard let v, v.isFinite else { return "–" }
        switch unit {
        case .eventsPerSecond: return rate(v)
        case .megabytesPerSecond: return fixed(v, 1)
        case .gigabytesPerSecond: return fixed(v, 2)
        case .micros: return fixed(v, 1)
        case .millis: return fixed(v, v < 10 ? 3 : 1)
        case .seconds: return fixed(v, 1)
        case .bytes, .count: return count(Int(v.rounded()))
        case .bytesPerEvent: return fixed(v, 1)
        case .ratio: return fixed(v, 2)
        }
    }
}

/// A Markdown table with padded columns: readable in a terminal, pasteable into docs.
struct Table {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns after the first are right-aligned unless listed here.
    var leftAligned: Set<Int> = [0]

    func render() -> String {
        let widths = headers.indices.map { i in
            max(headers[i].count, rows.map { i < $0.count ? $0[i].count : 0 }.max() ?? 0)
        }
        func line(_ cells: [String]) -> String {
            let padded = headers.indices.map { i -> String in
                let cell = i < cells.count ? cells[i] : ""
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return leftAligned.contains(i) ? cell + pad : pad + cell
            }
            return "| " + padded.joined(separator: " | ") + " |"
        }
        let rule = "|" + headers.indices.map { i in
            leftAligned.contains(i) ? ":" + String(repeating: "-", count: widths[i] + 1) : String(repeating: "-", count: widths[i] + 1) + ":"
        }.joined(separator: "|") + "|"
        return ([line(headers), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}

/// Prints a `BenchReport` as tables, or as one JSON object.
enum ReportPrinter {
    static func text(_ r: BenchReport) -> String {
        var out = "\nRewind engine benchmark\(r.config.quick ? " (--quick sizes)" : "")\n"
        out += "machine: \(r.machine.oneLine)\n"
        out += "scratch: \(r.scratch), started \(r.startedAt), took \(Format.fixed(r.totalSeconds, 0)) s\n"
        out += "load average: \(r.loadAtStart) at the start, \(r.loadAtEnd) at the end (this machine has \(r.machine.cpus) CPUs)\n\n"

        var main = Table(headers: ["workload", "events/s", "MB/s", "p50 µs", "p99 µs", "B/event", "events/s per run"])
        main.leftAligned = [0, 6]
        for w in r.results where w.name != "open" && w.name != "dd" {
            main.rows.append([
                w.name,
                Format.value(w.value("events_per_s"), .eventsPerSecond),
                Format.value(w.value("mb_per_s") ?? w.value("gb_per_s").map { $0 * 1000 }, .megabytesPerSecond),
                Format.value(w.value("p50_us"), .micros),
                Format.value(w.value("p99_us"), .micros),
                Format.value(w.value("bytes_per_event"), .bytesPerEvent),
                w.name == "readstream" ? "\(w.runs.count) reads" : w.runs.map { Format.rate($0) }.joined(separator: " "),
            ])
        }
        if !main.rows.isEmpty { out += main.render() + "\n" }

        for w in r.results {
            let extra = w.figures.filter { !(WorkloadResult.columnKeys.contains($0.key) && w.name != "open" && w.name != "dd") }
            out += "\(w.name) — \(w.title)\n"
            for f in extra {
                let unit = f.unit == .count ? "" : f.unit == .ratio ? "x" : " " + f.unit.rawValue
                out += "    \(f.label): \(Format.value(f.value, f.unit))\(unit)\n"
            }
            out += wrap(w.notes, indent: "    ") + "\n"
        }

        if let peer = r.peer {
            out += "Side by side with the Python peer (events/s; ratio = rewind ÷ eventsourcing)\n"
            if peer.status != "ok" { out += "    \(peer.status)\n" }
            if !peer.info.isEmpty { out += wrap(peer.info, indent: "    ") + "\n" }
            var t = Table(headers: ["workload", "rewind", "eventsourcing", "ratio", "rewind p50 µs", "es p50 µs", "target", "status"])
            for row in peer.rows {
                t.rows.append([
                    row.workload,
                    Format.value(row.rewind, .eventsPerSecond),
                    Format.value(row.peer, .eventsPerSecond),
                    row.ratio.map { Format.fixed($0, 1) + "x" } ?? "–",
                    Format.value(row.rewindP50, .micros),
                    Format.value(row.peerP50, .micros),
                    row.target.map { "≥ \(Int($0))x" } ?? "",
                    row.target == nil ? "" : (row.met.map { $0 ? "met" : "MISSED" } ?? "not measured"),
                ])
            }
            t.leftAligned = [0, 7]
            out += t.render() + "\n"
        }

        var targets = Table(headers: ["target", "goal", "measured", "status"])
        targets.leftAligned = [0, 1, 2, 3]
        for c in r.targets { targets.rows.append([c.name, c.goal, c.measured, c.status]) }
        out += "Targets\n" + targets.render()
        return out
    }

    static func wrap(_ text: String, indent: String, width: Int = 100) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + word.count + 1 > width - indent.count {
                lines.append(indent + line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(indent + line) }
        return lines.joined(separator: "\n")
    }

    static func json(_ r: BenchReport) -> String {
        func num(_ v: Double?) -> Any { v.flatMap { $0.isFinite ? $0 : nil } ?? NSNull() }
        var workloads: [String: Any] = [:]
        for w in r.results {
            var figures: [String: Any] = [:]
            var units: [String: Any] = [:]
            for f in w.figures {
                figures[f.key] = num(f.value)
                units[f.key] = f.unit.rawValue
            }
            workloads[w.name] = ["title": w.title, "figures": figures, "units": units, "runs": w.runs.map { num($0) }, "notes": w.notes]
        }
        var object: [String: Any] = [
            "tool": "rewind-bench",
            "started_at": r.startedAt,
            "total_seconds": r.totalSeconds,
            "quick": r.config.quick,
            "machine": r.machine.json,
            "scratch": r.scratch,
            "load_average_start": r.loadAtStart,
            "load_average_end": r.loadAtEnd,
            "params": Dictionary(uniqueKeysWithValues: r.config.parameters.map { ($0.0, $0.1 as Any) }),
            "workloads": workloads,
            "targets": r.targets.map { ["name": $0.name, "goal": $0.goal, "measured": $0.measured, "met": $0.met.map { $0 as Any } ?? NSNull()] },
        ]
        if let p = r.peer {
            object["peer"] = [
                "status": p.status,
                "info": p.info,
                "seconds": num(p.seconds),
                "comparison": p.rows.map { row -> [String: Any] in
                    ["workload": row.workload, "rewind_events_per_s": num(row.rewind), "eventsourcing_events_per_s": num(row.peer),
                     "ratio": num(row.ratio), "rewind_p50_us": num(row.rewindP50), "eventsourcing_p50_us": num(row.peerP50),
                     "target_ratio": num(row.target), "met": row.met.map { $0 as Any } ?? NSNull()]
                },
                "eventsourcing": p.raw ?? NSNull(),
            ] as [String: Any]
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) else {
            return "{\"error\": \"could not encode the report as JSON\"}\n"
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
