import Foundation
import Testing
import TmuxHarness

/// The dashboard in a real terminal (tmux) with a handler that never ends: `q` still quits at
/// once, and a handler over its budget shows as a handler error in the state pane.
@Suite(.serialized) struct DashboardLimitsE2ETests {
    func command(_ args: String) -> String { "'\(CLIRunner.executable("rewind").path)' \(args)" }

    @Test func dashboardQuitsWhileAHandlerRunsWithoutWaitingForIt() throws {
        guard TmuxSession.isAvailable else { Issue.record("tmux is not installed; .ci/run installs it"); return }
        let dir = ScratchDirectory()
        // Ten minutes of budget: only quitting can stop the handler.
        let log = try HandlerLimitsCLITests.log(dir, handler: "until(false; .)", limits: "handlerMillis = 600000")
        let tmux = try TmuxSession(command: command("open '\(log)'"), width: 120, height: 34)
        defer { tmux.kill() }
        try tmux.waitFor("┌ Streams")
        try tmux.waitFor("account-1")
        // The state pane is replaying account-1, whose second event never finishes.
        try tmux.waitFor("State")
        // The harness sees the screen a few tmux round-trips late, and on a loaded machine one
        // round-trip alone can take a few hundred milliseconds: that delay is not the
        // dashboard's, so it is measured and added to the bound (see QuitBound).
        let probe = Date()
        for _ in 0..<3 { _ = try tmux.capture() }
        let observation = Date().timeIntervalSince(probe)
        let bound = (Double(ProcessInfo.processInfo.environment["REWIND_TEST_QUIT_SECONDS"] ?? "") ?? QuitBound.seconds) + observation
        let sent = Date()
        try tmux.send("q")
        let status = try? tmux.exitStatus(timeout: bound)
        #expect(status == 0, "the dashboard had not quit \(Date().timeIntervalSince(sent)) s after q (bound \(bound) s)")
    }

    @Test func dashboardShowsTheOverBudgetHandlerErrorInTheStatePane() throws {
        guard TmuxSession.isAvailable else { Issue.record("tmux is not installed; .ci/run installs it"); return }
        let dir = ScratchDirectory()
        let log = try HandlerLimitsCLITests.log(dir, handler: "until(false; .)", limits: "handlerMillis = 150")
        let tmux = try TmuxSession(command: command("open '\(log)'"), width: 220, height: 40)
        defer { tmux.kill() }
        let screen = try tmux.waitFor("time budget of 150 ms", timeout: 30)
        #expect(screen.contains("MoneyDeposited"), "\(screen)")
        #expect(screen.contains("account-1"), "\(screen)")
        try tmux.send("q")
        #expect(try tmux.exitStatus() == 0)
    }
}
