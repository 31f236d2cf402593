import ArgumentParser
import EventLog
import Foundation
import Interchange
import JSON
import Platform

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import events atomically: JSON Lines, KurrentDB, kcat, Marten, Debezium (a file or -).",
        discussion: """
            --format jsonl (the default) reads Rewind's JSON Lines: {"stream":"account-42","type":"MoneyDeposited",\
            "data":{…}} with optional metadata, id, time (RFC 3339), version and schemaVersion. The other formats \
            read what production systems export: kurrent (AtomPub feeds or gRPC events), kcat (kcat -J), marten \
            (mt_events as CSV with a header), debezium (change events: of an events or outbox table, each \
            insert an event; of any other table, every change an event of the row's stream TABLE-KEY). \
            docs/IMPORT.md gives each format's mapping and examples.

            The whole input is checked: a bad record is reported with its line (or record) number and \
            reason, and nothing is written unless --skip-invalid is given. A version in the input must be the \
            stream's next one. Events whose id the log already holds are skipped as already present, so \
            importing the same file twice imports nothing the second time. The import is one transaction: if \
            it is interrupted, the next open of the log rolls it back.

            Where a field comes from (--stream-from, --type-from, --id-from, --data-from, --version-from, \
            --time-from): key (kcat), header:NAME (kcat), field:PATH (a dotted path in the payload or event), \
            column:NAME (marten, debezium), topic, partition, offset (kcat), const:TEXT (the same for every \
            event), or a template such as '{column:aggregatetype}-{column:aggregateid}' or '{topic}-{partition}'.
            """)

    @Argument(help: "The log directory (create it first with 'rewind init').") var log: String
    @Argument(help: "The input file, or - for stdin.") var file: String
    @Option(name: .long, help: "The input format: \(ImportFormat.names).") var format: String = "jsonl"
    @Option(name: .customLong("stream-from"), help: ArgumentHelp("Where the stream name is (kcat default: key).", valueName: "spec")) var streamFrom: String?
    @Option(name: .customLong("type-from"), help: ArgumentHelp("Where the event type is (kcat default: header:type, then header:ce_type).", valueName: "spec")) var typeFrom: String?
    @Option(name: .customLong("id-from"), help: ArgumentHelp("Where the event id is (a UUID; other text is hashed to one).", valueName: "spec")) var idFrom: String?
    @Option(name: .customLong("data-from"), help: ArgumentHelp("Where the event data is (debezium default: column data or payload).", valueName: "spec")) var dataFrom: String?
    @Option(name: .customLong("version-from"), help: ArgumentHelp("Where the stream version (from 1) is.", valueName: "spec")) var versionFrom: String?
    @Option(name: .customLong("time-from"), help: ArgumentHelp("Where the time the event happened is.", valueName: "spec")) var timeFrom: String?
    @Option(name: .customLong("key-columns"), help: ArgumentHelp("The columns that identify a row (debezium: its stream is TABLE-KEY; default: id).", valueName: "a,b")) var keyColumns: String?
    @Option(name: .customLong("rename-type"), help: ArgumentHelp("Rename an event type, e.g. money_deposited=MoneyDeposited (repeatable).", valueName: "from=to")) var renameType: [String] = []
    @Option(name: .customLong("type-case"), help: "keep (default) or pascal: money_deposited becomes MoneyDeposited.") var typeCase: String = "keep"
    @Option(name: .long, help: ArgumentHelp("How JSON records are laid out: \(InputFraming.names) (default auto: an array when the input starts with '[', JSON Lines when its first line is one whole value, else values one after another).", valueName: "framing")) var framing: String = "auto"
    @Flag(name: .long, help: "Import the valid records and report the invalid ones, instead of importing nothing.") var skipInvalid = false
    @Flag(name: .long, help: "Skip fsync: faster bulk loads that a crash can lose (never corrupt).") var noSync = false
    @Flag(name: .long, help: "Print a JSON summary on stdout.") var json = false

    func validate() throws {
        // With --json a bad option is reported by run() as a JSON error object too.
        guard !json else { return }
        _ = try parsed()
    }

    /// The format and options, or a usage error naming the bad option.
    private func parsed() throws -> (ImportFormat, ImportOptions) {
        guard let format = ImportFormat(rawValue: format) else {
            throw ValidationError("unknown --format \(format); use one of \(ImportFormat.names)")
        }
        do {
            var options = ImportOptions()
            options.stream = try streamFrom.map(FieldSpec.init)
            options.type = try typeFrom.map(FieldSpec.init)
            options.id = try idFrom.map(FieldSpec.init)
            options.data = try dataFrom.map(FieldSpec.init)
            options.version = try versionFrom.map(FieldSpec.init)
            options.time = try timeFrom.map(FieldSpec.init)
            if let keyColumns { try options.setKeyColumns(keyColumns) }
            for rename in renameType { try options.typeMapping.addRename(rename) }
            guard let letterCase = TypeMapping.Case(rawValue: typeCase) else {
                throw ImportUsageError("unknown --type-case \(typeCase); use keep or pascal")
            }
            options.typeMapping.letterCase = letterCase
            guard let framing = InputFraming(rawValue: framing) else {
                throw ImportUsageError("unknown --framing \(framing); use one of \(InputFraming.names)")
            }
            options.framing = framing
            try format.check(options)
            return (format, options)
        } catch let error as ImportUsageError {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        try runReporting(jsonErrors: json) {
            try StoreOpener.refuseURL(log, command: "import")
            let (format, options) = try parsed()
            let eventLog = try EventLog.openWriter(
                at: log, options: .init(durability: noSync ? .noSync : .fsync, command: "rewind import"))
            defer { eventLog.close() }
            for message in eventLog.recovery.messages { Console.note(message) }

            var path = file
            var spooled: String?
            if file == "-" {
                let name = ".import-stdin-\(FileJail.randomSuffix()).\(format.rawValue)"
                spooled = name
                path = FileJail(root: eventLog.path).path(name)
                try spoolStandardInput(into: FileJail(root: eventLog.path), name: name)
            } else if !Foundation.FileManager.default.fileExists(atPath: file) {
                throw CLIError("no such file: \(file)")
            }
            defer { if let spooled { try? FileJail(root: eventLog.path).remove(spooled) } }
            let name = file == "-" ? "stdin" : file

            var importer = EventImporter()
            importer.skipInvalid = skipInvalid
            importer.typeMapping = options.typeMapping
            let bar = ProgressBar(label: "importing ", unit: " events")
            let started = ProgressBar.now()
            var writing = false
            let summary: ImportSummary
            do {
                let source = try format.source(path: path, options: options)
                summary = try importer.run(source, named: name, into: eventLog) { p in
                    switch p.phase {
                    case .checking:
                        bar.update(p.bytesDone, of: p.bytesTotal, count: p.events)
                    case .writing:
                        if !writing {
                            writing = true
                            bar.restart(label: "committing")
                        }
                        bar.update(p.events, of: p.eventsTotal ?? p.events)
                    }
                }
            } catch let failure as ImportFailure {
                bar.finish()
                let hint = failure.skippable ? "\n(or run again with --skip-invalid to import the valid records and skip these)" : ""
                throw CLIError(failure.description + hint)
            } catch let error as ImportUsageError {
                bar.finish()
                throw CLIError(error.message)
            }
            bar.finish()
            report(summary, name: name, seconds: ProgressBar.now() - started)
        }
    }

    private func report(_ summary: ImportSummary, name: String, seconds: Double) {
        if json {
            let reply: JSONValue = .object([
                "events": .integer(Int64(summary.events)), "streams": .integer(Int64(summary.streams)),
                "firstPosition": .integer(Int64(summary.firstPosition)), "lastPosition": .integer(Int64(summary.lastPosition)),
                "alreadyPresent": .integer(Int64(summary.alreadyPresent)),
                "skipped": .integer(Int64(summary.skippedInvalid)),
                "skippedReasons": .array(summary.invalidReasons.map { .string($0.description) }),
                "ignored": .integer(Int64(summary.ignored)),
                "ignoredReasons": .array(summary.ignoredKinds.map {
                    .object(["reason": .string($0.reason), "count": .integer(Int64($0.count)), "first": .string($0.first.description)])
                }),
                "seconds": .double((seconds * 1000).rounded() / 1000),
            ])
            Output.standard.line(bytes: reply.serializedBytes())
        }
        if summary.skippedInvalid > 0 {
            Console.note("skipped \(plural(summary.skippedInvalid, "invalid record")) (--skip-invalid):" + reasons(summary.invalidReasons, of: summary.skippedInvalid, name: name))
        }
        if summary.ignored > 0 {
            var text = "ignored \(plural(summary.ignored, "record")) that \(summary.ignored == 1 ? "is not an event" : "are not events"):"
            for kind in summary.ignoredKinds {
                text += "\n  \(kind.count) × \(kind.reason) (\(kind.count == 1 ? "" : "the first at ")\(kind.first))"
            }
            Console.note(text)
        }
        let present = summary.alreadyPresent > 0 ? "; \(plural(summary.alreadyPresent, "event")) already in the log (same ids) left as they were" : ""
        if summary.events == 0 {
            if summary.alreadyPresent > 0 {
                Console.note("nothing new in \(name): all \(plural(summary.alreadyPresent, "event")) are already in the log (same ids); nothing was imported")
            } else {
                Console.note("\(name) holds no events; nothing was imported")
            }
        } else {
            // A rate over a fraction of a second says nothing.
            let rate = seconds >= 0.5 ? ", \(ProgressBar.human(Double(summary.events) / seconds)) events/s" : ""
            Console.note("imported \(plural(Int(summary.events), "event")) into \(plural(summary.streams, "stream")) (positions \(summary.firstPosition)–\(summary.lastPosition)) in \(String(format1: seconds)) s\(rate)\(noSync ? " (no fsync: --no-sync)" : "")\(present)")
        }
    }

    private func reasons(_ shown: [RecordError], of count: Int, name: String) -> String {
        var text = shown.map { "\n  \(name): \($0)" }.joined()
        if count > shown.count { text += "\n  … and \(count - shown.count) more" }
        return text
    }

    private func spoolStandardInput(into jail: FileJail, name: String) throws {
        let out: SystemFile
        do { out = try jail.open(name, flags: [.writeOnly, .create, .exclusive]) } catch {
            throw CLIError("cannot create a temporary file in the log directory: \(Self.reason(error))")
        }
        defer { out.close() }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        while true {
            let n: Int
            do {
                n = try buffer.withUnsafeMutableBytes { raw in
                    guard let base = raw.baseAddress else { return 0 }
                    return try SystemFile.standardInput.readSome(into: base, count: raw.count)
                }
            } catch {
                throw CLIError("reading stdin failed: \(Self.reason(error))")
            }
            if n == 0 { break }
            do {
                try buffer.withUnsafeBytes { raw in try out.write(UnsafeRawBufferPointer(rebasing: raw[0..<n]), at: offset) }
            } catch {
                throw CLIError("writing the temporary copy of stdin failed: \(Self.reason(error))")
            }
            offset += n
        }
    }

    /// The errno's sentence of a failed call ("No space left on device"), or the error itself.
    private static func reason(_ error: any Error) -> String {
        (error as? IOError)?.reason ?? "\(error)"
    }
}
