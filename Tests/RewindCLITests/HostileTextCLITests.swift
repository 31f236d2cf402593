import Foundation
import SafeText
import Testing
import TmuxHarness

/// Text from files, configs, arguments and events reaches the terminal as text: no ESC, no C1,
/// no bidi or zero-width character, no line separator, whatever the path it takes (errors,
/// notes, tables, argument-parser messages, jq messages).
@Suite("hostile text", .serialized)
struct HostileTextCLITests {
    /// An OSC 52 sequence ("put this in the clipboard"), as a TOML escape.
    static let osc52TOML = #"\u001b]52;c;cHduZWQ=\u0007"#
    static let osc52Shown = #"\e]52;c;cHduZWQ=\x07"#

    static func log(_ dir: ScratchDirectory, events: String) throws -> String {
        let log = dir.file("bank")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        let imported = try CLIRunner.rewind(["import", log, "-"], stdin: events)
        #expect(imported.status == 0, "\(imported.stderr)")
        return log
    }

    static let events = """
        {"stream":"account-1","type":"AccountOpened","data":{"owner":"\\u001b]52;c;cHduZWQ=\\u0007"},"time":"2026-01-15T10:00:00Z"}

        """

    /// Nothing a terminal would act on: no C0 but line feed, no C1, no bidi, zero-width or separator.
    static func isInert(_ s: String) -> Bool {
        !s.unicodeScalars.contains { u in
            let v = u.value
            return (v < 0x20 && v != 0x0A) || (v >= 0x7F && v < 0xA0) || (0x200B...0x200F).contains(v) || (0x2028...0x202E).contains(v)
                || (0x2066...0x2069).contains(v) || v == 0xFEFF
        }
    }

    @Test func osc52InRewindTomlStaysText() throws {
        let dir = ScratchDirectory()
        let log = try Self.log(dir, events: Self.events)
        let toml = """
            [projections.balances]
            from = "\(Self.osc52TOML)"
            [projections.balances.on]
            AccountOpened = '. + 1'
            """
        try toml.write(toFile: log + "/rewind.toml", atomically: true, encoding: .utf8)
        for arguments in [["config", "check", log], ["state", log, "account-1"], ["project", "run", log]] {
            let r = try CLIRunner.rewind(arguments)
            #expect(r.status != 0, "\(arguments)")
            #expect(Self.isInert(r.stderr) && Self.isInert(r.stdout), "\(arguments): \(r.stderr.debugDescription)")
            #expect(r.stderr.contains(Self.osc52Shown), "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains("line 2"), "\(arguments): \(r.stderr)")
        }
    }

    @Test func osc52InRewindTomlStaysTextInTheDashboard() throws {
        guard TmuxSession.isAvailable else { Issue.record("tmux is not installed; .ci/run installs it"); return }
        let dir = ScratchDirectory()
        let log = try Self.log(dir, events: Self.events)
        let toml = "[projections.balances]\nfrom = \"\(Self.osc52TOML)\"\n"
        try toml.write(toFile: log + "/rewind.toml", atomically: true, encoding: .utf8)
        // The command waits for Enter, so tmux accepts OSC 52 (set-clipboard on) before it runs.
        let rewind = CLIRunner.executable("rewind").path
        let tmux = try TmuxSession(command: "read go; '\(rewind)' open '\(log)'", width: 120, height: 20)
        defer { tmux.kill() }
        try tmux.tmux(["set-option", "-g", "set-clipboard", "on"])
        try tmux.send("Enter")
        let screen = try tmux.waitFor("__EXIT=")
        #expect(screen.contains(Self.osc52Shown), "\(screen)")
        // No paste buffer: the sequence never reached tmux as a command.
        let buffers = try tmux.tmux(["list-buffers", "-F", "#{buffer_name}"])
        #expect(buffers.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "clipboard set: \(buffers)")
    }

    @Test func argumentErrorsAreSanitized() throws {
        let dir = ScratchDirectory()
        let log = try Self.log(dir, events: Self.events)
        let cases: [[String]] = [
            ["read", log, "--\u{1B}]0;title\u{07}"],  // an unknown option, echoed by the parser
            ["read", log, "--from", "\u{1B}[31m"],  // a value the parser cannot convert
            ["open", log, "--theme", "/no/such/\u{1B}]0;t\u{07}.toml"],  // a theme path, echoed
            ["state", log, "account-1", "--config", "/no/such/\u{9B}31m\u{202E}.toml"],  // a config path
            ["read", log, "no-such-\u{1B}[2J\u{2028}stream"],  // a stream name
        ]
        for arguments in cases {
            let r = try CLIRunner.rewind(arguments)
            #expect(r.status != 0, "\(arguments)")
            #expect(Self.isInert(r.stderr), "\(arguments.last ?? ""): \(r.stderr.debugDescription)")
            #expect(r.stderr.contains("\\e") || r.stderr.contains("\\x9B"), "\(r.stderr)")
        }
    }

    @Test func jqErrorMessageFromEventDataIsSanitized() throws {
        let dir = ScratchDirectory()
        let log = try Self.log(dir, events: Self.events)
        let toml = """
            [aggregates.account]
            streams = "account-*"
            [aggregates.account.on]
            AccountOpened = 'error($e.data.owner)'
            """
        try toml.write(toFile: log + "/rewind.toml", atomically: true, encoding: .utf8)
        let r = try CLIRunner.rewind(["state", log, "account-1"])
        #expect(r.status != 0)
        #expect(Self.isInert(r.stderr), "\(r.stderr.debugDescription)")
        #expect(r.stderr.contains(Self.osc52Shown), "\(r.stderr)")
    }

    @Test func lineSeparatorsDoNotBreakTables() throws {
        let dir = ScratchDirectory()
        let events = """
            {"stream":"a\\u2028b\\u2029c-1","type":"Line\\u2028Break","data":{},"time":"2026-01-15T10:00:00Z"}
            {"stream":"日本語-2","type":"Wide","data":{},"time":"2026-01-15T10:01:00Z"}
            {"stream":"plain-3","type":"Plain","data":{},"time":"2026-01-15T10:02:00Z"}

            """
        let log = try Self.log(dir, events: events)
        let streams = try CLIRunner.rewind(["streams", log])
        #expect(streams.status == 0)
        #expect(Self.isInert(streams.stdout), "\(streams.stdout.debugDescription)")
        #expect(streams.stdout.contains("a\\u{2028}b\\u{2029}c-1"))
        // One line per stream plus the header, and the EVENTS column starts at one column.
        let lines = streams.lines
        #expect(lines.count == 4, "\(lines)")
        let eventColumns = lines.dropFirst().map { Self.columnOf(" 1 ", in: $0) }
        #expect(Set(eventColumns).count == 1, "\(lines)")
        let read = try CLIRunner.rewind(["read", log, "a\u{2028}b\u{2029}c-1"])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(Self.isInert(read.stdout), "\(read.stdout.debugDescription)")
        #expect(read.lines.filter { $0.contains("Line\\u{2028}Break") }.count == 1, "\(read.lines)")
    }

    @Test func checkpointFileThatIsNotACheckpointIsNotEchoed() throws {
        let dir = ScratchDirectory()
        let log = try Self.log(dir, events: Self.events)
        try FileManager.default.createDirectory(atPath: log + "/checkpoints", withIntermediateDirectories: true)
        let payload = #"\u001b]52;c;"# + String(repeating: "A", count: 5_000) + #"\u0007"#
        try #"{"position": "\#(payload)", "updatedAt": 5}"#.write(toFile: log + "/checkpoints/mailer.json", atomically: true, encoding: .utf8)
        try #"{"position": 3, "updatedAt": "\#(payload)"}"#.write(toFile: log + "/checkpoints/search.json", atomically: true, encoding: .utf8)
        try Data([0x1B, 0x5D, 0x35, 0x32, 0xFF, 0x00]).write(to: URL(fileURLWithPath: log + "/checkpoints/binary.json"))
        let r = try CLIRunner.rewind(["lag", log])
        #expect(Self.isInert(r.stdout) && Self.isInert(r.stderr), "\(r.stdout.debugDescription)")
        #expect(!r.stdout.contains("AAAA"), "the file's contents were echoed")
        for name in ["mailer", "search", "binary"] {
            #expect(r.stdout.contains("\(name).json is malformed"), "\(r.stdout)")
        }
    }

    /// The terminal column (display width) where `needle` starts in `line`, or -1.
    static func columnOf(_ needle: String, in line: String) -> Int {
        guard let r = line.range(of: needle) else { return -1 }
        return DisplayWidth.of(String(line[..<r.lowerBound]))
    }
}
