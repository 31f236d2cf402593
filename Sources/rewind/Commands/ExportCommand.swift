import ArgumentParser
import EventLog

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write events as JSON Lines (the shape 'rewind import' reads).",
        discussion: "Every event in global order, or one stream's events with --stream. Re-importing an export into an empty log gives the same streams, versions, ids, times and data.")

    @Argument(help: "The log directory.") var log: String
    @Option(name: .long, help: "Export only this stream.") var stream: String?

    func run() throws {
        try runReporting {
            let eventLog = try EventLog.openReadOnly(at: log)
            defer { eventLog.close() }
            var printer = EventPrinter(json: true)
            if let stream {
                guard eventLog.streamInfo(stream) != nil else {
                    throw CLIError("no stream named '\(TextSanitizer.sanitize(stream))' in \(log)")
                }
                try eventLog.readStream(stream) { printer.print($0); return true }
            } else {
                try eventLog.readAll { printer.print($0); return true }
            }
        }
    }
}
