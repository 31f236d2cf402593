import ArgumentParser
import EventLog
import JSON
import SafeText

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check the whole log: checksums, continuity and indexes.",
        discussion: """
            Reads every segment and checks each batch's CRC32C and structure, that positions and stream
            versions have no gaps, and that persisted indexes match the data. Changes nothing; safe while a
            writer appends. Exits 4 when it finds damage, 0 otherwise (warnings such as a torn tail the next
            writer will cut do not fail it). Events of an import that has not committed (import.pending) are
            checked but not counted; a warning says how many there are.
            """)

    @Argument(help: "The log directory.") var log: String
    @Flag(name: .long, help: "Print a JSON report.") var json = false

    func run() throws {
        try runReporting {
            if StoreOpener.isURL(log) {
                throw CLIError("verify checks a Rewind log directory's files; a PostgreSQL store is checked by PostgreSQL itself (its own checksums and constraints)")
            }
            let bar = ProgressBar(label: "verifying", unit: "B")
            let started = ProgressBar.now()
            let report = try LogVerifier.verify(at: log) { done, total in bar.update(done, of: total) }
            bar.finish()
            let seconds = ProgressBar.now() - started
            if json {
                let problems = report.problems.map { p -> JSONValue in
                    .object([
                        "severity": .string(p.severity.rawValue), "segment": .string(p.segment),
                        "offset": .integer(Int64(p.offset)), "message": .string(p.message),
                    ])
                }
                let pending: JSONValue = report.uncommittedImport.map { u in
                    .object([
                        "committedHead": .integer(Int64(clamping: u.committedHead)), "events": .integer(Int64(clamping: u.events)),
                        "bytes": .integer(Int64(u.bytes)), "writerRunning": .bool(u.writerRunning),
                    ])
                } ?? .null
                let object: JSONValue = .object([
                    "ok": .bool(report.isHealthy), "segments": .integer(Int64(report.segments)),
                    "batches": .integer(Int64(report.batches)), "events": .integer(Int64(report.events)),
                    "streams": .integer(Int64(report.streams)), "bytes": .integer(Int64(report.bytes)),
                    "uncommittedImport": pending, "problems": .array(problems),
                ])
                Output.standard.line(bytes: object.serializedBytes(pretty: true))
            } else {
                for p in report.problems {
                    Output.standard.line("\(p.severity.rawValue): \(SafeText.escape(p.segment)) at offset \(p.offset): \(SafeText.escape(p.message))")
                }
                let mb = Double(report.bytes) / 1e6
                let verdict = report.isHealthy ? (report.problems.isEmpty ? "OK" : "OK with warnings") : "DAMAGED"
                Output.standard.line("\(verdict): \(plural(report.segments, "segment")), \(plural(report.batches, "batch")), \(plural(Int(report.events), "event")), \(plural(report.streams, "stream")), \(String(format1: mb)) MB checked in \(String(format1: seconds)) s")
            }
            if !report.isHealthy {
                Output.standard.flush()
                Console.error("the log is damaged (see above); restore the damaged segments from a copy. Nothing was changed.")
                throw ExitCode(ExitStatus.corrupt)
            }
        }
    }
}
