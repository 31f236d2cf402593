import Foundation
import Testing

/// Hostile jq in rewind.toml, run by the real binary: every attack ends as a handler error (or
/// as harmless), the process never hangs, aborts or crashes, and SIGTERM always works. Each
/// test sets a small `[limits]` budget so the suite stays fast; on code without limits each of
/// them runs until `RunWithDeadline` kills it, and fails.
@Suite("handler limits (rewind state, project run)", .serialized)
struct HandlerLimitsCLITests {
    static let events = """
        {"stream":"account-1","type":"AccountOpened","data":{"owner":"ann"},"time":"2026-01-15T10:00:00Z"}
        {"stream":"account-1","type":"MoneyDeposited","data":{"amountCents":500},"time":"2026-01-15T11:00:00Z"}

        """

    /// How long a test lets a command run before it kills it and fails (a hang on old code).
    static let deadline = Double(ProcessInfo.processInfo.environment["REWIND_TEST_ATTACK_DEADLINE"] ?? "") ?? 60

    /// A log of two events and a rewind.toml whose MoneyDeposited handler is `handler`.
    static func log(_ dir: ScratchDirectory, handler: String, limits: String) throws -> String {
        let log = dir.file("bank")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        let imported = try CLIRunner.rewind(["import", log, "-"], stdin: events)
        #expect(imported.status == 0, "\(imported.stderr)")
        let toml = """
            [limits]
            \(limits)

            [aggregates.account]
            streams = "account-*"
            init = '{balanceCents: 0}'
            [aggregates.account.on]
            AccountOpened = '.owner = $e.data.owner'
            MoneyDeposited = '\(handler)'

            [projections.balances]
            from = "category:account"
            init = '0'
            [projections.balances.on]
            MoneyDeposited = '\(handler)'
            """
        try toml.write(toFile: log + "/rewind.toml", atomically: true, encoding: .utf8)
        return log
    }

    /// `rewind state` on a handler that must be stopped: a handler error naming the stream,
    /// version, type and handler, with `reason` in it; exit status 1, no signal, no hang.
    func expectStopped(handler: String, limits: String = "handlerMillis = 150", reason: String) throws {
        let dir = ScratchDirectory()
        let log = try Self.log(dir, handler: handler, limits: limits)
        let r = try RunWithDeadline.rewind(["state", log, "account-1"], deadline: Self.deadline)
        #expect(!r.timedOut, "rewind state ran for \(Self.deadline) s on '\(handler)'")
        #expect(r.status == 1, "exit status \(r.status), stderr: \(r.stderr)")
        #expect(r.stderr.contains("aggregate account: handler for MoneyDeposited failed on account-1 version 2"), "\(r.stderr)")
        #expect(r.stderr.contains(reason), "\(r.stderr)")
    }

    @Test func runawayUntilHandlerIsAHandlerErrorInState() throws {
        try expectStopped(handler: "until(false; .)", reason: "stopped after its time budget of 150 ms")
    }

    @Test func selfRecursiveDefIsStopped() throws {
        try expectStopped(handler: "def f: f; f", reason: "stopped after its time budget of 150 ms")
    }

    @Test func lastRepeatIsStopped() throws {
        try expectStopped(handler: "last(repeat(.))", reason: "stopped after its time budget of 150 ms")
    }

    @Test func hugeRangeHitsMemoryCeiling() throws {
        // A long time budget: only the memory ceiling can stop it.
        try expectStopped(handler: #"[range(1e9) | "x" * 4096]"#, limits: "handlerMillis = 600000\nhandlerMemoryMiB = 16",
                          reason: "memory ceiling of 16 MiB")
    }

    @Test func deepRecursionIsAnErrorNotAnAbort() throws {
        // jq 1.6 grows its own stack on the heap until malloc fails, then aborts the process.
        try expectStopped(handler: "def f: 1 + f; f", reason: "stopped after its time budget of 150 ms")
    }

    @Test func debugInHandlerIsHarmless() throws {
        let dir = ScratchDirectory()
        let log = try Self.log(dir, handler: "debug | .balanceCents += $e.data.amountCents | debug", limits: "handlerMillis = 150")
        let r = try RunWithDeadline.rewind(["state", log, "account-1", "--json"], deadline: Self.deadline)
        #expect(r.status == 0, "exit status \(r.status), stderr: \(r.stderr)")
        #expect(r.stdout == #"{"balanceCents":500,"owner":"ann"}"# + "\n")
        #expect(!r.stderr.contains("DEBUG"), "\(r.stderr)")
    }

    @Test func stderrInHandlerIsHarmless() throws {
        let dir = ScratchDirectory()
        let log = try Self.log(dir, handler: "stderr | .balanceCents += $e.data.amountCents", limits: "handlerMillis = 150")
        let r = try RunWithDeadline.rewind(["state", log, "account-1", "--json"], deadline: Self.deadline)
        #expect(r.status == 0, "exit status \(r.status), stderr: \(r.stderr)")
        #expect(r.stdout == #"{"balanceCents":500,"owner":"ann"}"# + "\n")
        // jq's stderr would have written the state it was given.
        #expect(!r.stderr.contains("balanceCents"), "\(r.stderr)")
    }

    @Test func projectRunFaultsAnOverBudgetHandlerAtItsEvent() throws {
        let dir = ScratchDirectory()
        let log = try Self.log(dir, handler: "until(false; .)", limits: "handlerMillis = 150")
        let r = try RunWithDeadline.rewind(["project", "run", log], deadline: Self.deadline)
        #expect(!r.timedOut)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("projection balances faulted"), "\(r.stderr)")
        #expect(r.stderr.contains("account-1"), "\(r.stderr)")
        #expect(r.stderr.contains("MoneyDeposited"), "\(r.stderr)")
        #expect(r.stderr.contains("stopped after its time budget of 150 ms"), "\(r.stderr)")
    }

    @Test func projectRunStopsOnSigtermWithoutWaitingForARunawayHandler() throws {
        let dir = ScratchDirectory()
        // Ten minutes of budget: only the signal can end it.
        let log = try Self.log(dir, handler: "until(false; .)", limits: "handlerMillis = 600000")
        let child = try RunWithDeadline.start(CLIRunner.executable("rewind"), ["project", "run", log])
        defer { child.kill() }
        // Wait until the handler is spinning: the process has used a good share of a CPU.
        let busy = child.waitForCPU(seconds: 0.5, timeout: Self.deadline)
        #expect(busy, "project run never got busy")
        child.signal(SIGTERM)
        let bound = Double(ProcessInfo.processInfo.environment["REWIND_TEST_QUIT_SECONDS"] ?? "") ?? QuitBound.seconds
        let exited = child.waitForExit(timeout: bound)
        #expect(exited, "project run was still running \(bound) s after SIGTERM")
        guard exited else { return }
        #expect(child.stderr().contains("stopped by a signal"), "\(child.stderr())")
        // Quitting is not the handler's fault: the projection is stopped, not faulted.
        let status = try CLIRunner.rewind(["project", "status", log, "--json"])
        #expect(status.stdout.contains(#""status":"stopped""#), "\(status.stdout)")
        #expect(!status.stdout.contains("faulted"), "\(status.stdout)")
    }
}
