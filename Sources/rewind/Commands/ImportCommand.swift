import ArgumentParser
import EventLog
import Foundation
import Replay

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import events from JSON Lines (a file or -), atomically.",
        discussion: """
            Each line is one event: {"stream":"account-42","type":"MoneyDeposited","data":{…}} with optional
            metadata, id, time (RFC 3339), version and schemaVersion. A given version must be the stream's
            next one. The whole file is checked first: a bad line is reported with its number and reason, and
            nothing is written. The import is one transaction: if it is interrupted, the next open of the log
            rolls it back.
            """)

    @Argument(help: "The log directory (create it first with 'rewind init').") var log: String
    @Argument(help: "A JSON Lines file, or - for stdin.") var file: String
    @Option(name: .long, help: "The input format (jsonl: Rewind's generic JSON Lines).") var format: String = "jsonl"
    @Flag(name: .long, help: "Skip fsync: faster bulk loads that a crash can lose (never corrupt).") var noSync = false
    @Flag(name: .long, help: "Print a JSON summary on stdout.") var json = false

    func run() throws {
        try runReporting {
            guard format == "jsonl" else {
                throw CLIError("unknown --format \(format); this version reads jsonl (Rewind's generic JSON Lines)")
            }
            let eventLog = try EventLog.openWriter(
                at: log, options: .init(durability: noSync ? .noSync : .fsync, command: "rewind import"))
            defer { eventLog.close() }
            for message in eventLog.recovery.messages { Console.note(message) }

            var source = file
            var spooled: String?
            if file == "-" {
                spooled = eventLog.path + "/.import-stdin-\(getpid()).jsonl"
                source = spooled ?? file
                try spoolStandardInput(to: source)
            } else if !Foundation.FileManager.default.fileExists(atPath: file) {
                throw CLIError("no such file: \(file)")
            }
            defer { if let spooled { unlink(spooled) } }

            let bar = ProgressBar(label: "checking ", unit: "B")
            let started = ProgressBar.now()
            var pass = 1
            let summary = try JSONLinesImporter().run(file: source, named: file == "-" ? "stdin" : file, into: eventLog) { p, done, total in
                if p != pass {
                    pass = p
                    bar.restart(label: "importing")
                }
                bar.update(done, of: total)
            }
            bar.finish()
            let seconds = ProgressBar.now() - started
            let name = file == "-" ? "stdin" : file
            if json {
                let reply: JSONValue = .object([
                    "events": .integer(Int64(summary.events)), "streams": .integer(Int64(summary.streams)),
                    "firstPosition": .integer(Int64(summary.firstPosition)), "lastPosition": .integer(Int64(summary.lastPosition)),
                    "seconds": .double((seconds * 1000).rounded() / 1000),
                ])
                Output.standard.line(bytes: reply.serializedBytes())
            }
            if summary.events == 0 {
                Console.note("\(name) holds no events; nothing was imported")
            } else {
                // A rate over a fraction of a second says nothing.
                let rate = seconds >= 0.5 ? ", \(ProgressBar.human(Double(summary.events) / seconds)) events/s" : ""
                Console.note("imported \(plural(Int(summary.events), "event")) into \(plural(summary.streams, "stream")) (positions \(summary.firstPosition)–\(summary.lastPosition)) in \(String(format1: seconds)) s\(rate)\(noSync ? " (no fsync: --no-sync)" : "")")
            }
        }
    }

    private func spoolStandardInput(to path: String) throws {
        guard let out = fopen(path, "wx") else { throw CLIError("cannot create a temporary file in the log directory: \(String(cString: strerror(errno)))") }
        defer { fclose(out) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { raw in read(0, raw.baseAddress, raw.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw CLIError("reading stdin failed: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            let written = buffer.withUnsafeBytes { raw in fwrite(raw.baseAddress, 1, n, out) }
            if written != n { throw CLIError("writing the temporary copy of stdin failed (disk full?)") }
        }
    }
}
