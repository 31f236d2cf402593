import ArgumentParser
import EventLog
import Replay
import JSON
import SafeText

struct StreamsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streams", abstract: "List streams with their category, event count and last activity.",
        discussion: "The category is the part of the name before the first '-'. --json prints one object per stream: name, category, count, lastVersion, lastTime.")

    enum Sort: String, ExpressibleByArgument, CaseIterable {
        case name, count, time, created
    }

    @Argument(help: "The log directory.") var log: String
    @Option(name: .long, help: "Only streams whose name matches this glob, e.g. 'account-*'.") var match: String?
    @Option(name: .long, help: "Order: name, count (largest first), time (most recent first) or created.") var sort: Sort = .name
    @Flag(name: .long, help: "Print JSON Lines.") var json = false

    func run() throws {
        try runReporting {
            let eventLog = try EventLog.openReadOnly(at: log)
            defer { eventLog.close() }
            var streams = eventLog.streams()
            if let match { streams = streams.filter { StreamGlob.matches(match, $0.name) } }
            switch sort {
            case .name: streams.sort { $0.name < $1.name }
            case .count: streams.sort { ($0.count, $1.name) > ($1.count, $0.name) }
            case .time: streams.sort { $0.lastRecordedMicros > $1.lastRecordedMicros }
            case .created: break
            }
            if json {
                for s in streams {
                    let object: JSONValue = .object([
                        "name": .string(s.name), "category": .string(s.category), "count": .integer(Int64(s.count)),
                        "lastVersion": .integer(Int64(s.lastVersion)),
                        "lastTime": .string(RFC3339.format(microsecondsSinceEpoch: s.lastRecordedMicros)),
                    ])
                    Output.standard.line(bytes: object.serializedBytes())
                }
                return
            }
            if streams.isEmpty {
                Console.note(match == nil ? "the log has no streams yet" : "no stream matches \(match ?? "")")
                return
            }
            let nameWidth = min(48, max(6, streams.map { $0.name.shownWidth }.max() ?? 6)) + 2
            let categoryWidth = min(24, max(8, streams.map { $0.category.shownWidth }.max() ?? 8)) + 2
            func pad(_ s: String, _ n: Int) -> String { s.columnPadded(n) }
            Output.standard.line(pad("STREAM", nameWidth) + pad("CATEGORY", categoryWidth) + pad("EVENTS", 10) + "LAST EVENT")
            for s in streams {
                Output.standard.line(
                    pad(SafeText.preview(s.name, columns: nameWidth - 2), nameWidth)
                        + pad(SafeText.preview(s.category, columns: categoryWidth - 2), categoryWidth)
                        + pad(String(s.count), 10) + RFC3339.format(microsecondsSinceEpoch: s.lastRecordedMicros, fractionDigits: 0))
            }
            let total = streams.reduce(UInt64(0)) { $0 + $1.count }
            Console.note("\(plural(streams.count, "stream")), \(plural(Int(total), "event"))")
        }
    }
}
