import EventLog
import Foundation
import Glibc  // mkfifo: the tests plant FIFOs as an attacker's copy of a log would hold them
import Testing
import TmuxHarness

/// A log directory copied from elsewhere, with links and FIFOs planted in it, run through the
/// real binary: writing commands refuse the links (naming them) and leave the files outside
/// untouched; reading commands report FIFOs with a clear error instead of hanging. On code
/// without the jail each test either overwrites the victim or runs until `RunWithDeadline`
/// kills it.
@Suite("hostile log directory (links, FIFOs)", .serialized)
struct HostileLogDirectoryCLITests {
    static let deadline = Double(ProcessInfo.processInfo.environment["REWIND_TEST_ATTACK_DEADLINE"] ?? "") ?? 30
    static let secret = "precious: not part of any log\n"
    static let toml = """
        [aggregates.counter]
        streams = "counter-*"
        init = '{total: 0}'
        [aggregates.counter.on]
        Added = '.total += $e.data.by'

        [projections.totals]
        from = "category:counter"
        init = '0'
        [projections.totals.on]
        Added = '. + $e.data.by'

        [snapshots]
        every = 10
        """

    /// A log with counter-1 (25 events), its rewind.toml, and a victim file `outside` beside it.
    static func log(_ dir: ScratchDirectory) throws -> (log: String, outside: String) {
        let log = dir.file("log")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        var lines = ""
        for i in 1...25 { lines += #"{"stream":"counter-1","type":"Added","data":{"by":\#(i)}}"# + "\n" }
        let imported = try CLIRunner.rewind(["import", log, "-"], stdin: lines)
        #expect(imported.status == 0, "\(imported.stderr)")
        _ = try dir.write("log/rewind.toml", toml)
        return (log, try dir.write("outside", secret))
    }

    static func contents(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    static func expectNoHang(_ r: RunWithDeadline.Result, _ what: String, mentions: String) {
        #expect(!r.timedOut, "\(what) ran for \(deadline) s (hung on a FIFO)")
        #expect((r.stdout + r.stderr).contains(mentions), "\(what): \(r.stdout)\(r.stderr)")
    }

    // MARK: Links

    @Test func symlinkedLockMakesAppendAndImportRefuseAndLeavesItsTargetIntact() throws {
        let dir = ScratchDirectory()
        let (log, outside) = try Self.log(dir)
        try? FileManager.default.removeItem(atPath: log + "/LOCK")
        try FileManager.default.createSymbolicLink(atPath: log + "/LOCK", withDestinationPath: outside)
        let append = try CLIRunner.rewind(["append", log, "counter-1", "Added", #"{"by":1}"#])
        #expect(append.status != 0)
        #expect(append.stderr.contains("LOCK is a symbolic link"), "\(append.stderr)")
        let imported = try CLIRunner.rewind(["import", log, "-"], stdin: #"{"stream":"x-1","type":"T","data":{}}"# + "\n")
        #expect(imported.status != 0)
        #expect(Self.contents(outside) == Self.secret)
    }

    @Test func symlinkedProjectionsLockMakesProjectRunRefuseAndLeavesItsTargetIntact() throws {
        let dir = ScratchDirectory()
        let (log, outside) = try Self.log(dir)
        try FileManager.default.createDirectory(atPath: log + "/projections", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: log + "/projections/LOCK", withDestinationPath: outside)
        let run = try CLIRunner.rewind(["project", "run", log])
        #expect(run.status != 0)
        #expect(run.stderr.contains("projections/LOCK is a symbolic link"), "\(run.stderr)")
        #expect(Self.contents(outside) == Self.secret)
    }

    @Test func symlinkedProjectionsAndSnapshotsDirectoriesReceiveNoFiles() throws {
        let dir = ScratchDirectory()
        let (log, _) = try Self.log(dir)
        let elsewhere = dir.file("elsewhere")
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: log + "/projections", withDestinationPath: elsewhere)
        try FileManager.default.createSymbolicLink(atPath: log + "/snapshots", withDestinationPath: elsewhere)
        let run = try CLIRunner.rewind(["project", "run", log])
        #expect(run.status != 0)
        #expect(run.stderr.contains("/projections is a symbolic link"), "\(run.stderr)")
        let snap = try CLIRunner.rewind(["snapshot", "create", log])
        #expect(snap.status != 0)
        #expect(snap.stderr.contains("/snapshots is a symbolic link"), "\(snap.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
    }

    // MARK: FIFOs

    @Test func fifoCheckpointMakesLagReportInsteadOfHanging() throws {
        let dir = ScratchDirectory()
        let (log, _) = try Self.log(dir)
        try FileManager.default.createDirectory(atPath: log + "/checkpoints", withIntermediateDirectories: true)
        #expect(mkfifo(log + "/checkpoints/mailer.json", 0o644) == 0)
        Self.expectNoHang(try RunWithDeadline.rewind(["lag", log], deadline: Self.deadline), "rewind lag", mentions: "is a FIFO")
    }

    @Test func fifoProjectionFileMakesProjectStatusReportInsteadOfHanging() throws {
        let dir = ScratchDirectory()
        let (log, _) = try Self.log(dir)
        try FileManager.default.createDirectory(atPath: log + "/projections", withIntermediateDirectories: true)
        #expect(mkfifo(log + "/projections/totals.json", 0o644) == 0)
        let r = try RunWithDeadline.rewind(["project", "status", log], deadline: Self.deadline)
        Self.expectNoHang(r, "rewind project status", mentions: "is a FIFO")
    }

    @Test func fifoSnapshotMakesStateAndSnapshotVerifyReportInsteadOfHanging() throws {
        let dir = ScratchDirectory()
        let (log, _) = try Self.log(dir)
        #expect(try CLIRunner.rewind(["snapshot", "create", log]).status == 0)
        let files = log + "/snapshots/counter-1/"
        // The newest snapshot a FIFO, the one before it a link to a FIFO.
        try FileManager.default.removeItem(atPath: files + "v00000000000000000020.snap")
        #expect(mkfifo(files + "v00000000000000000020.snap", 0o644) == 0)
        #expect(mkfifo(dir.file("pipe"), 0o644) == 0)
        try FileManager.default.removeItem(atPath: files + "v00000000000000000010.snap")
        try FileManager.default.createSymbolicLink(atPath: files + "v00000000000000000010.snap", withDestinationPath: dir.file("pipe"))

        let state = try RunWithDeadline.rewind(["state", log, "counter-1"], deadline: Self.deadline)
        #expect(!state.timedOut, "rewind state hung on a FIFO snapshot")
        #expect(state.status == 0, "\(state.stderr)")
        #expect(state.stdout.contains(#""total": 325"#), "the state is replayed from the events: \(state.stdout)")

        let verify = try RunWithDeadline.rewind(["snapshot", "verify", log], deadline: Self.deadline)
        Self.expectNoHang(verify, "rewind snapshot verify", mentions: "is a FIFO")
        #expect(verify.status != 0)
    }

    @Test func fifoRewindTomlIsAConfigErrorInsteadOfAHang() throws {
        let dir = ScratchDirectory()
        let (log, _) = try Self.log(dir)
        try FileManager.default.removeItem(atPath: log + "/rewind.toml")
        #expect(mkfifo(log + "/rewind.toml", 0o644) == 0)
        let r = try RunWithDeadline.rewind(["state", log, "counter-1"], deadline: Self.deadline)
        Self.expectNoHang(r, "rewind state", mentions: "is a FIFO")
        #expect(r.status != 0)
    }

    // MARK: The dashboard

    @Test func dashboardDrawsAndQuitsPromptlyWithFifoCheckpointProjectionAndSnapshot() throws {
        guard TmuxSession.isAvailable else { Issue.record("tmux is not installed; .ci/run installs it"); return }
        let dir = ScratchDirectory()
        let (log, _) = try Self.log(dir)
        #expect(try CLIRunner.rewind(["snapshot", "create", log]).status == 0)
        try FileManager.default.createDirectory(atPath: log + "/checkpoints", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: log + "/projections", withIntermediateDirectories: true)
        #expect(mkfifo(log + "/checkpoints/mailer.json", 0o644) == 0)
        #expect(mkfifo(log + "/projections/totals.json", 0o644) == 0)
        let snapshot = log + "/snapshots/counter-1/v00000000000000000020.snap"
        try FileManager.default.removeItem(atPath: snapshot)
        #expect(mkfifo(snapshot, 0o644) == 0)

        let tmux = try TmuxSession(command: "'\(CLIRunner.executable("rewind").path)' open '\(log)'", width: 160, height: 40)
        defer { tmux.kill() }
        // Every pane is drawn, with the replayed state: nothing waits on a FIFO.
        try tmux.waitFor("┌ Streams", timeout: Self.deadline)
        try tmux.waitFor("Projections", timeout: Self.deadline)
        try tmux.waitFor("Snapshots", timeout: Self.deadline)
        try tmux.waitFor("total: 325", timeout: Self.deadline)
        // As in DashboardLimitsE2ETests: the harness's own delay is measured and added.
        let probe = Date()
        for _ in 0..<3 { _ = try tmux.capture() }
        let bound = (Double(ProcessInfo.processInfo.environment["REWIND_TEST_QUIT_SECONDS"] ?? "") ?? QuitBound.seconds) + Date().timeIntervalSince(probe)
        let sent = Date()
        try tmux.send("q")
        let status = try? tmux.exitStatus(timeout: bound)
        #expect(status == 0, "the dashboard had not quit \(Date().timeIntervalSince(sent)) s after q (bound \(bound) s)")
    }

    // MARK: verify and an uncommitted import

    @Test func verifyOfACopyTakenDuringAnImportCountsOnlyTheCommittedEventsAndSaysSo() throws {
        let dir = ScratchDirectory()
        let (log, _) = try Self.log(dir)
        let copy = dir.file("copy")
        let writer = try EventLog.openWriter(at: log)
        let tx = try writer.beginImport()
        // More than the 4 MiB an import gathers before writing, so its first batches are on disk.
        for i in 0..<80 {
            try tx.append(to: "imported-1", [NewEvent(type: "Imported", data: Array("{\"pad\":\"\(String(repeating: "x", count: 64 << 10))\",\"i\":\(i)}".utf8))])
        }
        try FileManager.default.copyItem(atPath: log, toPath: copy)
        try tx.rollback()
        writer.close()
        try Data().write(to: URL(fileURLWithPath: copy + "/LOCK"))  // as after a crash: no live holder

        let text = try CLIRunner.rewind(["verify", copy])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("an import was interrupted before it committed: it wrote "), "\(text.stdout)")
        #expect(text.stdout.contains("after position 25; they are not part of the log, and the next writer rolls them back"), "\(text.stdout)")
        #expect(text.stdout.contains("OK with warnings: 1 segment, ") && text.stdout.contains(", 25 events, 1 stream,"), "\(text.stdout)")

        let json = try CLIRunner.rewind(["verify", copy, "--json"])
        #expect(json.status == 0)
        #expect(json.stdout.contains(#""events": 25"#), "\(json.stdout)")
        #expect(json.stdout.contains(#""uncommittedImport": {"#), "\(json.stdout)")
        #expect(json.stdout.contains(#""committedHead": 25"#), "\(json.stdout)")
        #expect(json.stdout.contains(#""writerRunning": false"#), "\(json.stdout)")
    }
}
