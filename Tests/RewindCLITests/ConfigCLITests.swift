import Foundation
import Testing

/// `export`/`read` with `--redact` and `--upcast`, and `rewind config check`, run the way a
/// user runs them.
@Suite("rewind.toml on the command line")
struct ConfigCLITests {
    static let events = """
        {"stream":"user-1","type":"UserRegistered","data":{"name":"Ada","profile":{"contacts":[{"email":"ada@example.com"}]}},"metadata":{"actor":"admin","Email":"ops@example.com"},"schemaVersion":1}
        {"stream":"user-1","type":"UserRenamed","data":{"name":"Ada L."}}
        {"stream":"user-2","type":"UserRegistered","data":{"name":"Bob","email":"bob@example.com"},"schemaVersion":2}
        """

    static let config = """
        [aggregates.user]
        streams = "user-*"
        [aggregates.user.on]
        UserRegistered = '.name = $e.data.name'

        [upcasters.UserRegistered]
        1 = '. + {email: null}'   # schema 1 had no email

        [redact]
        fields = ["email"]
        """

    /// A log with the three events above, and rewind.toml in it when `config` is given.
    func makeLog(_ dir: ScratchDirectory, config: String? = ConfigCLITests.config) throws -> String {
        let log = dir.file("users")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        let imported = try CLIRunner.rewind(["import", log, "-"], stdin: Self.events)
        #expect(imported.status == 0, "\(imported.stderr)")
        if let config { try config.write(toFile: log + "/rewind.toml", atomically: true, encoding: .utf8) }
        return log
    }

    @Test func exportRedactHidesFieldsAndLeavesOtherEventsByteIdentical() throws {
        let dir = ScratchDirectory()
        let log = try makeLog(dir)
        let plain = try CLIRunner.rewind(["export", log])
        let redacted = try CLIRunner.rewind(["export", log, "--redact"])
        #expect(redacted.status == 0, "\(redacted.stderr)")
        #expect(redacted.lines.count == 3)
        #expect(redacted.lines[0].contains(#""data":{"name":"Ada","profile":{"contacts":[{"email":"[redacted]"}]}}"#))
        #expect(redacted.lines[0].contains(#""metadata":{"actor":"admin","Email":"[redacted]"}"#))
        #expect(!redacted.stdout.contains("example.com"))
        // The event with nothing to hide is the same line as in a plain export.
        #expect(redacted.lines[1] == plain.lines[1])
        #expect(redacted.lines[2].contains(#""email":"[redacted]""#))
        // Every other field is as in the plain export.
        #expect(redacted.lines[0].hasPrefix(#"{"stream":"user-1","type":"UserRegistered","data":"#))
        #expect(redacted.lines[0].contains(#""schemaVersion":1"#))
    }

    @Test func exportRedactWithoutFieldsSaysWhatToAdd() throws {
        let dir = ScratchDirectory()
        let log = try makeLog(dir, config: nil)
        let r = try CLIRunner.rewind(["export", log, "--redact"])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("--redact needs the names of the fields to hide"))
        #expect(r.stderr.contains("[redact]") && r.stderr.contains(#"fields = ["email", "ssn"]"#))
        #expect(r.stderr.contains(log + "/rewind.toml"))
    }

    @Test func exportUpcastWritesUpgradedDataWithTheNewSchemaVersion() throws {
        let dir = ScratchDirectory()
        let log = try makeLog(dir)
        let stored = try CLIRunner.rewind(["export", log, "--stream", "user-1"])
        #expect(stored.lines[0].contains(#""schemaVersion":1"#))
        #expect(!stored.lines[0].contains(#""email":null"#))

        let upcast = try CLIRunner.rewind(["export", log, "--upcast"])
        #expect(upcast.status == 0, "\(upcast.stderr)")
        #expect(upcast.lines.count == 3)
        #expect(upcast.lines[0].contains(#""email":null"#))
        #expect(upcast.lines[0].contains(#""schemaVersion":2"#))
        #expect(upcast.lines[0].contains(#""metadata":{"actor":"admin","Email":"ops@example.com"}"#))
        // Already at schema 2 and of another type: as stored.
        let plain = try CLIRunner.rewind(["export", log])
        #expect(upcast.lines[1] == plain.lines[1])
        #expect(upcast.lines[2] == plain.lines[2])

        // Both: upcast first, then redact (the new field is hidden too).
        let both = try CLIRunner.rewind(["export", log, "--upcast", "--redact", "--stream", "user-1"])
        #expect(both.lines[0].contains(#""email":"[redacted]""#) && both.lines[0].contains(#""schemaVersion":2"#))

        // The export imports back.
        let copy = dir.file("copy")
        _ = try CLIRunner.rewind(["init", copy])
        #expect(try CLIRunner.rewind(["import", copy, "-"], stdin: both.stdout).status == 0)
    }

    @Test func readRedactHidesFieldsInTheTableAndInJSON() throws {
        let dir = ScratchDirectory()
        let log = try makeLog(dir)
        let table = try CLIRunner.rewind(["read", log, "user-2", "--redact"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains(#""email":"[redacted]""#))
        #expect(!table.stdout.contains("bob@example.com"))
        let json = try CLIRunner.rewind(["read", log, "--json", "--redact"])
        #expect(json.lines.count == 3)
        #expect(!json.stdout.contains("example.com"))
        let upcast = try CLIRunner.rewind(["read", log, "user-1", "--upcast"])
        #expect(upcast.stdout.contains(#"v2 {"name":"Ada""#))

        let custom = try dir.write("custom.toml", "[redact]\nfields = [\"name\"]\n")
        let other = try CLIRunner.rewind(["read", log, "user-1", "--json", "--redact", "--config", custom])
        #expect(other.lines[1].contains(#""data":{"name":"[redacted]"}"#))
        #expect(other.lines[0].contains("ada@example.com"))
    }

    @Test func configCheckSummarizesAValidFile() throws {
        let dir = ScratchDirectory()
        let log = try makeLog(dir)
        let r = try CLIRunner.rewind(["config", "check", log])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines.first?.hasPrefix(log + "/rewind.toml: ok (1 aggregate, 0 projections, 1 upcaster, 1 handler") == true)
        #expect(r.stdout.contains("user  streams user-*  init {}  (matches 2 streams)"))
        #expect(r.stdout.contains("on: UserRegistered"))
        #expect(r.stdout.contains("UserRegistered  1→2"))
        #expect(r.stdout.contains("redact: email"))
        #expect(r.stdout.contains("snapshots: every 1000 events"))
    }

    @Test func configCheckReportsTheErrorAndFails() throws {
        let dir = ScratchDirectory()
        let log = try makeLog(dir, config: """
            [aggregates.user]
            streams = "user-*"
            [aggregates.user.on]
            UserRegistered = '.name = $e.data.name |'
            """)
        let r = try CLIRunner.rewind(["config", "check", log])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("rewind.toml, line 4, aggregates.user.on.UserRegistered: jq cannot compile"))

        let typo = try dir.write("typo.toml", "[projection.p]\nfrom = \"all\"\n")
        let t = try CLIRunner.rewind(["config", "check", log, "--config", typo])
        #expect(t.status == 1)
        #expect(t.stderr.contains("typo.toml, line 1, projection: unknown section 'projection'"))
        #expect(t.stderr.contains("did you mean [projections]?"))

        // export --redact refuses a broken file rather than export unredacted data.
        let export = try CLIRunner.rewind(["export", log, "--redact"])
        #expect(export.status == 1)
        #expect(export.stdout.isEmpty)
    }

    @Test func configCheckWithoutAFileExplainsTheDefaults() throws {
        let dir = ScratchDirectory()
        let log = try makeLog(dir, config: nil)
        let r = try CLIRunner.rewind(["config", "check", log])
        #expect(r.status == 0)
        #expect(r.stdout.contains("no rewind.toml"))
        #expect(r.stdout.contains("generic fold"))
    }
}
