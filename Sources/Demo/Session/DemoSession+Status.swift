import Replay

extension DemoSession {
    /// Short human lines: where the log is, what runs and at which rate, and how each part is
    /// doing now (for `rewind demo --headless`, logs and tests).
    public var status: [String] {
        let roles = sample.roles
        let timing = options.timing
        var lines = ["\(sample.name) sample: log \(logPath) (config \(configPath)); \(importedEvents) events of history imported"]
        let stats = writerStats
        var writer = "writer: appends about \(Self.number(options.rate)) events/s, each durable (fsync) before the next"
        if let stats {
            writer += "; \(stats.appended) appended, head \(stats.lastPosition > 0 ? stats.lastPosition : importedEvents)"
            if let failure = stats.failure { writer += "; stopped: \(failure)" }
        } else {
            writer += isStopped ? "; stopped" : "; not started"
        }
        lines.append(writer)
        let intent: [String: String] = [
            roles.keepsUp: "keeps up (runs continuously)",
            roles.lagging: "lags in bursts (runs \(Self.number(timing.lagRun)) s at up to \(Self.number(max(50, options.rate * timing.lagBurstFactor))) events/s, then pauses \(Self.number(timing.lagPause)) s)",
            roles.stalls: "stalls (stops advancing \(Self.number(timing.stallAfter)) s after the start, for good)",
            roles.faults: "faults on poison events (\(roles.poison))",
        ]
        let progress = projections
        if progress.isEmpty {
            for name in [roles.keepsUp, roles.lagging, roles.stalls, roles.faults] {
                lines.append("projection \(name): \(intent[name] ?? "")")
            }
        }
        for (role, p) in progress {
            var line = "projection \(p.name): \(intent[p.name] ?? role) — \(p.status.rawValue)"
            if p.status != .starting { line += " at \(p.checkpoint) of \(p.head)" }
            if let f = p.fault, let position = f.position { line += ", faulted at position \(position)" }
            lines.append(line)
        }
        var poison = "poison events: "
        if timing.firstPoisonAfter < 0 {
            poison += "none"
        } else {
            poison += "after \(timing.firstPoisonAfter) live events" + (timing.poisonEvery > 0 ? ", then every \(timing.poisonEvery)" : "")
            let positions = poisonPositions
            if !positions.isEmpty { poison += "; appended at " + positions.map { "\($0)" }.joined(separator: ", ") }
        }
        lines.append(poison)
        if let mirror = postgresMirror {
            let stats = mirror.stats
            var line = "postgres: copying the log into Marten's tables at \(mirror.redactedURL) (mt_events, mt_streams, mt_event_progression); \(stats.copied) events copied"
            if let failure = stats.failure { line += "; stopped: \(failure)" }
            lines.append(line)
            if let config = postgresConfig {
                lines.append("postgres: rewind open \(mirror.redactedURL) reads " + (config.written
                    ? "the sample's projections, aggregates and sagas from \(config.path) (written now)"
                    : "\(config.path) (yours, kept as it is)"))
            }
        }
        lines.append("external consumer \(consumerName): writes \(ExternalCheckpoints.directory(logPath: logPath))/\(consumerName).json every \(Self.number(timing.consumerInterval)) s, about one interval behind")
        if options.directory != nil {
            lines.append("directory \(directory): yours, kept after the demo")
        } else {
            lines.append("directory \(directory): " + (options.keep ? "kept after the demo (--keep)" : "removed when the demo stops"))
        }
        return lines
    }

    /// 20, 2.5: no trailing ".0".
    static func number(_ value: Double) -> String {
        if let whole = Int(exactly: value) { return String(whole) }
        return String((value * 10).rounded() / 10)
    }
}
