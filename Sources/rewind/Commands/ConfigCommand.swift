import ArgumentParser
import EventLog
import Replay
import Platform
import SafeText

/// `rewind config …`: tools for rewind.toml.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check rewind.toml (reducers, projections, upcasters, redaction).",
        subcommands: [ConfigCheckCommand.self])
}

/// `rewind config check LOG [--config F]`: loads rewind.toml, compiles every jq expression and
/// prints what it defines, or the first error with its key and line (exit 1).
struct ConfigCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Load rewind.toml, compile every jq expression and summarize it.",
        discussion: """
            Reads LOG/rewind.toml (or --config F), compiles every handler, init, partition and upcaster,
            and prints the aggregates with their globs and handled event types (with how many streams of
            the log each glob matches), the projections, upcasters, redacted fields and snapshot policy.
            A mistake is reported with the file, key and line, and the exit code is 1. See docs/CONFIG.md.
            """)

    @Argument(help: "The log directory, or a postgresql:// URL (its rewind.toml is in the state directory).") var log: String
    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: ArgumentHelp("The rewind.toml to check (default: LOG/rewind.toml).", valueName: "file")) var config: String?

    func run() throws {
        try runReporting {
            if config == nil && !StoreOpener.isURL(log) && !FileSystem.isDirectory(log) {
                throw CLIError("no log directory at \(StoreOpener.shown(log)); give the log's directory, or the file with --config")
            }
            let root = StoreOpener.root(log, stateDirectory: database.stateDir)
            let loaded = try RewindConfig.load(forLog: root, configPath: config)
            let streams = streamNames()
            for line in ConfigSummary.lines(loaded, defaultPath: RewindConfig.defaultPath(forLog: root), streams: streams) {
                Output.standard.line(line)
            }
        }
    }

    /// The log's stream names, to count what each glob matches; nil when the log (or the
    /// database) cannot be opened: checking a config does not need one.
    func streamNames() -> [String]? {
        guard StoreOpener.isURL(log) || FileSystem.isDirectory(log),
              let eventLog = try? StoreOpener.openReadOnly(log, database, config: config) else { return nil }
        defer { eventLog.close() }
        return eventLog.streams().map(\.name)
    }
}

/// The text `rewind config check` prints for a valid configuration.
enum ConfigSummary {
    static func lines(_ config: RewindConfig, defaultPath: String, streams: [String]?) -> [String] {
        func clean(_ text: String) -> String { SafeText.preview(text, columns: 80) }
        var out: [String] = []
        guard let path = config.path else {
            out.append("no rewind.toml (looked for \(clean(defaultPath))): every stream replays with the generic fold;")
            out.append("write one to define aggregates, projections, upcasters and redaction (see docs/CONFIG.md)")
            return out
        }
        let handlerCount = config.aggregates.reduce(0) { $0 + $1.handlers.count } + config.projections.reduce(0) { $0 + $1.handlers.count }
        out.append("\(clean(path)): ok (\(plural(config.aggregates.count, "aggregate")), \(plural(config.projections.count, "projection")), "
            + "\(plural(config.upcasters.count, "upcaster")), \(plural(handlerCount, "handler")); every jq expression compiles)")

        out.append("")
        if config.aggregates.isEmpty {
            out.append("aggregates: none (every stream replays with the generic fold)")
        } else {
            out.append("aggregates (the first whose glob matches a stream folds it):")
            var claimed = Set<String>()
            for a in config.aggregates {
                var line = "  \(clean(a.name))  streams \(clean(a.streams))  init \(clean(a.initExpression))"
                if let streams {
                    let matching = streams.filter { StreamGlob.matches(a.streams, $0) }
                    let shadowed = matching.filter { claimed.contains($0) }.count
                    line += "  (matches \(plural(matching.count, "stream"))"
                    line += shadowed > 0 ? ", \(shadowed) already taken by an earlier aggregate)" : ")"
                    claimed.formUnion(matching)
                }
                out.append(line)
                out.append("    on: " + handlerList(a.handlers.keys.map { $0 }))
            }
            if let streams {
                let unclaimed = streams.filter { !claimed.contains($0) }.count
                if unclaimed > 0 {
                    out.append("  \(plural(unclaimed, "stream")) of the log \(unclaimed == 1 ? "matches" : "match") no aggregate and \(unclaimed == 1 ? "replays" : "replay") with the generic fold")
                }
            }
        }

        if config.projections.isEmpty {
            out.append("projections: none")
        } else {
            out.append("projections:")
            for p in config.projections {
                var line = "  \(clean(p.name))  from \(clean(p.from.description))"
                if let partition = p.partition { line += "  partition \(clean(partition))" }
                line += "  init \(clean(p.initExpression))"
                out.append(line)
                out.append("    on: " + handlerList(p.handlers.keys.map { $0 }))
            }
        }

        if config.upcasters.isEmpty {
            out.append("upcasters: none")
        } else {
            out.append("upcasters (schema version from → to):")
            for u in config.upcasters {
                let steps = u.steps.keys.sorted().map { "\($0)→\(UInt64($0) + 1)" }
                out.append("  \(clean(u.eventType))  " + (steps.isEmpty ? "no steps" : steps.joined(separator: ", ")))
            }
        }

        if !config.sagas.isEmpty {
            out.append("sagas:")
            for saga in config.sagas {
                out.append("  \(clean(saga.name))  \(clean(saga.instances.description))  timeout \(SagaDuration.text(micros: saga.timeoutMicros))")
                out.append("    steps: " + saga.steps.map { SafeText.preview($0, columns: 60) }.joined(separator: " → "))
                if !saga.compensations.isEmpty {
                    out.append("    compensations: " + saga.compensations.map { "\(SafeText.preview($0.type, columns: 60)) undoes \(SafeText.preview($0.step, columns: 60))" }.joined(separator: ", "))
                }
                if !saga.failed.isEmpty { out.append("    failed: " + saga.failed.map { SafeText.preview($0, columns: 60) }.joined(separator: ", ")) }
            }
        }

        let fields = config.redaction.fields
        out.append("redact: " + (fields.isEmpty ? "nothing (--redact needs [redact] fields)" : fields.map(clean).joined(separator: ", ")))

        var policy: [String] = []
        if let every = config.snapshots.everyEvents { policy.append("every \(plural(every, "event"))") }
        if let millis = config.snapshots.maxReplayMillis { policy.append("when a replay would take over \(Self.number(millis)) ms") }
        out.append("snapshots: " + (policy.isEmpty ? "never automatically" : policy.joined(separator: ", or ")))
        if let s = config.source {
            let columns = ["position": s.position, "stream": s.stream, "version": s.version, "type": s.type, "data": s.data,
                           "metadata": s.metadata, "time": s.time, "id": s.id]
            let named = EventTableSource.keys.compactMap { key in columns[key].flatMap { $0 }.map { "\(key) \(clean($0))" } }
            out.append("source: table \(s.schema.map { clean($0) + "." } ?? "")\(clean(s.table)) (\(named.joined(separator: ", ")))")
        }
        return out
    }

    static func handlerList(_ types: [String]) -> String {
        types.isEmpty ? "(no handlers: only init)" : types.map { SafeText.preview($0, columns: 60) }.joined(separator: ", ")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
