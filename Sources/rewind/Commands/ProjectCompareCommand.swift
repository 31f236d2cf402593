import ArgumentParser
import EventLog
import JSON
import Replay
import SafeText

extension ProjectCommand {
    /// `rewind project compare`: a projection under the log's definition and another one, side by
    /// side, to see which results new rules would change and from which event on.
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compare", abstract: "Compare a projection under LOG/rewind.toml and under another rewind.toml, event by event.",
            discussion: """
                Both definitions of projection NAME (the one in LOG/rewind.toml and the one in --config) fold \
                the log side by side in one pass, in memory, from their init, exactly as 'project run' applies \
                events. Nothing is written: the log is opened read-only and LOG/projections/ is not touched. \
                Prints the first global position after which their states differ (for a partitioned \
                projection, the first partition that differs, by key) with the event there and the diff of the \
                two states, then the diff at the end (--to, default the head). A handler error on only one side \
                is a difference: it names the side, the handler and the event. --key K compares one partition. \
                --json prints {"projection","current","other","to","identical","firstDifference","end"}.

                Exit status: 0 the states never differ, 5 they differ, 1 the comparison could not run (a \
                missing projection, a bad file), 64 bad usage; see README.md.
                """)

        @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The projection's name in both files.") var name: String
        @Option(name: .long, help: "The other rewind.toml (the current one is LOG/rewind.toml).") var config: String
        @Option(name: .long, help: "The last point to compare: a global position (or @position) or an instant (default: the head).") var to: String?
        @Option(name: .long, help: "For a partitioned projection: compare only this partition.") var key: String?
        @Flag(name: .long, help: "Print one JSON object.") var json = false

        func validate() throws {
            if let to { _ = try Diff.point(to, option: "--to") }
        }

        func run() throws {
            var differ = false
            try runReporting(jsonErrors: json) {
                let currentConfig = try RewindConfig.load(forLog: StoreOpener.root(log, stateDirectory: database.stateDir), configPath: nil)
                try ProjectionNames.check([name], in: currentConfig, log: StoreOpener.root(log, stateDirectory: database.stateDir))
                let otherConfig = try RewindConfig.load(forLog: StoreOpener.root(log, stateDirectory: database.stateDir), configPath: config)
                let currentFile = currentConfig.path ?? RewindConfig.defaultPath(forLog: StoreOpener.root(log, stateDirectory: database.stateDir))
                guard let current = currentConfig.projections.first(where: { $0.name == name }) else { return }
                guard let other = otherConfig.projections.first(where: { $0.name == name }) else {
                    let known = otherConfig.projections.map(\.name)
                    throw CLIError("\(SafeText.escape(config)) has no projection named '\(SafeText.escape(name))' to compare with"
                        + (known.isEmpty ? "; it defines no projections" : "; it defines: \(known.map(SafeText.escape).joined(separator: ", "))")
                        + "; add [projections.\(SafeText.escape(name))] to it")
                }
                if key != nil && current.partition == nil && other.partition == nil {
                    throw CLIError("projection \(SafeText.escape(name)) has no partition in either file, so --key does not apply; run it without --key")
                }
                let eventLog = try StoreOpener.openReadOnly(log, database, config: nil)
                defer { eventLog.close() }
                let head = eventLog.head
                var target = head
                if let to {
                    switch try Diff.point(to, option: "--to") {
                    case .position(let p):
                        guard p <= head else { throw CLIError("--to \(p) is past the head of \(StoreOpener.shown(log)) (\(head)); give 0…\(head)") }
                        target = p
                    case .time(let micros):
                        target = try ProjectionStateAt.position(atTime: micros, log: eventLog)
                    }
                }
                let result = try ProjectionComparison.run(
                    log: eventLog,
                    current: .init(projection: current, upcasters: currentConfig.upcasters, limits: currentConfig.limits, label: currentFile),
                    other: .init(projection: other, upcasters: otherConfig.upcasters, limits: otherConfig.limits, label: config),
                    through: target, key: key)
                let report = CompareReport(name: name, currentFile: currentFile, otherFile: config, key: key, result: result)
                if json {
                    Output.standard.line(bytes: report.json.serializedBytes())
                } else {
                    for line in report.lines { Output.standard.line(line) }
                }
                differ = !report.identical
            }
            if differ { throw ExitCode(ExitStatus.different) }
        }
    }
}
