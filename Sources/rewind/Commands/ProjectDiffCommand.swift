import ArgumentParser
import EventLog
import JSON
import Replay
import SafeText

extension ProjectCommand {
    /// `rewind project diff`: what changed in a read model between two positions or instants.
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff", abstract: "Show what changed in a projection's state between two positions or instants.",
            discussion: """
                The states at --from and --to are folded exactly as 'project state' folds them, starting from \
                the nearest state cached in LOG/cache/project-state/NAME/ (derived files that 'project state', \
                'project step' and this command share and extend; --no-cache neither reads nor writes them; \
                LOG/projections/ is never written), and compared structurally: each path added, removed or \
                changed, with the old and new value. --from and --to take a global position (1200 or @1200) \
                or an instant (RFC 3339, or a UTC date and time); --to defaults to the head. With a partitioned \
                projection, --key K compares that partition's state only. --json prints \
                {"projection","from","to","key","changes":[{"op","path","old","new"}]}.
                """)

        @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The projection's name in rewind.toml.") var name: String
        @Option(name: .long, help: "The earlier point: a global position (or @position) or an instant.") var from: String
        @Option(name: .long, help: "The later point (default: the head).") var to: String?
        @Option(name: .long, help: "For a partitioned projection: compare only this partition.") var key: String?
        @Option(name: .long, help: "The rewind.toml to use (default: LOG/rewind.toml).") var config: String?
        @Flag(name: .long, help: "Print one JSON object.") var json = false
        @Flag(name: .customLong("from-start"), help: "Fold from the first event even when a saved state could be used.") var fromStart = false
        @Flag(name: .customLong("no-cache"), help: "Neither read nor write the derived states in LOG/cache/project-state/.") var noCache = false

        /// A point as given: a position or an instant.
        enum Point {
            case position(UInt64)
            case time(Int64)

            init?(_ text: String) {
                let t = text.trimmed()
                if let p = UInt64(t.hasPrefix("@") ? String(t.dropFirst()) : t) {
                    self = .position(p)
                } else if let micros = RFC3339.parse(t) ?? RFC3339.parseFlexible(t) {
                    self = .time(micros)
                } else {
                    return nil
                }
            }
        }

        static func point(_ text: String, option: String) throws -> Point {
            guard let p = Point(text) else {
                throw ValidationError("\(option) '\(SafeText.escape(text))' is not a position or an instant; give a global position (1200 or @1200) or RFC 3339 (2026-01-15T10:00:00Z)")
            }
            return p
        }

        func validate() throws {
            _ = try Self.point(from, option: "--from")
            if let to { _ = try Self.point(to, option: "--to") }
        }

        func run() throws {
            try runReporting(jsonErrors: json) {
                let configuration = try RewindConfig.load(forLog: StoreOpener.root(log, stateDirectory: database.stateDir), configPath: config)
                let definition = try ProjectionNames.definition(name, in: configuration, log: StoreOpener.root(log, stateDirectory: database.stateDir), key: key)
                let eventLog = try StoreOpener.openReadOnly(log, database, config: config)
                defer { eventLog.close() }
                let head = eventLog.head
                func position(_ text: String?, option: String) throws -> UInt64 {
                    guard let text else { return head }
                    switch try Self.point(text, option: option) {
                    case .position(let p):
                        guard p <= head else { throw CLIError("\(option) \(p) is past the head of \(StoreOpener.shown(log)) (\(head)); give 0…\(head)") }
                        return p
                    case .time(let micros):
                        return try ProjectionStateAt.position(atTime: micros, log: eventLog)
                    }
                }
                let a = try position(from, option: "--from")
                let b = try position(to, option: "--to")
                let (timeline, files) = try ProjectionNames.timeline(eventLog, definition, configuration, fromStart: fromStart, noCache: noCache)
                defer { ProjectionNames.printNotes(files) }
                // The lower point first: the fold then goes on to the higher one.
                let (low, high) = (min(a, b), max(a, b))
                let first = try timeline.state(at: low, key: key)
                let second = try timeline.state(at: high, key: key)
                let results = a <= b ? [first, second] : [second, first]
                let old = key.map { results[0].partitions[$0] ?? .null } ?? results[0].state
                let new = key.map { results[1].partitions[$0] ?? .null } ?? results[1].state
                let changes = JSONValue.diff(from: old, to: new)
                if json {
                    var object: JSONObject = [
                        "projection": .string(name),
                        "from": ["position": .integer(Int64(clamping: a))],
                        "to": ["position": .integer(Int64(clamping: b))],
                    ]
                    if let key { object["key"] = .string(key) }
                    object["changes"] = DiffOutput.json(changes)
                    Output.standard.line(bytes: JSONValue.object(object).serializedBytes())
                } else {
                    var title = "\(SafeText.escape(name)): position \(a) → \(b)"
                    if let key { title += " · partition '\(SafeText.escape(key))'" }
                    Output.standard.line(title + " · " + DiffOutput.summary(changes))
                    for line in DiffOutput.lines(changes, old: "@\(a)", new: "@\(b)") { Output.standard.line(line) }
                }
                if let fault = results.compactMap(\.fault).first {
                    throw CLIError("projection \(SafeText.escape(name)) faults before position \(max(a, b)): \(SafeText.escape(fault.description))\n"
                        + "the states compared stop just before that event; fix the handler in rewind.toml")
                }
            }
        }
    }
}
