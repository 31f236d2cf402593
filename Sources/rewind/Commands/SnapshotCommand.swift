import ArgumentParser
import EventLog
import Replay
import JSON
import Platform
import SafeText

/// `rewind snapshot create|list|verify|rebuild|import`: the derived state files in LOG/snapshots.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot", abstract: "Create, list, verify, rebuild and import snapshots of stream states.",
        discussion: """
            A snapshot is a stream's state at one version, made by its reducer (the aggregate of rewind.toml, \
            or the generic fold), kept in LOG/snapshots/<stream>/ with a CRC32C of the state and the \
            reducer's fingerprint. They are a cache: 'rewind state' starts from the newest usable one and \
            replays what follows. A snapshot is never used when its checksum fails (corrupt), its reducer \
            or upcasters changed (stale), or a replay disagrees with it (drift, found by verify or import). \
            The [snapshots] table of rewind.toml says when to take them (every = N events, \
            maxReplayMillis = M); --every and --max-replay-ms override it.
            """,
        subcommands: [Create.self, List.self, Verify.self, Rebuild.self, Import.self])

    struct Options: ParsableArguments {
        @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "A stream, or a glob such as 'account-*' (default: every stream).") var stream: String?
        @Option(name: .long, help: "The rewind.toml to use (default: LOG/rewind.toml).") var config: String?
        @Flag(name: .long, help: "Print JSON Lines, one object per snapshot.") var json = false
    }

    struct PolicyOptions: ParsableArguments {
        @Option(name: .long, help: "Take a snapshot every N events (overrides [snapshots] every).") var every: Int?
        @Option(name: .customLong("max-replay-ms"), help: "…or whenever replay since the last one took longer than M ms.") var maxReplayMillis: Double?

        func validate() throws {
            if let every, every < 1 { throw ValidationError("--every needs a whole number ≥ 1") }
            if let maxReplayMillis, maxReplayMillis <= 0 { throw ValidationError("--max-replay-ms needs a number of milliseconds > 0") }
        }

        func policy(_ config: RewindConfig) -> SnapshotPolicy {
            if every != nil || maxReplayMillis != nil { return SnapshotPolicy(everyEvents: every, maxReplayMillis: maxReplayMillis) }
            return config.snapshots
        }
    }

    /// The log, its configuration and the streams the command is about.
    struct Session {
        let eventLog: any EventStore
        let manager: SnapshotManager
        let streams: [String]

        init(_ options: Options) throws {
            eventLog = try StoreOpener.openReadOnly(options.log, options.database, config: options.config)
            let config = try RewindConfig.load(forLog: StoreOpener.root(options.log, stateDirectory: options.database.stateDir), configPath: options.config)
            manager = try SnapshotManager(log: eventLog, config: config)
            let all = eventLog.streams().map(\.name)
            if let pattern = options.stream {
                if all.contains(pattern) {
                    streams = [pattern]
                } else {
                    streams = all.filter { StreamGlob.matches(pattern, $0) }
                    if streams.isEmpty {
                        throw CLIError("no stream named or matching '\(SafeText.escape(pattern))' in \(StoreOpener.shown(options.log)); 'rewind streams \(StoreOpener.shown(options.log))' lists them")
                    }
                }
            } else {
                streams = all
            }
        }
    }

    // MARK: create and rebuild

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Take the snapshots the policy asks for (only what is missing).",
            discussion: "Replay starts at each stream's newest usable snapshot, so running it again after the log grew only adds the new ones.")
        @OptionGroup var options: Options
        @OptionGroup var policy: PolicyOptions

        func run() throws {
            try runReporting { try SnapshotCommand.create(options, policy, rebuild: false) }
        }
    }

    struct Rebuild: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rebuild", abstract: "Delete the snapshots of the streams and take them again from version 0.",
            discussion: "Without STREAM, also deletes snapshot files of streams the log does not have.")
        @OptionGroup var options: Options
        @OptionGroup var policy: PolicyOptions

        func run() throws {
            try runReporting { try SnapshotCommand.create(options, policy, rebuild: true) }
        }
    }

    static func create(_ options: Options, _ policyOptions: PolicyOptions, rebuild: Bool) throws {
        let session = try Session(options)
        defer { session.eventLog.close() }
        let policy = policyOptions.policy(session.manager.config)
        let started = ProgressBar.now()
        if rebuild && options.stream == nil {
            for check in session.manager.list() where session.eventLog.version(of: check.stream) == 0 {
                try session.manager.store.remove(file: check.file)
            }
        }
        let bar = ProgressBar(label: rebuild ? "rebuilding" : "snapshotting", unit: " streams")
        var creations: [SnapshotManager.Creation] = []
        for (i, stream) in session.streams.enumerated() {
            creations.append(contentsOf: try session.manager.create(streams: [stream], policy: policy, rebuild: rebuild))
            bar.update(i + 1, of: session.streams.count)
        }
        bar.finish()
        let total = creations.reduce(0) { $0 + $1.created.count }
        if options.json {
            for c in creations {
                for (version, file) in c.created {
                    let object: JSONValue = ["stream": .string(c.stream), "version": .integer(Int64(clamping: version)), "reducer": .string(c.reducer), "file": .string(file)]
                    Output.standard.line(bytes: object.serializedBytes())
                }
            }
            return
        }
        for c in creations where !c.created.isEmpty {
            let versions = c.created.map(\.version)
            let range = versions.count == 1 ? "version \(versions[0])" : "versions \(versions[0])…\(versions[versions.count - 1])"
            Output.standard.line("\(SafeText.escape(c.stream)): \(plural(versions.count, "snapshot")) at \(range) · reducer \(SafeText.escape(c.reducer)) · replayed \(plural(Int(c.replayed), "event")) after version \(c.startedAfter)")
        }
        let seconds = ProgressBar.now() - started
        let streamsWith = creations.filter { !$0.created.isEmpty }.count
        if total == 0 {
            var rule: [String] = []
            if let every = policy.everyEvents { rule.append("every \(every) events") }
            if let ms = policy.maxReplayMillis { rule.append("when replay takes over \(ms) ms") }
            Console.note(rule.isEmpty
                ? "the snapshot policy takes none: set [snapshots] every = N in rewind.toml, or give --every N"
                : "no snapshot was due (policy: \(rule.joined(separator: " or "))); give --every N for a smaller interval")
        } else {
            Console.note("\(rebuild ? "rebuilt" : "created") \(plural(total, "snapshot")) of \(plural(streamsWith, "stream")) in \(String(format1: seconds)) s")
        }
    }

    // MARK: list

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List snapshot files with what is known without a replay.",
            discussion: "Status: ok, corrupt (checksum or format), stale (the reducer or upcasters changed), drift (a replay disagreed), orphaned (no such stream or version). 'verify' checks states against a replay.")
        @OptionGroup var options: Options

        func run() throws {
            try runReporting {
                let session = try Session(options)
                defer { session.eventLog.close() }
                let checks = session.manager.list(streams: options.stream == nil ? nil : session.streams)
                if options.json {
                    for check in checks { Output.standard.line(bytes: SnapshotCommand.json(check).serializedBytes()) }
                    return
                }
                if checks.isEmpty {
                    Console.note("no snapshots; 'rewind snapshot create \(StoreOpener.shown(options.log))' takes them")
                    return
                }
                func pad(_ s: String, _ n: Int) -> String { s.columnPadded(n) }
                let width = min(40, max(6, checks.map { $0.stream.shownWidth }.max() ?? 6)) + 2
                Output.standard.line(pad("STREAM", width) + pad("VERSION", 10) + pad("REDUCER", 18) + pad("ORIGIN", 8) + pad("CREATED", 22) + "STATUS")
                for check in checks {
                    let s = check.snapshot
                    Output.standard.line(
                        pad(SafeText.preview(check.stream, columns: width - 2), width) + pad(String(check.version), 10)
                            + pad(SafeText.preview(s?.reducer ?? "?", columns: 16), 18) + pad(s?.origin.rawValue ?? "?", 8)
                            + pad(s.map { RFC3339.format(microsecondsSinceEpoch: $0.createdMicros, fractionDigits: 0) } ?? "?", 22)
                            + check.status + (check.problem.map { problem in problem.label == "drift" ? "" : " (\(SnapshotCommand.detail(problem)))" } ?? ""))
                }
                let bad = checks.filter { !$0.isOK }.count
                Console.note("\(plural(checks.count, "snapshot"))" + (bad > 0 ? ", \(bad) not usable" : ""))
            }
        }
    }

    // MARK: verify and import

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify", abstract: "Check every snapshot: checksum, reducer fingerprint, and its state against a replay.",
            discussion: "A snapshot that drifts is marked in its file and never used again. Exits 1 when any snapshot is corrupt, stale, drifts or is orphaned; 0 otherwise.")
        @OptionGroup var options: Options

        func run() throws {
            try runReporting {
                let session = try Session(options)
                defer { session.eventLog.close() }
                let bar = ProgressBar(label: "verifying", unit: " snapshots")
                let checks = try session.manager.verify(streams: options.stream == nil ? nil : session.streams) { bar.update($0, of: $1) }
                bar.finish()
                try SnapshotCommand.report(checks, json: options.json, log: options.log, verb: "verified")
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import", abstract: "Import snapshots from JSON Lines and check them against the events.",
            discussion: """
                Each line: {"stream": "account-42", "version": 17, "state": {…}} (a production system's snapshots). \
                Each is compared with a replay of the stream to its version by the configured reducer and stored \
                like any other snapshot; one that differs is reported with the differences, kept (for list) and \
                never used. All or nothing: a bad line refuses the file. Exits 1 when any snapshot drifts.
                """)
        @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The JSON Lines file.") var file: String
        @Option(name: .long, help: "The rewind.toml to use (default: LOG/rewind.toml).") var config: String?
        @Flag(name: .long, help: "Print JSON Lines, one object per snapshot.") var json = false

        func run() throws {
            try runReporting {
                guard FileSystem.exists(file) else { throw CLIError("\(file) does not exist; give the JSON Lines file of snapshots") }
                let eventLog = try StoreOpener.openReadOnly(log, database, config: config)
                defer { eventLog.close() }
                let configuration = try RewindConfig.load(forLog: StoreOpener.root(log, stateDirectory: database.stateDir), configPath: config)
                let manager = try SnapshotManager(log: eventLog, config: configuration)
                let checks: [SnapshotCheck]
                do {
                    checks = try manager.importSnapshots(file: file)
                } catch let error as SnapshotManager.ImportError {
                    throw CLIError(error.description)
                }
                try SnapshotCommand.report(checks, json: json, log: log, verb: "imported")
            }
        }
    }

    /// Prints checks (problems in detail) and fails when any is bad.
    static func report(_ checks: [SnapshotCheck], json: Bool, log: String, verb: String) throws {
        if json {
            for check in checks { Output.standard.line(bytes: SnapshotCommand.json(check).serializedBytes()) }
        } else {
            for check in checks where !check.isOK {
                guard let problem = check.problem else { continue }
                Output.standard.line("\(problem.label): \(SafeText.escape(check.stream)) at version \(check.version) (\(check.file)): \(detail(problem))")
                if case .drift(let changes) = problem {
                    for line in AnnotatedJSON.describe(changes, old: "replay", new: "snapshot") { Output.standard.line("    " + line) }
                }
            }
        }
        let bad = checks.filter { !$0.isOK }
        if checks.isEmpty {
            Console.note(verb == "verified" ? "no snapshots to verify; 'rewind snapshot create \(StoreOpener.shown(log))' takes them" : "the file holds no snapshots")
            return
        }
        guard bad.isEmpty else {
            var counts: [String: Int] = [:]
            for check in bad { counts[check.status, default: 0] += 1 }
            let summary = ["corrupt", "stale", "drift", "orphaned"].compactMap { label in counts[label].map { "\($0) \(label)" } }.joined(separator: ", ")
            Output.standard.flush()
            Console.error("\(bad.count) of \(plural(checks.count, "snapshot")) \(verb) cannot be used (\(summary)); they are never used to load state. 'rewind snapshot rebuild \(StoreOpener.shown(log))' replaces them with fresh ones.")
            throw ExitCode(ExitStatus.failure)
        }
        Console.note("\(verb) \(plural(checks.count, "snapshot")): all match a replay")
    }

    static func detail(_ problem: SnapshotProblem) -> String {
        switch problem {
        case .corrupt(let reason): return reason
        case .stale(let recorded, let current): return "made by \(recorded); the configuration now gives \(current)"
        case .drift(let changes): return changes.isEmpty ? "a replay disagreed with it" : "\(plural(changes.count, "difference")) from a replay"
        case .orphaned(let reason): return reason
        }
    }

    static func json(_ check: SnapshotCheck) -> JSONValue {
        var object: JSONObject = [
            "stream": .string(check.stream), "version": .integer(Int64(clamping: check.version)), "status": .string(check.status), "file": .string(check.file),
        ]
        if let s = check.snapshot {
            object["reducer"] = .string(s.reducer)
            object["fingerprint"] = .string(s.fingerprint)
            object["origin"] = .string(s.origin.rawValue)
            object["created"] = .string(RFC3339.format(microsecondsSinceEpoch: s.createdMicros))
        }
        if let problem = check.problem {
            object["problem"] = .string(detail(problem))
            if case .drift(let changes) = problem, !changes.isEmpty {
                object["changes"] = .array(changes.map { change in
                    var c: JSONObject = ["path": .string(change.path.description), "kind": .string("\(change.kind)")]
                    if let old = change.oldValue { c["replay"] = old }
                    if let new = change.newValue { c["snapshot"] = new }
                    return .object(c)
                })
            }
        }
        return .object(object)
    }
}
