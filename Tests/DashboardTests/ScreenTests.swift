import EventLog
import Foundation
import Replay
import SafeText
import TerminalUI
import Testing
@testable import Dashboard
import Platform

/// Renders the dashboard on a real log into the in-memory terminal and reads the screen.
@Suite(.serialized) struct ScreenTests {
    /// Fixes the clock so ages on screen do not depend on when the test runs.
    func still(_ app: DashboardApp) {
        app.send(.tick(micros: 1))
        app.render()
    }

    @Test func overviewShowsStreamsEventsStateAndTimeline() throws {
        let f = try BankFixture()
        let (app, term) = try f.app(size: Size(width: 120, height: 32))
        still(app)
        assertScreen(term.text, named: "overview-120x32")
        // The first stream is selected, its last version under the cursor, the state replayed.
        #expect(app.state.selectedStream == "account-1")
        #expect(app.state.cursor == 4)
        #expect(term.text.contains("balance: 75"))
        #expect(term.text.contains("State @ v4"))
    }

    @Test func hostileEventTextIsEscapedAndWideCharactersKeepColumns() throws {
        let f = try BankFixture()
        let (app, term) = try f.app(size: Size(width: 200, height: 30))
        app.send(.key(.character("j")))
        app.settle()
        #expect(app.state.selectedStream == "account-2")
        // No cell holds a control character; the escape sequence shows as text.
        for cell in term.screen.cells { #expect(SafeText.isClean(cell.text)) }
        #expect(term.text.contains(#"\e]0;pwned\x07\e[2J"#) || term.text.contains(#"\u001b]0;pwned"#))
        // The row with CJK text has its right border in the same column as every other row.
        let lines = term.lines
        let cjk = try #require(lines.first { $0.contains("日本 Grace") && $0.contains("Opened") })
        let plain = try #require(lines.first { $0.contains("MoneyDeposited") })
        #expect(borderColumns(cjk) == borderColumns(plain))
    }

    @Test func tooSmallTerminalShowsAMessageAndResizeReflows() throws {
        let f = try BankFixture()
        let (app, term) = try f.app(size: Size(width: 50, height: 12))
        #expect(term.text.contains("Terminal too small: 50x12"))
        assertScreen(term.text, named: "too-small-50x12")
        term.resize(to: Size(width: 90, height: 26))
        app.step()
        app.settle()
        #expect(!term.text.contains("too small"))
        #expect(term.lines.count == 26)
        #expect(term.lines[0].hasPrefix("┌ Streams"))
        #expect(DisplayWidth.of(term.lines[0]) == 90)
        term.resize(to: Size(width: 200, height: 60))
        app.step()
        app.settle()
        #expect(DisplayWidth.of(term.lines[0]) == 200)
        #expect(term.text.contains("balance: 75"))
    }

    @Test func helpListsEveryKeyAndCommand() throws {
        let f = try BankFixture()
        let (app, term) = try f.app(size: Size(width: 130, height: 76))
        still(app)
        app.send(.key(.character("?")))
        app.render()
        assertScreen(term.text, named: "help-130x76")
        for (_, keys) in HelpOverlay.sections {
            for (k, _) in keys { #expect(term.text.contains(k), "help lacks \(k)") }
        }
        for (c, _) in Dashboard.commands.prefix(8) { #expect(term.text.contains(":" + c), "help lacks :\(c)") }
        app.send(.key(.escape))
        app.render()
        #expect(!term.text.contains("Commands"))
        #expect(!app.state.quitting)
    }

    @Test func scrubbingShowsTheExactStateAndWhatChanged() throws {
        let f = try BankFixture()
        let (app, term) = try f.app(size: Size(width: 120, height: 32))
        app.send(.key(.home))
        app.settle()
        #expect(term.text.contains("State @ v1"))
        #expect(term.text.contains("● owner: \"Ada\""))
        app.send(.key(.right))
        app.settle()
        #expect(term.text.contains("State @ v2"))
        #expect(term.text.contains("● balance: 100"))
        app.send(.key(.right))
        app.settle()
        #expect(term.text.contains("● balance: 70"))
        // `]` jumps 10 versions, clamped to the last.
        app.send(.key(.character("]")))
        app.settle()
        #expect(app.state.cursor == 4)
        #expect(term.text.contains("balance: 75"))
    }

    @Test func whatIfIsMarkedHypothetical() throws {
        let f = try BankFixture()
        let (app, term) = try f.app(size: Size(width: 120, height: 32))
        app.send(.key(.character(":")))
        for c in "skip 2" { app.send(.key(.character(c))) }
        app.send(.key(.enter))
        app.settle()
        still(app)
        assertScreen(term.text, named: "what-if-120x32")
        #expect(app.state.stateView?.isHypothetical == true)
        #expect(term.text.contains("HYPOTHETICAL"))
        #expect(term.text.contains("balance: -25"))
        #expect(term.text.contains("✗"))
        app.send(.key(.character("X")))
        app.settle()
        #expect(!term.text.contains("HYPOTHETICAL"))
        #expect(term.text.contains("balance: 75"))
    }

    @Test func enterOnAFieldJumpsToTheVersionThatSetIt() throws {
        let f = try BankFixture()
        let (app, _) = try f.app(size: Size(width: 120, height: 32))
        app.send(.key(.character("3")))  // the state pane
        #expect(app.state.focus == .state)
        // Rows: {, balance, owner, status, } — go to owner.
        app.send(.key(.character("j")))
        app.send(.key(.character("j")))
        let row = app.state.treeRows[app.state.stateCursor]
        #expect(row.label == "owner")
        app.send(.key(.enter))
        app.settle()
        #expect(app.state.cursor == 1)
    }

    @Test func eventDetailShowsDataMetadataAndHex() throws {
        let f = try BankFixture()
        let (app, term) = try f.app(size: Size(width: 120, height: 40))
        app.send(.key(.character("2")))
        app.send(.key(.enter))
        app.settle()
        #expect(term.text.contains("Event account-1 v4"))
        #expect(term.text.contains("\"amount\": 5"))
        #expect(term.text.contains("2026-01-15T10:30:00"))
        app.send(.key(.character("x")))
        app.render()
        #expect(term.text.contains("data (hex)"))
        #expect(term.text.contains("7b 22 61 6d"))
        app.send(.key(.escape))
        app.render()
        #expect(!term.text.contains("data (hex)"))
    }

    @Test func filterGotoAndBookmarks() throws {
        let f = try BankFixture()
        let (app, term) = try f.app(size: Size(width: 120, height: 32))
        app.send(.key(.character("/")))
        for c in "ord" { app.send(.key(.character(c))) }
        app.settle()
        #expect(app.state.streamList.matchedStreams == 1)
        #expect(!term.text.contains("account-2"))
        app.send(.key(.escape))
        app.settle()
        #expect(app.state.streamList.matchedStreams == 3)
        // :goto an instant: 10:01:30 is after v2 (10:01) and before v3 (10:02).
        app.send(.key(.character(":")))
        for c in "goto 2026-01-15T10:01:30Z" { app.send(.key(.character(c))) }
        app.send(.key(.enter))
        app.settle()
        #expect(app.state.cursor == 2)
        app.send(.key(.character("m")))
        app.send(.key(.end))
        app.settle()
        app.send(.key(.character("B")))
        app.settle()
        #expect(app.state.cursor == 2)
        #expect(term.text.contains("★"))
        // A bad command says what to do.
        app.send(.key(.character(":")))
        for c in "goto nowhere" { app.send(.key(.character(c))) }
        app.send(.key(.enter))
        app.render()
        #expect(term.text.contains(":goto takes a version"))
    }

    @Test func theLogIsFollowedLive() throws {
        let f = try BankFixture()
        let (app, term) = try f.app(size: Size(width: 120, height: 32))
        #expect(app.state.cursor == 4)
        let writer = try EventLog.openWriter(at: f.logPath, options: .init(durability: .noSync))
        _ = try writer.append(to: "account-1", [NewEvent(type: "MoneyDeposited", data: Array(#"{"amount":1000}"#.utf8))])
        _ = try writer.append(to: "account-77", [NewEvent(type: "AccountOpened", data: Array(#"{"owner":"Lin"}"#.utf8))])
        writer.close()
        app.send(.tick(micros: WallClock.nowMicros()))
        app.settle()
        app.send(.tick(micros: WallClock.nowMicros() + 1_000_000))
        app.settle()
        #expect(app.state.cursor == 5)
        #expect(term.text.contains("balance: 1075"))
        #expect(term.text.contains("account-77"))
    }

    @Test func playbackAdvancesWithTheClock() throws {
        let f = try BankFixture(extraEvents: 40)
        let (app, _) = try f.app(size: Size(width: 120, height: 32))
        app.send(.key(.home))
        app.settle()
        app.send(.key(.character(" ")))
        #expect(app.state.playing != nil)
        app.send(.key(.character("+")))  // 2 events a second
        var t: Int64 = 10_000_000
        app.send(.tick(micros: t))
        for _ in 0..<4 {
            t += 500_000
            app.send(.tick(micros: t))
        }
        app.settle()
        #expect(app.state.cursor == 5)
        #expect(app.state.stateView?.version == 5)
        app.send(.key(.character(" ")))
        #expect(app.state.playing == nil)
    }

    @Test func noColorThemeStillMarksSelectionAndChanges() throws {
        let f = try BankFixture()
        let (app, term) = try f.app(size: Size(width: 120, height: 32))
        app.render()
        // Monochrome: the selected stream row is reversed, a changed field underlined or bold.
        let y = try #require(term.lines.firstIndex { $0.contains("▶ account-1") })
        let x = try #require(term.lines[y].firstIndex(of: "a")).utf16Offset(in: term.lines[y])
        #expect(term.screen[x, y].style.attributes.contains(.reverse))
        #expect(app.terminal.colorDepth == .colors256)
    }
}

/// The projections and snapshots panes on a log with a faulted projection, an external
/// consumer and a snapshot that drifted.
@Suite(.serialized) struct ConsumerPaneTests {
    static let config = BankFixture.config + """

        [projections.balances]
        from = "category:account"
        partition = '$e.stream'
        init = '0'
        [projections.balances.on]
        MoneyDeposited = '. + $e.data.amount'
        MoneyWithdrawn = '. - $e.data.amount'

        [projections.strict]
        from = "category:account"
        init = '0'
        [projections.strict.on]
        MoneyDeposited = 'if $e.data.amount < 10 then error("deposit below the minimum: \\($e.data.amount)") else . + 1 end'

        [snapshots]
        every = 2
        """

    @Test func faultsLagAndSnapshotDrift() throws {
        let f = try BankFixture()
        try Self.config.write(toFile: f.logPath + "/rewind.toml", atomically: true, encoding: .utf8)
        let log = try EventLog.openReadOnly(at: f.logPath)
        let config = try RewindConfig.load(forLog: f.logPath, configPath: nil)
        let runner = try ProjectionRunner(log: log, config: config)
        try? runner.run()
        try ExternalCheckpoints.write(name: "mailer", position: 3, updatedAtMicros: WallClock.nowMicros(), logPath: f.logPath)
        let manager = try SnapshotManager(log: log, config: config)
        _ = try manager.create(streams: ["account-1"], policy: config.snapshots)
        // A production snapshot of v3 that disagrees with a replay: imported, it is marked drift.
        let imported = f.dir.file("prod-snapshots.jsonl")
        try #"{"stream":"account-1","version":3,"state":{"balance":999,"owner":"Ada","status":"open"}}"#.write(toFile: imported, atomically: true, encoding: .utf8)
        _ = try manager.importSnapshots(file: imported)
        log.close()
        let (app, term) = try f.app(size: Size(width: 160, height: 44))
        app.send(.tick(micros: WallClock.nowMicros() + 10_000_000))
        app.settle()
        let text = term.text
        #expect(text.contains("balances"))
        #expect(text.contains("FAULTED @4"))
        #expect(text.contains("mailer"))
        // Snapshots: v2 and v4 ok, v3 (imported) drifts, with the difference.
        #expect(text.contains("DRIFT"))
        #expect(app.state.snapshots.first { $0.version == 3 }?.details == [".balance: snapshot 999, replay 70"])
        // Select the faulted projection: its poison event is shown; Enter opens its debugger at
        // the poison event, and Enter again goes there.
        app.send(.key(.character("5")))
        let strict = try #require(app.state.consumers.firstIndex { $0.lag.name == "strict" })
        for _ in 0..<strict { app.send(.key(.character("j"))) }
        app.render()
        #expect(term.text.contains("poison: account-1 v4"))
        #expect(term.text.contains("deposit below the minimum: 5"))
        app.send(.key(.enter))
        app.settle()
        #expect(term.text.contains("FAULT: handler MoneyDeposited failed"))
        app.send(.key(.enter))
        app.settle()
        #expect(app.state.selectedStream == "account-1" && app.state.cursor == 4)
        // An external consumer has no definition to debug: Enter shows its problem, if any.
        let mailer = try #require(app.state.consumers.firstIndex { $0.lag.name == "mailer" })
        app.send(.key(.character("5")))
        while app.state.consumerCursor < mailer { app.send(.key(.character("j"))) }
        while app.state.consumerCursor > mailer { app.send(.key(.character("k"))) }
        app.send(.key(.enter))
        #expect(app.state.mode != .debugger)
    }
}

/// `--writable`: the one action that writes, taking snapshots.
@Suite(.serialized) struct WritableTests {
    @Test func snapshotsAreTakenOnlyWhenWritable() throws {
        let f = try BankFixture()
        try (BankFixture.config + "\n[snapshots]\nevery = 2\n").write(toFile: f.logPath + "/rewind.toml", atomically: true, encoding: .utf8)
        let (readOnly, roTerm) = try f.app(size: Size(width: 120, height: 32))
        readOnly.send(.key(.character(":")))
        for c in "snapshot" { readOnly.send(.key(.character(c))) }
        readOnly.send(.key(.enter))
        readOnly.settle()
        #expect(roTerm.text.contains("read-only: reopen with"))
        #expect(!FileManager.default.fileExists(atPath: f.logPath + "/snapshots/account-1"))

        let (app, term) = try f.app(size: Size(width: 120, height: 32), writable: true)
        #expect(term.text.contains("WRITABLE"))
        app.send(.key(.character(":")))
        for c in "snapshot" { app.send(.key(.character(c))) }
        app.send(.key(.enter))
        app.settle()
        #expect(term.text.contains("took 2 snapshots of account-1"))
        // The snapshots pane refreshes and verifies them.
        #expect(app.state.snapshots.map(\.version) == [2, 4])
        #expect(app.state.snapshots.allSatisfy { $0.status == "ok" })
    }
}
