import ArgumentParser
import EventLog
import JSON
import Replay
import SafeText

extension ProjectCommand {
    /// `rewind project state`: a read model as it was at any global position or instant.
    struct State: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "state", abstract: "Print a projection's state at a global position or instant, folded in memory.",
            discussion: """
                The state after applying every event up to global position P that the projection handles, \
                exactly as 'project run' applies them. Without --position or --time: the head. --time takes \
                RFC 3339 (2026-01-15T10:00:00Z) or a UTC date and time ('2026-01-15 10:00') and means the \
                longest prefix of the log whose events all happened at or before it, by each event's own \
                time (its "time": when it happened at the source for imported events, else when it was \
                appended); see docs/PROJECTIONS.md.

                With a partitioned projection, --key K prints that partition's state; without --key, an \
                object of key → state. --json prints the state alone. Nothing is written: the log is opened \
                read-only and LOG/projections/ is only read (a saved state at or below the position, built by \
                the same definition, is where the fold starts; --from-start ignores it). A handler error \
                before the position is reported like 'project run' reports it, with the state just before it.

                The states folded on the way are kept in LOG/cache/project-state/NAME/ (derived files, checked \
                and rebuilt when damaged or stale, never needed: delete them at any time), so that the next \
                question starts near its position; a log directory that cannot be written keeps none. \
                --no-cache neither reads nor writes them.
                """)

        @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The projection's name in rewind.toml.") var name: String
        @Option(name: .long, help: "A global position (0 = the initial state).") var position: UInt64?
        @Option(name: .long, help: "An instant: RFC 3339, or a date and time in UTC.") var time: String?
        @Option(name: .long, help: "For a partitioned projection: print only this partition's state.") var key: String?
        @Option(name: .long, help: "The rewind.toml to use (default: LOG/rewind.toml).") var config: String?
        @Flag(name: .long, help: "Print the state alone, as one line of JSON.") var json = false
        @Flag(name: .customLong("from-start"), help: "Fold from the first event even when a saved state could be used.") var fromStart = false
        @Flag(name: .customLong("no-cache"), help: "Neither read nor write the derived states in LOG/cache/project-state/.") var noCache = false

        func validate() throws {
            if position != nil && time != nil { throw ValidationError("give at most one of --position and --time") }
            if let time, RFC3339.parse(time) == nil, RFC3339.parseFlexible(time) == nil {
                throw ValidationError("--time '\(SafeText.escape(time))' is not a time; use RFC 3339 (2026-01-15T10:00:00Z) or a UTC date and time such as '2026-01-15 10:00'")
            }
        }

        func run() throws {
            try runReporting(jsonErrors: json) {
                let configuration = try RewindConfig.load(forLog: StoreOpener.root(log, stateDirectory: database.stateDir), configPath: config)
                let definition = try ProjectionNames.definition(name, in: configuration, log: StoreOpener.root(log, stateDirectory: database.stateDir), key: key)
                let eventLog = try StoreOpener.openReadOnly(log, database, config: config)
                defer { eventLog.close() }
                let head = eventLog.head
                var target = head
                if let position {
                    if position > head {
                        throw CLIError("--position \(position) is past the head of \(StoreOpener.shown(log)) (\(head)); give 0…\(head)")
                    }
                    target = position
                } else if let time, let micros = RFC3339.parse(time) ?? RFC3339.parseFlexible(time) {
                    target = try ProjectionStateAt.position(atTime: micros, log: eventLog)
                }
                var cachedFrom: UInt64 = 0
                let result: ProjectionStateAt.Result
                let whole: () throws -> ProjectionStateAt.Result
                if noCache {
                    result = try ProjectionStateAt.fold(
                        log: eventLog, definition: definition, upcasters: configuration.upcasters, limits: configuration.limits,
                        through: target, useSaved: !fromStart)
                    whole = { result }
                } else {
                    let (timeline, files) = try ProjectionNames.timeline(eventLog, definition, configuration, fromStart: fromStart, noCache: false)
                    defer { ProjectionNames.printNotes(files) }
                    result = try timeline.state(at: target, key: key)
                    if result.resumedFrom == 0 { cachedFrom = timeline.lastStart }
                    // The projector stays at the target: the whole state costs no fold.
                    whole = { try timeline.state(at: target) }
                }
                let state: JSONValue
                if let key {
                    guard let partition = result.partitions[key] else {
                        let known = try whole().partitions.keys.sorted()
                        let some = known.prefix(5).map { "'\(SafeText.escape($0))'" }.joined(separator: ", ")
                        throw CLIError("projection \(SafeText.escape(name)) has no partition '\(SafeText.escape(key))' at position \(result.position)"
                            + (known.isEmpty ? " (no event had reached any partition yet)" : "; it has \(known.count): \(some)\(known.count > 5 ? ", …" : "")"))
                    }
                    state = partition
                } else {
                    state = result.state
                }
                if json {
                    Output.standard.line(bytes: state.serializedBytes())
                } else {
                    Output.standard.line(try header(result, eventLog: eventLog, head: head, cachedFrom: cachedFrom))
                    Output.standard.line(bytes: state.serializedBytes(pretty: true))
                }
                if let fault = result.fault {
                    throw CLIError("projection \(SafeText.escape(name)) faults before position \(result.position): \(SafeText.escape(fault.description))\n"
                        + "the state shown is the one just before that event; fix the handler in rewind.toml")
                }
            }
        }

        /// "balances @ position 120 of 348 · account-1 v3 MoneyDeposited at … · key 'account-1'".
        private func header(_ result: ProjectionStateAt.Result, eventLog: any EventStore, head: UInt64, cachedFrom: UInt64) throws -> String {
            var text = "\(SafeText.escape(name)) @ position \(result.position) of \(head)"
            if result.position > 0, let e = try eventLog.event(at: result.position) {
                text += " · last event \(SafeText.escape(e.stream)) v\(e.version) \(SafeText.escape(e.type)) at "
                    + RFC3339.format(microsecondsSinceEpoch: e.originalMicros, fractionDigits: 3)
            }
            if let key { text += " · partition '\(SafeText.escape(key))'" } else if result.isPartitioned {
                text += " · \(result.partitions.count) partition\(result.partitions.count == 1 ? "" : "s")"
            }
            if result.resumedFrom > 0 { text += " · from the saved state at \(result.resumedFrom)" } else if cachedFrom > 0 {
                text += " · from the cached state at \(cachedFrom)"
            }
            return text
        }
    }
}
