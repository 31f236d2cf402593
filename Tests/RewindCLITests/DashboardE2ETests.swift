import Foundation
import Testing
import TmuxHarness

/// The real binary in a real terminal (tmux): open a log, pick a stream, scrub, read the state,
/// resize, quit. Serialized: each test has its own tmux server, but they share two cores.
@Suite(.serialized) struct DashboardE2ETests {
    /// A log made the way a user makes one: `rewind init` and `rewind import`.
    func makeLog() throws -> (ScratchDirectory, String) {
        let dir = ScratchDirectory()
        let log = dir.file("bank")
        _ = try CLIRunner.rewind(["init", log])
        let lines = [
            #"{"stream":"account-1","type":"AccountOpened","data":{"owner":"Ada"},"time":"2026-01-15T10:00:00Z"}"#,
            #"{"stream":"account-1","type":"MoneyDeposited","data":{"amount":100},"time":"2026-01-15T10:01:00Z"}"#,
            #"{"stream":"account-1","type":"MoneyWithdrawn","data":{"amount":30},"time":"2026-01-15T10:02:00Z"}"#,
            #"{"stream":"account-2","type":"AccountOpened","data":{"owner":"Grace \u001b[31mred\u001b[0m"},"time":"2026-01-15T10:03:00Z"}"#,
        ]
        let file = dir.file("events.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let r = try CLIRunner.rewind(["import", log, file])
        #expect(r.status == 0, "\(r.stderr)")
        let toml = """
            [aggregates.account]
            streams = "account-*"
            init = '{"balance": 0, "owner": null}'
            [aggregates.account.on]
            AccountOpened = '.owner = $e.data.owner'
            MoneyDeposited = '.balance += $e.data.amount'
            MoneyWithdrawn = '.balance -= $e.data.amount'
            """
        try toml.write(toFile: log + "/rewind.toml", atomically: true, encoding: .utf8)
        return (dir, log)
    }

    func command(_ args: String) -> String { "'\(CLIRunner.executable("rewind").path)' \(args)" }

    @Test func openPickScrubResizeQuit() throws {
        guard TmuxSession.isAvailable else { Issue.record("tmux is not installed; .ci/run installs it"); return }
        let (dir, log) = try makeLog()
        _ = dir
        let tmux = try TmuxSession(command: command("open '\(log)'"), width: 120, height: 34)
        defer { tmux.kill() }
        try tmux.waitFor("State @ v3")
        var screen = try tmux.waitFor("balance: 70")
        #expect(screen.contains("READ-ONLY"))
        // Scrub back one version: the state of v2.
        try tmux.send("Left")
        screen = try tmux.waitFor("balance: 100")
        #expect(screen.contains("State @ v2"))
        // The next stream: its owner's escape sequence shows as text, not as colour.
        try tmux.send("j")
        screen = try tmux.waitFor("Grace")
        #expect(screen.contains(#"\u001b[31mred"#) || screen.contains(#"\e[31mred"#))
        // Nothing on screen is red: the escape never reached the terminal as a colour.
        #expect(!(try tmux.capture(withStyles: true)).contains("\u{1B}[31m"))
        // Resize: the layout reflows to the new width.
        try tmux.resize(width: 90, height: 26)
        screen = try tmux.waitUntil("a 90-column frame") { s in
            s.split(separator: "\n").first.map { $0.hasPrefix("┌ Streams") && $0.count == 90 } ?? false
        }
        // Too small, then back.
        try tmux.resize(width: 40, height: 10)
        try tmux.waitFor("too small")
        try tmux.resize(width: 100, height: 30)
        try tmux.waitFor("State @ v1")
        try tmux.send("q")
        #expect(try tmux.exitStatus() == 0)
        // The terminal is back to the shell's screen: no frame left behind.
        #expect(!(try tmux.capture()).contains("┌ Streams"))
    }

    @Test func gotoHelpAndMouse() throws {
        guard TmuxSession.isAvailable else { Issue.record("tmux is not installed; .ci/run installs it"); return }
        let (dir, log) = try makeLog()
        _ = dir
        let tmux = try TmuxSession(command: command("'\(log)'"), width: 120, height: 34)
        defer { tmux.kill() }
        try tmux.waitFor("balance: 70")
        try tmux.type(":goto 1")
        try tmux.send("Enter")
        try tmux.waitFor("State @ v1")
        try tmux.type("?")
        try tmux.waitFor("Commands")
        try tmux.send("Escape")
        try tmux.waitUntil("help to close") { !$0.contains("Commands") }
        // A click at the slider's right end (X10 mouse report: ESC [ M button x y, +32 offsets).
        let screen = try tmux.capture()
        let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
        let sliderRow = try #require(rows.firstIndex { $0.contains("●─") || $0.contains("━●") })
        try tmux.sendBytes([0x1B, 0x5B, 0x4D, 32, UInt8(32 + 1 + 115), UInt8(32 + 1 + sliderRow)])
        try tmux.sendBytes([0x1B, 0x5B, 0x4D, 35, UInt8(32 + 1 + 115), UInt8(32 + 1 + sliderRow)])
        try tmux.waitFor("State @ v3")
        try tmux.send("Escape")
        #expect(try tmux.exitStatus() == 0)
    }

    @Test func filterEnterSelectsTheFirstMatchAndEscClearsItBeforeQuitting() throws {
        guard TmuxSession.isAvailable else { Issue.record("tmux is not installed; .ci/run installs it"); return }
        let (dir, log) = try makeLog()
        _ = dir
        let tmux = try TmuxSession(command: command("open '\(log)'"), width: 120, height: 34)
        defer { tmux.kill() }
        try tmux.waitFor("balance: 70")
        // "/-2" Enter: account-2 (the only match) is selected, not account-1 that it hides.
        try tmux.type("/-2")
        try tmux.send("Enter")
        // The pane title changes before the stream's events are loaded: wait for both.
        var screen = try tmux.waitUntil("account-2's events") { $0.contains("Events account-2") && $0.contains("Grace") }
        #expect(!screen.contains("account-1"))
        // Esc clears the filter and the dashboard stays open, still on account-2.
        try tmux.send("Escape")
        screen = try tmux.waitFor("account-1")
        #expect(screen.contains("Events account-2"))
        #expect(screen.contains("┌ Streams"))
        // Esc again quits.
        try tmux.send("Escape")
        #expect(try tmux.exitStatus() == 0)
    }

    @Test func sigtermRestoresTheTerminal() throws {
        guard TmuxSession.isAvailable else { Issue.record("tmux is not installed; .ci/run installs it"); return }
        let (dir, log) = try makeLog()
        _ = dir
        let tmux = try TmuxSession(command: command("open '\(log)'"), width: 100, height: 30)
        defer { tmux.kill() }
        try tmux.waitFor("balance: 70")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["pkill", "-TERM", "-f", "rewind open \(log)"]
        try p.run()
        p.waitUntilExit()
        #expect(try tmux.exitStatus() == 143)
        #expect(!(try tmux.capture()).contains("┌ Streams"))
    }

    @Test func aBadThemeIsAClearError() throws {
        let (dir, log) = try makeLog()
        _ = dir
        let r = try CLIRunner.rewind(["open", log, "--theme", "no-such-theme"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("dark"))
        let bad = dir.file("bad.toml")
        try "[palette]\nfg = \"#zzzzzz\"\n[roles]\nbody = { fg = \"fg\" }\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let r2 = try CLIRunner.rewind(["open", log, "--theme", bad])
        #expect(r2.status != 0)
        #expect(r2.stderr.contains("fg"))
    }

    @Test func aLogAloneMeansOpenButAMisspeltCommandIsAUsageError() throws {
        let (dir, log) = try makeLog()
        _ = dir
        let shorthand = try CLIRunner.rewind([log])
        #expect(shorthand.status == 1 && shorthand.stderr.contains("rewind open needs a terminal"))
        let typo = try CLIRunner.rewind(["opne", log])
        #expect(typo.status == 64)
    }

    @Test func openWithoutATerminalSaysWhatToDo() throws {
        let (dir, log) = try makeLog()
        _ = dir
        let r = try CLIRunner.rewind(["open", log])
        #expect(r.status != 0)
        #expect(r.stderr.contains("terminal"))
    }

    @Test func theDemoOpensTheDashboardAndCleansUpOnQuit() throws {
        guard TmuxSession.isAvailable else { Issue.record("tmux is not installed; .ci/run installs it"); return }
        // `rewind` alone is the bank demo.
        let tmux = try TmuxSession(command: command(""), width: 160, height: 44)
        defer { tmux.kill() }
        var screen = try tmux.waitFor("balances", timeout: 30)
        #expect(screen.contains("⇄ ledger-export"))
        // Live: the head moves while we watch.
        func head(_ s: String) -> Int? {
            guard let r = s.range(of: "head ") else { return nil }
            return Int(s[r.upperBound...].prefix { $0.isNumber || $0 == "," }.filter(\.isNumber))
        }
        let first = head(screen)
        screen = try tmux.waitUntil("the log to grow", timeout: 20) { s in (head(s) ?? 0) > (first ?? 0) }
        try tmux.send("q")
        #expect(try tmux.exitStatus(timeout: 20) == 0)
        screen = try tmux.capture()
        let removed = try #require(screen.split(separator: "\n").first { $0.contains("stopped; removed ") })
        let range = try #require(removed.range(of: "removed "))
        let dir = String(removed[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        #expect(!FileManager.default.fileExists(atPath: dir), "the demo left \(dir) behind")
    }
}
