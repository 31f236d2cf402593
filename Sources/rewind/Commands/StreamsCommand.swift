import ArgumentParser
import EventLog
import Replay
import JSON
import SafeText

struct StreamsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streams", abstract: "List streams with their category, event count and last activity.",
        discussion: """
            The category is the part of the name before the first '-'. Last activity is the stream's last \
            event's own time (for imported events, when it happened in the system it came from); when \
            some stream's differs from when Rewind recorded it (the import time), a RECORDED column \
            shows that too. --json prints one object per stream: name, category, count, lastVersion, \
            lastTime (the event's own time) and recordedTime (when Rewind recorded it), and archived: true \
            for a stream its store archived (Marten).
            """)

    enum Sort: String, ExpressibleByArgument, CaseIterable {
        case name, count, time, created
    }

    @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: ArgumentHelp("For a database URL: the rewind.toml whose [source] describes the table (default: the state directory's).", valueName: "file")) var config: String?
    @Option(name: .long, help: "Only streams whose name matches this glob, e.g. 'account-*'.") var match: String?
    @Option(name: .long, help: "Order: name, count (largest first), time (most recent first) or created (the order streams began in; Marten: mt_streams.created).") var sort: Sort = .name
    @Flag(name: .long, help: "Print JSON Lines.") var json = false

    /// A stream with its last event's own time.
    struct Listed {
        var info: StreamInfo
        var lastMicros: Int64
    }

    func run() throws {
        try runReporting {
            let eventLog = try StoreOpener.openReadOnly(log, database, config: config)
            defer { eventLog.close() }
            var infos = eventLog.streams()
            if let match { infos = infos.filter { StreamGlob.matches(match, $0.name) } }
            let own = try eventLog.originalMicros(at: infos.map(\.lastPosition))
            let listed = zip(infos, own).map { Listed(info: $0, lastMicros: $1 ?? $0.lastRecordedMicros) }
            // Indexes are sorted over columns of their own, not the rows: moving or comparing a
            // row copies it (its strings retained and released), most of the sort's time with
            // 100,000 streams.
            let names = listed.map(\.info.name)
            let indexes = Array(listed.indices)
            let order: [Int]
            switch sort {
            case .name: order = indexes.sorted { names[$0] < names[$1] }
            case .count:
                let counts = listed.map(\.info.count)
                order = indexes.sorted { (counts[$0], names[$1]) > (counts[$1], names[$0]) }
            case .time:
                let micros = listed.map(\.lastMicros)
                order = indexes.sorted { (micros[$0], names[$1]) > (micros[$1], names[$0]) }
            case .created: order = indexes
            }
            let streams = order.map { listed[$0] }
            if json {
                for l in streams {
                    let s = l.info
                    var object: JSONObject = [
                        "name": .string(s.name), "category": .string(s.category), "count": .integer(Int64(s.count)),
                        "lastVersion": .integer(Int64(s.lastVersion)),
                        "lastTime": .string(RFC3339.format(microsecondsSinceEpoch: l.lastMicros)),
                        "recordedTime": .string(RFC3339.format(microsecondsSinceEpoch: s.lastRecordedMicros)),
                    ]
                    if s.isArchived { object["archived"] = .bool(true) }
                    Output.standard.line(bytes: JSONValue.object(object).serializedBytes())
                }
                return
            }
            if streams.isEmpty {
                Console.note(match == nil ? "the log has no streams yet" : "no stream matches \(match ?? "")")
                return
            }
            let nameWidth = min(48, max(6, streams.map { $0.info.name.shownWidth }.max() ?? 6)) + 2
            let categoryWidth = min(24, max(8, streams.map { $0.info.category.shownWidth }.max() ?? 8)) + 2
            let imported = streams.contains { $0.lastMicros != $0.info.lastRecordedMicros }
            func pad(_ s: String, _ n: Int) -> String { s.columnPadded(n) }
            Output.standard.line(pad("STREAM", nameWidth) + pad("CATEGORY", categoryWidth) + pad("EVENTS", 10)
                + (imported ? pad("LAST EVENT", 22) + "RECORDED" : "LAST EVENT"))
            for l in streams {
                let s = l.info
                let last = RFC3339.format(microsecondsSinceEpoch: l.lastMicros, fractionDigits: 0)
                Output.standard.line(
                    pad(SafeText.preview(s.name, columns: nameWidth - 2), nameWidth)
                        + pad(SafeText.preview(s.category, columns: categoryWidth - 2), categoryWidth)
                        + pad(String(s.count), 10)
                        + (imported ? pad(last, 22) + RFC3339.format(microsecondsSinceEpoch: s.lastRecordedMicros, fractionDigits: 0) : last)
                        + (s.isArchived ? "  (archived)" : ""))
            }
            let total = streams.reduce(UInt64(0)) { $0 + $1.info.count }
            Console.note("\(plural(streams.count, "stream")), \(plural(Int(total), "event"))")
        }
    }
}
