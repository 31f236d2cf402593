import ArgumentParser
import EventLog
import Replay
import JSON
import SafeText

struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state", abstract: "Replay a stream's state at a version, an instant or a global position.",
        discussion: """
            The state comes from the stream's aggregate in rewind.toml (jq handlers), or from the generic \
            fold when none matches: each event's top-level JSON keys merged into {}. Loading starts at the \
            newest usable snapshot (LOG/snapshots) at or below the version and replays what follows; a \
            snapshot that is corrupt, stale or drifts is reported and skipped.

            Without --version, --time or --position: the last version. --time takes RFC 3339 \
            (2026-01-15T10:00:00Z) or a plain date and time in UTC ('2026-01-15 10:00', '2026-01-15') and \
            picks the last event whose original time (the "time" of export) is at or before it. --position \
            picks the stream's last event at or before that global position. Version 0 is the initial state.

            --json prints the state object alone (with --blame: {"version", "state", "blame"}; with --skip: \
            the hypothetical state). --blame shows which version last set each field (top-level keys for the \
            generic fold; each leaf for jq states, looking back 50,000 events). --skip V replays as if those \
            versions never happened (without touching the log) and shows how the state would differ; \
            give several as --skip 3 --skip 7-9 or --skip 3,7.

            --diff A..B prints what changed between two points (paths added, removed and changed, \
            old → new; --json: {"stream","from","to","changes":[{"op","path","old","new"}]}); each end \
            is a version (7 or v7), a global position (@1200) or an instant, as above.
            """)

    @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The stream.") var stream: String
    @Option(name: .long, help: "The version (0 = the initial state).") var version: UInt64?
    @Option(name: .long, help: "An instant: RFC 3339, or a date and time in UTC.") var time: String?
    @Option(name: .long, help: "A global position.") var position: UInt64?
    @Option(name: .long, help: "The rewind.toml to use (default: LOG/rewind.toml).") var config: String?
    @Flag(name: .long, help: "Print the state object alone.") var json = false
    @Flag(name: .long, help: "Show the version that last set each field.") var blame = false
    @Option(name: .long, parsing: .singleValue, help: "Replay without these versions (what-if): N, N-M or N,M,…") var skip: [String] = []
    @Option(name: .long, help: "What changed between two points: A..B, each a version (7, v7), @position or instant.") var diff: String?

    func validate() throws {
        let chosen = [version != nil, time != nil, position != nil].filter { $0 }.count
        if chosen > 1 { throw ValidationError("give at most one of --version, --time and --position") }
        if blame && !skip.isEmpty { throw ValidationError("--blame and --skip cannot be combined; run them one after the other") }
        _ = try skippedVersions()
        if let diff {
            if chosen > 0 || blame || !skip.isEmpty {
                throw ValidationError("--diff names both points itself; it cannot be combined with --version, --time, --position, --blame or --skip")
            }
            _ = try StateDiff(parsing: diff)
        }
    }

    /// `--skip` values as versions.
    func skippedVersions() throws -> Set<UInt64> {
        var out: Set<UInt64> = []
        for text in skip {
            for part in text.split(separator: ",") {
                let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
                guard (1...2).contains(bounds.count), let low = UInt64(String(bounds[0]).trimmed()),
                      let high = UInt64(String(bounds[bounds.count - 1]).trimmed()), low >= 1, low <= high, high - low < 10_000_000 else {
                    throw ValidationError("--skip '\(text)': give versions as N, N-M or N,M (versions start at 1)")
                }
                for v in low...high { out.insert(v) }
            }
        }
        return out
    }

    func run() throws {
        try runReporting {
            let eventLog = try StoreOpener.openReadOnly(log, database, config: config)
            defer { eventLog.close() }
            guard eventLog.version(of: stream) > 0 else {
                throw CLIError("no stream named '\(SafeText.escape(stream))' in \(StoreOpener.shown(log)); 'rewind streams \(StoreOpener.shown(log))' lists them")
            }
            let configuration = try RewindConfig.load(forLog: StoreOpener.root(log, stateDirectory: database.stateDir), configPath: config)
            let manager = try SnapshotManager(log: eventLog, config: configuration)
            let timeline = try manager.timeline(for: stream, useSnapshots: true, options: .init(snapshotsFirst: true))
            if let diff {
                do {
                    try StateDiff(parsing: diff).run(timeline, stream: stream, json: json)
                } catch let error as HandlerError {
                    throw CLIError("\(error.description)\nfix the handler in rewind.toml, or look at the state just before it: rewind state \(StoreOpener.shown(log)) \(SafeText.escape(stream)) --version \(error.version - 1)")
                }
                return
            }
            let last = timeline.lastVersion
            let target = try targetVersion(timeline, last: last)
            let skips = try skippedVersions()
            if let beyond = skips.first(where: { $0 > last }) {
                throw CLIError("--skip \(beyond): \(SafeText.escape(stream)) has \(last) events; skip versions 1…\(last)")
            }
            do {
                if !skips.isEmpty {
                    try whatIf(timeline, target: target, skips: skips)
                } else {
                    try show(timeline, target: target)
                }
            } catch let error as HandlerError {
                throw CLIError("\(error.description)\nfix the handler in rewind.toml, or look at the state just before it: rewind state \(StoreOpener.shown(log)) \(SafeText.escape(stream)) --version \(error.version - 1)")
            }
            for issue in timeline.snapshotIssues {
                Console.note("the snapshot of \(SafeText.escape(issue.stream)) at version \(issue.version) was not used (\(issue.problem)); 'rewind snapshot rebuild \(StoreOpener.shown(log)) \(SafeText.escape(issue.stream))' replaces it")
            }
        }
    }

    private func targetVersion(_ timeline: StreamTimeline, last: UInt64) throws -> UInt64 {
        let name = SafeText.escape(stream)
        if let version {
            guard version <= last else {
                throw CLIError("\(name) has \(last) event\(last == 1 ? "" : "s"); --version \(version) is beyond its end (use 0…\(last))")
            }
            return version
        }
        if let time {
            guard let micros = RFC3339.parse(time) ?? RFC3339.parseFlexible(time) else {
                throw CLIError("--time '\(SafeText.escape(time))' is not a time; use RFC 3339 (2026-01-15T10:00:00Z) or a UTC date and time such as '2026-01-15 10:00'")
            }
            let v = try timeline.version(atTime: micros)
            if v == 0 { Console.note("\(name) has no event at or before \(RFC3339.format(microsecondsSinceEpoch: micros, fractionDigits: 0)); showing the initial state") }
            return v
        }
        if let position {
            let v = try timeline.version(atPosition: position)
            if v == 0 { Console.note("\(name) has no event at or before position \(position); showing the initial state") }
            return v
        }
        return last
    }

    private func header(_ state: TimelineState, reducer: ReducerKind) -> String {
        var text = "\(SafeText.escape(stream)) @ version \(state.version) of \(state.lastVersion)"
        if let event = state.event {
            text += " · \(SafeText.escape(event.type)) at \(RFC3339.format(microsecondsSinceEpoch: event.originalMicros, fractionDigits: 3)) (position \(event.position))"
        } else {
            text += " · initial state"
        }
        text += " · reducer: \(SafeText.escape(reducer.description))"
        if let snapshot = state.snapshotVersion {
            text += " · from the snapshot at version \(snapshot) + \(state.replayedEvents) event\(state.replayedEvents == 1 ? "" : "s")"
        }
        return text
    }

    private func show(_ timeline: StreamTimeline, target: UInt64) throws {
        let state = try timeline.state(at: target)
        guard blame else {
            if json {
                Output.standard.line(bytes: state.state.serializedBytes())
            } else {
                Output.standard.line(header(state, reducer: timeline.reducerKind))
                Output.standard.line(bytes: state.state.serializedBytes(pretty: true))
            }
            return
        }
        let blamed = try timeline.blame(at: target)
        if json {
            var entries = JSONObject()
            for entry in blamed.entries { entries[entry.path.description] = entry.version.map { .integer(Int64(clamping: $0)) } ?? .null }
            let object: JSONValue = ["version": .integer(Int64(clamping: target)), "state": state.state, "blame": .object(entries)]
            Output.standard.line(bytes: object.serializedBytes())
            return
        }
        Output.standard.line(header(state, reducer: timeline.reducerKind))
        var types: [UInt64: String] = [:]
        let versions = Set(blamed.entries.compactMap(\.version)).filter { $0 > 0 }
        if versions.count <= 500 {
            for v in versions { types[v] = try timeline.summary(of: v)?.type }
        }
        var labels: [JSONPath: String] = [:]
        for entry in blamed.entries {
            switch entry.version {
            case .some(0): labels[entry.path] = "init"
            case .some(let v): labels[entry.path] = "v\(v)" + (types[v].map { " " + SafeText.preview($0, columns: 40) } ?? "")
            case .none: labels[entry.path] = blamed.horizon > 0 ? "≤ v\(blamed.horizon)" : "from a snapshot"
            }
        }
        for line in AnnotatedJSON.lines(state.state, labels: labels) { Output.standard.line(line) }
        if blamed.horizon > 0 {
            Console.note("blame looked back \(target - blamed.horizon) events; fields marked ≤ v\(blamed.horizon) last changed at or before that version")
        }
    }

    private func whatIf(_ timeline: StreamTimeline, target: UInt64, skips: Set<UInt64>) throws {
        if let later = skips.filter({ $0 > target }).min() {
            Console.note("version \(later) comes after version \(target), so skipping it changes nothing here")
        }
        let result = try timeline.whatIf(at: target, skipping: skips)
        if json {
            Output.standard.line(bytes: result.hypothetical.serializedBytes())
            return
        }
        let list = result.skipped.map(String.init).joined(separator: ", ")
        Output.standard.line("\(SafeText.escape(stream)) @ version \(target) · what if version\(result.skipped.count == 1 ? "" : "s") \(list) had not happened · reducer: \(SafeText.escape(timeline.reducerKind.description))")
        Output.standard.line(bytes: result.hypothetical.serializedBytes(pretty: true))
        if result.changes.isEmpty {
            Output.standard.line("(the same as the actual state)")
        } else {
            Output.standard.line("differences from the actual state:")
            for line in AnnotatedJSON.describe(result.changes, old: "actual", new: "what-if") { Output.standard.line("  " + line) }
        }
    }
}

/// Pretty JSON with a note at the end of chosen lines, and diffs as lines of text.
enum AnnotatedJSON {
    /// The value pretty-printed as `JSONValue.serialized(pretty:)` does, each line that starts
    /// the member or element at a labelled path followed by `  ← label`, aligned.
    static func lines(_ value: JSONValue, labels: [JSONPath: String]) -> [String] {
        var out: [(text: String, label: String?)] = []
        var path: [JSONPathComponent] = []
        func emit(_ value: JSONValue, prefix: String, indent: String, suffix: String) {
            let label = labels[JSONPath(path)]
            switch value {
            case .object(let members) where !members.isEmpty:
                out.append((prefix + "{", label))
                for (i, (key, child)) in members.enumerated() {
                    path.append(.key(key))
                    emit(child, prefix: indent + "  " + JSONValue.string(key).serialized() + ": ", indent: indent + "  ", suffix: i + 1 < members.count ? "," : "")
                    path.removeLast()
                }
                out.append((indent + "}" + suffix, nil))
            case .array(let elements) where !elements.isEmpty:
                out.append((prefix + "[", label))
                for (i, child) in elements.enumerated() {
                    path.append(.index(i))
                    emit(child, prefix: indent + "  ", indent: indent + "  ", suffix: i + 1 < elements.count ? "," : "")
                    path.removeLast()
                }
                out.append((indent + "]" + suffix, nil))
            default:
                out.append((prefix + value.serialized() + suffix, label))
            }
        }
        emit(value, prefix: "", indent: "", suffix: "")
        let width = min(60, out.filter { $0.label != nil }.map { $0.text.shownWidth }.max() ?? 0)
        return out.map { line in
            guard let label = line.label else { return line.text }
            let pad = max(1, width - line.text.count + 2)
            return line.text + String(repeating: " ", count: pad) + "← " + label
        }
    }

    /// One line per change: `~ .path: old → new`, `+ .path: new`, `- .path: old`.
    static func describe(_ changes: [JSONChange], old: String, new: String) -> [String] {
        changes.prefix(200).map { change in
            let oldText = change.oldValue.map { SafeText.preview($0.serialized(), columns: 60) } ?? ""
            let newText = change.newValue.map { SafeText.preview($0.serialized(), columns: 60) } ?? ""
            switch change.kind {
            case .added: return "+ \(change.path): \(newText) (only in \(new))"
            case .removed: return "- \(change.path): \(oldText) (only in \(old))"
            case .changed: return "~ \(change.path): \(oldText) (\(old)) → \(newText) (\(new))"
            }
        } + (changes.count > 200 ? ["… and \(changes.count - 200) more"] : [])
    }
}
