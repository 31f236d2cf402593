import Foundation
import Testing
import TmuxHarness

/// The projection debugger and `:at` in the real binary in a real terminal (tmux).
@Suite(.serialized) struct DebuggerE2ETests {
    /// `rewind init` + `rewind import`, and a projection that faults on the third account event.
    func makeLog() throws -> (ScratchDirectory, String) {
        let dir = ScratchDirectory()
        let log = dir.file("bank")
        _ = try CLIRunner.rewind(["init", log])
        let lines = [
            #"{"stream":"account-1","type":"AccountOpened","data":{"owner":"Ada"},"time":"2026-01-15T10:00:00Z"}"#,
            #"{"stream":"account-1","type":"MoneyDeposited","data":{"amount":100},"time":"2026-01-15T10:01:00Z"}"#,
            #"{"stream":"account-1","type":"MoneyDeposited","data":{"amount":"lots"},"time":"2026-01-15T10:02:00Z"}"#,
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

            [projections.ledger]
            from = "category:account"
            init = '{"total": 0, "owners": []}'
            [projections.ledger.on]
            AccountOpened = '.owners += [$e.data.owner]'
            MoneyDeposited = '.total += ($e.data.amount | if type == "number" then . else error("amount is not a number: \\(.)") end)'
            """
        try toml.write(toFile: log + "/rewind.toml", atomically: true, encoding: .utf8)
        return (dir, log)
    }

    @Test func enterOnAProjectionStepsToItsFaultAndEscCloses() throws {
        guard TmuxSession.isAvailable else { Issue.record("tmux is not installed; .ci/run installs it"); return }
        let (dir, log) = try makeLog()
        _ = dir
        let tmux = try TmuxSession(command: "'\(CLIRunner.executable("rewind").path)' open '\(log)'", width: 120, height: 34)
        defer { tmux.kill() }
        try tmux.waitFor("ledger")
        try tmux.type("5")
        try tmux.send("Enter")
        // It opens at the poison event: the third account event, the state it left intact.
        var screen = try tmux.waitFor("FAULT: handler MoneyDeposited failed")
        #expect(screen.contains("Debugger ledger"))
        #expect(screen.contains("event 3 of 3 handled · position 3"))
        #expect(screen.contains("total: 100"))
        try tmux.send("Home")
        screen = try tmux.waitFor("event 1 of 3 handled")
        #expect(screen.contains("● 0: \"Ada\""))
        try tmux.send("Right")
        screen = try tmux.waitFor("● total: 100")
        try tmux.type("f")
        try tmux.waitFor("event 3 of 3 handled")
        // Nothing on screen is red: event text never reaches the terminal as a colour.
        #expect(!(try tmux.capture(withStyles: true)).contains("\u{1B}[31m"))
        try tmux.send("Escape")
        screen = try tmux.waitUntil("the debugger to close") { !$0.contains("Debugger ledger") && $0.contains("┌ Streams") }
        // :at @2: the dashboard at position 2, then live again.
        try tmux.type(":at @2")
        try tmux.send("Enter")
        screen = try tmux.waitFor("State @ v2")
        #expect(screen.contains("AT @2"))
        try tmux.type(":at now")
        try tmux.send("Enter")
        try tmux.waitUntil("live again") { !$0.contains("AT @2") && $0.contains("State @ v3") }
        try tmux.send("q")
        #expect(try tmux.exitStatus() == 0)
    }

    /// The demo's walkthrough: `daily-volume` faults on the writer's poison event (a deposit whose
    /// amountCents is text), and its debugger opens there while `balances` keeps up.
    @Test func theDemosFaultedProjectionOpensAtThePoisonEvent() throws {
        guard TmuxSession.isAvailable else { Issue.record("tmux is not installed; .ci/run installs it"); return }
        let tmux = try TmuxSession(command: "'\(CLIRunner.executable("rewind").path)' demo bank --rate 100 --events 60", width: 140, height: 40)
        defer { tmux.kill() }
        // The poison event comes after 60 live events (under a second at 100 a second).
        try tmux.waitFor("FAULTED @", timeout: 30)
        try tmux.type("5")
        try tmux.type("j")
        try tmux.send("Enter")
        let screen = try tmux.waitFor("FAULT: handler MoneyDeposited failed", timeout: 20)
        #expect(screen.contains("Debugger daily-volume"))
        #expect(screen.contains("cannot be added"))
        #expect(screen.contains("state left intact"))
        try tmux.send("Left")
        try tmux.waitUntil("a step back from the fault") { !$0.contains("FAULT: handler") && $0.contains("f: the fault at position") }
        try tmux.send("Escape")
        try tmux.waitUntil("the debugger to close") { !$0.contains("Debugger daily-volume") && $0.contains("┌ Streams") }
        try tmux.send("q")
        #expect(try tmux.exitStatus(timeout: 20) == 0)
    }
}
