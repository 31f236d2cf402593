import EventLog
import Foundation
import Replay
import Testing
import JSON

/// One file of Samples/formats and how to import it.
struct FormatSample: Sendable, CustomStringConvertible {
    var file: String
    var format: String
    var extra: [String] = []
    var description: String { file }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples/formats").path

    static let all = [
        FormatSample(file: "generic.jsonl", format: "jsonl"),
        FormatSample(file: "kurrent-atompub.json", format: "kurrent"),
        FormatSample(file: "kurrent-grpc.jsonl", format: "kurrent"),
        FormatSample(file: "kcat.jsonl", format: "kcat"),
        FormatSample(file: "marten-mt_events.csv", format: "marten", extra: ["--type-case", "pascal"]),
        FormatSample(file: "debezium.jsonl", format: "debezium"),
        FormatSample(file: "debezium-outbox.jsonl", format: "debezium"),
    ]

    var path: String { Self.directory + "/" + file }

    func importArguments(into log: String) -> [String] { ["import", log, path, "--format", format] + extra }

    /// What the tests compare across formats: everything of an event but its metadata's
    /// source-specific parts and its position.
    struct Event: Hashable {
        var stream: String
        var version: Int64
        var type: String
        var data: JSONValue
        var micros: Int64
        var id: String
        var correlationId: JSONValue?
        var causationId: JSONValue?

        init(_ line: String) throws {
            let v = try JSONValue.parse(line)
            guard let stream = v["stream"]?.stringValue, let version = v["version"]?.int64Value, let type = v["type"]?.stringValue,
                  let data = v["data"], let time = v["time"]?.stringValue, let micros = RFC3339.parse(time), let id = v["id"]?.stringValue else {
                throw CLITestError("not an event line: \(line)")
            }
            (self.stream, self.version, self.type, self.data, self.micros, self.id) = (stream, version, type, data, micros, id)
            correlationId = v["metadata"]?["correlationId"]
            causationId = v["metadata"]?["causationId"]
        }
    }

    /// The history every sample holds: generic.jsonl, read directly.
    static func expected() throws -> Set<Event> {
        let text = try String(contentsOfFile: directory + "/generic.jsonl", encoding: .utf8)
        return Set(try text.split(separator: "\n").map { try Event(String($0)) })
    }
}

@Suite("rewind import: formats", .serialized)
struct ImportFormatsCLITests {
    static func fresh(_ dir: ScratchDirectory, _ name: String = "bank") throws -> String {
        let log = dir.file(name)
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        return log
    }

    static func exported(_ log: String) throws -> [String] {
        let r = try CLIRunner.rewind(["export", log])
        guard r.status == 0 else { throw CLITestError("export failed: \(r.stderr)") }
        return r.lines
    }

    @Test(arguments: FormatSample.all)
    func everySampleImportsTheSameHistory(_ sample: FormatSample) throws {
        let dir = ScratchDirectory()
        let log = try Self.fresh(dir)
        let r = try CLIRunner.rewind(sample.importArguments(into: log) + ["--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try JSONValue.parse(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(summary["events"] == 12 && summary["streams"] == 3 && summary["skipped"] == 0)
        let events = Set(try Self.exported(log).map(FormatSample.Event.init))
        let expected = try FormatSample.expected()
        #expect(events.count == 12)
        #expect(events == expected, "differs: \(events.symmetricDifference(expected))")
        // The sample's rewind.toml folds the imported accounts.
        let config = FormatSample.directory + "/rewind.toml"
        let account = try CLIRunner.rewind(["state", log, "account-1", "--config", config, "--json"])
        #expect(try JSONValue.parse(account.stdout.trimmingCharacters(in: .whitespacesAndNewlines))["balanceCents"] == 5200, "\(account.stderr)")
        let transfer = try CLIRunner.rewind(["state", log, "transfer-1", "--config", config, "--json"])
        #expect(transfer.stdout.contains(#""status":"completed""#) && transfer.stdout.contains("7d3c6b0e-5f1a-4c2e-9b8d-0a1e2f3c4d5e"))
    }

    @Test(arguments: FormatSample.all)
    func importingASampleTwiceImportsNothingTheSecondTime(_ sample: FormatSample) throws {
        let dir = ScratchDirectory()
        let log = try Self.fresh(dir)
        #expect(try CLIRunner.rewind(sample.importArguments(into: log)).status == 0)
        let before = try Self.exported(log)
        let again = try CLIRunner.rewind(sample.importArguments(into: log) + ["--json"])
        #expect(again.status == 0, "\(again.stderr)")
        let summary = try JSONValue.parse(again.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(summary["events"] == 0 && summary["alreadyPresent"] == 12)
        #expect(again.stderr.contains("all 12 events are already in the log"))
        #expect(try Self.exported(log) == before)
    }

    @Test func differentFormatsOfTheSameHistoryMeetInOneLog() throws {
        // The same events (same ids) from Kafka after KurrentDB: nothing new.
        let dir = ScratchDirectory()
        let log = try Self.fresh(dir)
        let kurrent = FormatSample.all[1], kcat = FormatSample.all[3]
        #expect(try CLIRunner.rewind(kurrent.importArguments(into: log)).status == 0)
        let r = try CLIRunner.rewind(kcat.importArguments(into: log) + ["--json"])
        #expect(r.status == 0 && r.stdout.contains(#""events":0"#) && r.stdout.contains(#""alreadyPresent":12"#))
    }

    @Test func aFailedImportLeavesTheLogAsItWas() throws {
        let dir = ScratchDirectory()
        let log = try Self.fresh(dir)
        #expect(try CLIRunner.rewind(FormatSample.all[0].importArguments(into: log)).status == 0)
        let before = try Self.exported(log)
        let csv = try dir.write("more.csv", """
            stream_id,version,type,data,id,timestamp
            account-9,1,account_opened,"{""currency"": ""EUR""}",,2026-02-01 10:00:00+00
            account-9,2,money_deposited,"{""amountCents"": 1}",,2026-02-01 10:01:00+00
            account-1,2,money_deposited,"{""amountCents"": 2}",,2026-02-01 10:02:00+00
            """)
        let r = try CLIRunner.rewind(["import", log, csv, "--format", "marten"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("record 3 (line 4): event claims version 2 of stream 'account-1', but the stream is at version 5"))
        #expect(r.stderr.contains("nothing was imported") && r.stderr.contains("--skip-invalid"))
        #expect(try Self.exported(log) == before)
        #expect(try CLIRunner.rewind(["verify", log]).status == 0)
    }

    @Test func skipInvalidImportsTheValidRecordsAndReportsTheRest() throws {
        let dir = ScratchDirectory()
        let log = try Self.fresh(dir)
        let text = """
            {"topic":"t","partition":0,"offset":0,"ts":1768471200000,"headers":["type","Opened"],"key":"s-1","payload":"{}"}
            {"topic":"t","partition":0,"offset":1,"ts":1768471200000,"key":"s-1","payload":"{}"}
            {"topic":"t","partition":0,"offset":2,"ts":1768471200000,"headers":["type","Noted"],"key":"s-1","payload":"{\\"n\\":2}"}
            not json
            {"topic":"t","partition":0,"offset":3,"ts":1768471200000,"headers":["type","Noted"],"key":null,"payload":"{}"}
            {"topic":"t","partition":0,"offset":4,"ts":1768471200000,"headers":["type","Noted"],"key":"s-2","payload":"{}"}
            """
        let file = try dir.write("t.kcat", text)
        let refused = try CLIRunner.rewind(["import", log, file, "--format", "kcat"])
        #expect(refused.status == 1 && refused.stderr.contains("line 2:") && refused.stderr.contains("line 4:") && refused.stderr.contains("line 5:"))
        #expect(try CLIRunner.rewind(["streams", log, "--json"]).stdout.isEmpty)

        let skipped = try CLIRunner.rewind(["import", log, file, "--format", "kcat", "--skip-invalid", "--json"])
        #expect(skipped.status == 0, "\(skipped.stderr)")
        let summary = try JSONValue.parse(skipped.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(summary["events"] == 3 && summary["skipped"] == 3)
        let reasons = summary["skippedReasons"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(reasons.count == 3 && reasons[0].hasPrefix("line 2: no event type") && reasons[1].hasPrefix("line 4: invalid JSON"))
        #expect(skipped.stderr.contains("skipped 3 invalid records (--skip-invalid):") && skipped.stderr.contains("\(file): line 5: no stream"))
        #expect(try CLIRunner.rewind(["read", log, "s-1", "--json"]).lines.count == 2)

        // From stdin, again: the same (derived) ids, so nothing new.
        let again = try CLIRunner.rewind(["import", log, "-", "--format", "kcat", "--skip-invalid", "--json"], stdin: text)
        #expect(again.status == 0 && again.stdout.contains(#""events":0"#) && again.stdout.contains(#""alreadyPresent":3"#))
    }

    @Test func aFileOfAnotherFormatSaysWhichFormatToUse() throws {
        let dir = ScratchDirectory()
        let log = try Self.fresh(dir)
        for (sample, hint) in zip(FormatSample.all.dropFirst(), ["--format kurrent", "--format kurrent", "--format kcat", "--format marten", "--format debezium", "--format debezium"]) {
            let r = try CLIRunner.rewind(["import", log, sample.path])
            #expect(r.status == 1 && r.stderr.contains(hint), "\(sample): \(r.stderr)")
        }
    }

    @Test func usageMistakesExitWith64() throws {
        let dir = ScratchDirectory()
        let log = try Self.fresh(dir)
        let kcat = FormatSample.all[3].path
        for (arguments, message) in [
            (["--format", "csv"], "unknown --format csv; use one of jsonl|kurrent|kcat|marten|debezium"),
            (["--format", "kcat", "--stream-from", "column:stream"], "--format kcat has no column:NAME; use key, header:NAME, field:PATH"),
            (["--format", "jsonl", "--type-from", "field:t"], "--type-from does not apply to --format jsonl"),
            (["--format", "kcat", "--rename-type", "x"], "write FROM=TO"),
            (["--format", "kcat", "--type-case", "camel"], "unknown --type-case camel"),
            (["--format", "kcat", "--type-from", "{header:t"], "a '{' has no matching '}'"),
        ] {
            let r = try CLIRunner.rewind(["import", log, kcat] + arguments)
            #expect(r.status == 64, "\(arguments)")
            #expect(r.stderr.contains(message), "\(r.stderr)")
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func progressShowsEventsPerSecondAndETAOnATerminalOnly() throws {
        let dir = ScratchDirectory()
        let log = try Self.fresh(dir)
        let sample = FormatSample.all[3]
        // `script` gives the command a terminal; CI must be unset for live lines.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        let command = ([CLIRunner.executable("rewind").path] + sample.importArguments(into: log)).map { "'\($0)'" }.joined(separator: " ")
        process.arguments = ["-qfec", command, "/dev/null"]
        var env = ProcessInfo.processInfo.environment
        env["CI"] = nil
        env["TERM"] = "xterm"
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("importing ") && text.contains(" events/s  ETA "), "\(text)")
        #expect(text.contains("imported 12 events"))

        // Not a terminal (stderr is a pipe), CI unset too: no bar.
        let plain = Process()
        plain.executableURL = CLIRunner.executable("rewind")
        plain.arguments = sample.importArguments(into: try Self.fresh(dir, "plain"))
        plain.environment = env
        let err = Pipe()
        plain.standardError = err
        plain.standardOutput = Pipe()
        plain.standardInput = FileHandle.nullDevice
        try plain.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        plain.waitUntilExit()
        #expect(plain.terminationStatus == 0 && stderr.contains("imported 12 events"))
        #expect(!stderr.contains("ETA") && !stderr.contains("\r"), "\(stderr)")
    }
}
