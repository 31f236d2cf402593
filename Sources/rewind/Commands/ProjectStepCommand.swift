import ArgumentParser
import EventLog
import JSON
import Replay
import SafeText

extension ProjectCommand {
    /// `rewind project step`: a projection debugger, one handled event at a time.
    struct Step: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "step", abstract: "Step through the events a projection handles from a global position: state before, after, handler.",
            discussion: """
                For each event projection NAME handles from global position P on (up to --count, default 10): \
                the event (position, stream, version, type, data), the handler that ran (its name in \
                rewind.toml: the event type or $any), the state before and after (the event's partition's, for \
                a partitioned projection) and the diff before → after. --key K shows only the events of \
                partition K (the others are still applied). The state before P is folded exactly as 'project \
                state' folds it, from the nearest state cached in LOG/cache/project-state/NAME/ (derived files \
                shared with 'project state' and 'project diff'; --no-cache neither reads nor writes them; \
                LOG/projections/ is never written). A handler error shows the error and the state it left \
                intact, and ends the steps (exit status 0: the fault is what is shown). --json prints one JSON \
                array of {"position","stream","version","type","schemaVersion","data","key","handler","before",\
                "after","changes","fault"}.
                """)

        @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The projection's name in rewind.toml.") var name: String
        @Option(name: .long, help: "The first global position to look at (1 = the first event).") var position: UInt64
        @Option(name: .long, help: "How many handled events to show.") var count: Int = 10
        @Option(name: .long, help: "For a partitioned projection: only the events of this partition.") var key: String?
        @Option(name: .long, help: "The rewind.toml to use (default: LOG/rewind.toml).") var config: String?
        @Flag(name: .long, help: "Print one JSON array of steps.") var json = false
        @Flag(name: .customLong("from-start"), help: "Fold from the first event even when a saved state could be used.") var fromStart = false
        @Flag(name: .customLong("no-cache"), help: "Neither read nor write the derived states in LOG/cache/project-state/.") var noCache = false

        func validate() throws {
            guard position >= 1 else { throw ValidationError("--position needs a global position ≥ 1 (the first event is 1)") }
            guard count >= 1 else { throw ValidationError("--count needs a whole number ≥ 1") }
        }

        func run() throws {
            try runReporting(jsonErrors: json) {
                let configuration = try RewindConfig.load(forLog: StoreOpener.root(log, stateDirectory: database.stateDir), configPath: config)
                let definition = try ProjectionNames.definition(name, in: configuration, log: StoreOpener.root(log, stateDirectory: database.stateDir), key: key)
                let eventLog = try StoreOpener.openReadOnly(log, database, config: config)
                defer { eventLog.close() }
                let head = eventLog.head
                guard position <= head else {
                    throw CLIError("--position \(position) is past the head of \(StoreOpener.shown(log)) (\(head)); give 1…\(head)")
                }
                let (timeline, files) = try ProjectionNames.timeline(eventLog, definition, configuration, fromStart: fromStart, noCache: noCache)
                defer { ProjectionNames.printNotes(files) }
                let result = try timeline.steps(from: position, count: count, key: key)
                if let fault = result.faultBefore {
                    throw CLIError("projection \(SafeText.escape(name)) faults before the events shown: \(SafeText.escape(fault.description))\n"
                        + "fix the handler in rewind.toml, or step from that event: rewind project step \(StoreOpener.shown(log)) \(SafeText.escape(name)) --position \(fault.position ?? position)")
                }
                if json {
                    Output.standard.line(bytes: JSONValue.array(result.steps.map(Self.json)).serializedBytes())
                    return
                }
                if result.steps.isEmpty {
                    var text = "no event from position \(position) to the head (\(head)) is handled by \(SafeText.escape(name))"
                    if let key { text += " in partition '\(SafeText.escape(key))'" }
                    Output.standard.line(text)
                    return
                }
                for step in result.steps { for line in Self.lines(step) { Output.standard.line(line) } }
            }
        }

        /// The diff before → after (none when the handler failed).
        static func changes(_ step: ProjectionSteps.Step) -> [JSONChange] {
            step.after.map { JSONValue.diff(from: step.before, to: $0) } ?? []
        }

        /// A step as text: a title line, the data, the states and the diff, values on one line each.
        static func lines(_ step: ProjectionSteps.Step) -> [String] {
            var title = "── position \(step.position) · \(SafeText.escape(step.stream)) v\(step.version) \(SafeText.escape(step.eventType))"
            if let key = step.key { title += " · partition '\(SafeText.escape(key))'" }
            title += " · handler \(SafeText.escape(step.handler))"
            var out = [title]
            func value(_ label: String, _ v: JSONValue) -> String {
                label + SafeText.escape(String(decoding: v.serializedBytes(), as: UTF8.self))
            }
            out.append(value("data:   ", step.data))
            out.append(value("before: ", step.before))
            if let fault = step.fault {
                out.append("error:  " + SafeText.escape(fault.description))
                out.append("the state stays as before; the steps stop here (fix the handler in rewind.toml)")
                return out
            }
            if let after = step.after { out.append(value("after:  ", after)) }
            let c = changes(step)
            out.append("  " + DiffOutput.summary(c))
            out += DiffOutput.lines(c, old: "before", new: "after").map { "  " + $0 }
            return out
        }

        static func json(_ step: ProjectionSteps.Step) -> JSONValue {
            [
                "position": .integer(Int64(clamping: step.position)),
                "stream": .string(step.stream),
                "version": .integer(Int64(clamping: step.version)),
                "type": .string(step.eventType),
                "schemaVersion": .integer(Int64(step.schemaVersion)),
                "data": step.data,
                "key": step.key.map { .string($0) } ?? .null,
                "handler": .string(step.handler),
                "before": step.before,
                "after": step.after ?? .null,
                "changes": DiffOutput.json(changes(step)),
                "fault": step.fault?.json ?? .null,
            ]
        }
    }
}
