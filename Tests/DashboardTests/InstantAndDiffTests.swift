import EventLog
import Foundation
import JSON
import Replay
import SafeText
import TerminalUI
import Testing
@testable import Dashboard

/// `:at` (the dashboard at an instant) and `m` / `D` (mark A, diff to the cursor) on the bank
/// log with projections.
@Suite(.serialized) struct InstantAndDiffTests {
    func app(_ f: ProjectionFixture, size: Size = Size(width: 140, height: 40)) throws -> (DashboardApp, TestTerminal) {
        let (app, term) = try f.bank.app(size: size)
        app.send(.tick(micros: 1))
        app.send(.tick(micros: 1_100_000))
        app.settle()
        return (app, term)
    }

    func command(_ app: DashboardApp, _ text: String) {
        app.send(.key(.character(":")))
        app.type(text)
        app.press(.enter)
    }

    @Test func atAPositionShowsVersionsCursorAndReadModelsAsOfThen() throws {
        let f = try ProjectionFixture()
        let (app, term) = try app(f)
        #expect(app.state.cursor == 4)
        command(app, "at @3")
        #expect(app.state.instant?.position == 3)
        // account-1 had 3 events then; account-2 and order-9 did not exist yet.
        #expect(app.state.instant?.view?.versions == ["account-1": 3])
        #expect(app.state.selectedStream == "account-1" && app.state.cursor == 3)
        #expect(!app.state.follow)
        let text = term.text
        #expect(text.contains("State @ v3"))
        #expect(text.contains("balance: 70"))
        #expect(text.contains("AT @3"))
        #expect(text.contains("state @3"))
        // Each read model as of position 3, against the fold written in the test.
        let totals = try #require(app.state.instant?.view?.projections["totals"]?.state)
        #expect(totals == ProjectionFixture.totals(through: 3))
        #expect(app.state.instant?.view?.projections["balances"]?.state == .object(["account-1": .integer(70)]))
        #expect(app.state.instant?.view?.projections["strict"]?.state == .integer(1))
        #expect(app.state.instant?.view?.projections["strict"]?.fault == nil)
        #expect(text.contains(#"{"deposits":100,"withdrawn":30"#))
        // The streams pane: versions as of then, a dash for streams that did not exist.
        let row2 = try #require(term.lines.first { $0.contains("account-2") && $0.contains("│") })
        #expect(row2.contains("–"))
        let row1 = try #require(term.lines.first { $0.contains("▶ account-1") })
        #expect(row1.contains("3"))
        assertScreen(text, named: "at-position-3-140x40")
        // Another stream at the instant: its last event at or before it (account-2 had none).
        app.press(.character("1"), .character("j"))
        #expect(app.state.selectedStream == "account-2")
        #expect(term.text.contains("account-2 did not exist yet at @3"))
        app.press(.character("k"))
        // :at now: live again, the cursor at the last version.
        command(app, "at now")
        #expect(app.state.instant == nil)
        #expect(app.state.cursor == 4 && app.state.follow)
        #expect(!term.text.contains("AT @"))
        // Esc at an instant returns to live before it ever quits.
        command(app, "at @2")
        #expect(app.state.instant?.position == 2 && app.state.cursor == 2)
        app.press(.escape)
        #expect(app.state.instant == nil && !app.state.quitting)
        #expect(app.state.cursor == 4)
        #expect(term.text.contains("live again; Esc again quits"))
        app.press(.escape)
        #expect(app.state.quitting)
    }

    @Test func atATimeMeansTheLongestPrefixAtOrBeforeIt() throws {
        let f = try ProjectionFixture()
        let (app, _) = try app(f)
        // 10:10 is after positions 1-3 (10:00-10:02) but position 4 is 10:30: the prefix ends at 3,
        // although positions 5-7 (10:03-10:05) are earlier than 10:10.
        command(app, "at 2026-01-15T10:10:00Z")
        #expect(app.state.instant?.position == 3)
        #expect(app.state.instant?.position == (try ProjectionStateAt.position(atTime: BankFixture.base + 600_000_000, log: EventLog.openReadOnly(at: f.bank.logPath))))
        command(app, "at '2026-01-15 10:01'")
        #expect(app.state.instant?.position == 2)
        command(app, "at 2026-01-15 10:00:30")
        #expect(app.state.instant?.position == 1)
        #expect(app.state.cursor == 1)
        // Before the first event: position 0, every stream absent.
        command(app, "at 2020-01-01")
        #expect(app.state.instant?.position == 0)
        #expect(app.state.instant?.view?.versions.isEmpty == true)
        #expect(app.state.instant?.view?.projections["totals"]?.state == ProjectionFixture.totals(through: 0))
        command(app, "at @100")
        #expect(app.state.instant?.position == 7)
    }

    @Test func badAtInputSaysWhatItTakes() throws {
        let f = try ProjectionFixture()
        let (app, term) = try app(f)
        command(app, "at yesterday")
        #expect(term.text.contains("'yesterday' is not an instant; :at takes an instant (2026-01-15T10:00:00Z"))
        #expect(app.state.instant == nil)
        command(app, "at @-3")
        #expect(term.text.contains(":at @P takes a global position, like @1200"))
        command(app, "at")
        #expect(term.text.contains(":at takes an instant"))
        command(app, "at now")
        #expect(term.text.contains("already live"))
        // Hostile text typed as an instant comes back escaped.
        command(app, "at \u{1B}[31mred")
        for cell in term.screen.cells { #expect(SafeText.isClean(cell.text)) }
        #expect(app.state.instant == nil)
    }

    @Test func markThenDiffShowsTheChangesFromAToTheCursor() throws {
        let f = try ProjectionFixture()
        let (app, term) = try app(f)
        app.press(.character("D"))
        #expect(term.text.contains("no mark: m marks point A"))
        app.press(.home, .character("m"))
        #expect(app.state.mark == .version(stream: "account-1", version: 1))
        #expect(app.state.currentBookmarks.contains(1))
        app.press(.end, .character("D"))
        guard case .diff = app.state.mode else { Issue.record("D did not open the diff"); return }
        let diff = try #require(app.state.diff)
        // Against the states folded by hand: v1 {balance 0, Ada, open}, v4 {balance 75, Ada, open}.
        #expect(diff.changes == [JSONChange(kind: .changed, path: JSONPath([.key("balance")]), oldValue: .integer(0), newValue: .integer(75))])
        #expect(term.text.contains("Diff A account-1 v1 → B account-1 v4"))
        #expect(term.text.contains("1 change: 0 added, 0 removed, 1 changed"))
        #expect(term.text.contains("~ .balance: 0 → 75"))
        assertScreen(term.text, named: "diff-v1-v4-140x40")
        app.press(.escape)
        #expect(app.state.mode == .normal)
        #expect(!app.state.quitting)
    }

    @Test func markAtAnInstantDiffsTheWholeSystem() throws {
        let f = try ProjectionFixture()
        let (app, term) = try app(f)
        command(app, "at @2")
        app.press(.character("m"))
        #expect(app.state.mark == .instant(position: 2, stream: "account-1"))
        command(app, "at @6")
        app.press(.character("D"))
        let diff = try #require(app.state.diff)
        #expect(diff.error == nil)
        let before = ProjectionFixture.totals(through: 2), after = ProjectionFixture.totals(through: 6)
        let totals = diff.changes.filter { $0.path.components.first == .key("projection totals") }
        #expect(totals.map(\.path.components).map { Array($0.dropFirst()) } == JSONValue.diff(from: before, to: after).map(\.path.components))
        // balances gains account-2 and account-1 goes 100 → 75; strict stays 1 (it faults at 4).
        #expect(diff.changes.contains(JSONChange(kind: .added, path: JSONPath([.key("projection balances"), .key("account-2")]), oldValue: nil, newValue: .integer(50))))
        #expect(diff.changes.contains(JSONChange(kind: .changed, path: JSONPath([.key("projection balances"), .key("account-1")]), oldValue: .integer(100), newValue: .integer(75))))
        #expect(!diff.changes.contains { $0.path.components.first == .key("projection strict") })
        #expect(diff.changes.contains(JSONChange(kind: .changed, path: JSONPath([.key("stream account-1"), .key("balance")]), oldValue: .integer(100), newValue: .integer(75))))
        #expect(term.text.contains("Diff A @2 → B @6"))
        #expect(term.text.contains("6 changes: 2 added, 0 removed, 4 changed"))
        #expect(term.text.contains(#"+ .["projection balances"]["account-2"]: 50"#))
    }
}

/// The new keys as pure `update` calls: no log, no threads.
@Suite struct InstantUpdateTests {
    func state() -> DashboardState { DashboardState(logPath: "/tmp/log", size: Size(width: 120, height: 40)) }

    @Test func debuggerRelativeMovesAddUpWhileOneIsOnItsWay() {
        var s = state()
        _ = Dashboard.openDebugger(&s, projection: "p")
        _ = Dashboard.update(&s, .debugLoaded(DebugStepView(projection: "p", index: 5, handledCount: 9)))
        #expect(s.debugger?.pending == nil)
        #expect(Dashboard.update(&s, .key(.right)) == [.request(.debug(projection: "p", key: nil, from: 0, move: .by(1)))])
        #expect(Dashboard.update(&s, .key(.right)) == [.request(.debug(projection: "p", key: nil, from: 0, move: .by(2)))])
        #expect(Dashboard.update(&s, .key(.pageUp)) == [.request(.debug(projection: "p", key: nil, from: 0, move: .by(-8)))])
        // An answer for another projection (a debugger closed and reopened) is ignored.
        _ = Dashboard.update(&s, .debugLoaded(DebugStepView(projection: "q", index: 1, handledCount: 1)))
        #expect(s.debugger?.pending == .by(-8))
    }

    @Test func atAnInstantTheOpenedDebuggerStartsThere() {
        var s = state()
        s.instant = DashboardState.InstantState(asked: "@40", view: InstantView(position: 40, micros: nil, versions: [:], projections: [:]))
        #expect(Dashboard.openDebugger(&s, projection: "p") == [.request(.debug(projection: "p", key: nil, from: 0, move: .at(40)))])
    }

    @Test func atAsksTheWorkerForTheInstant() {
        var s = state()
        #expect(Dashboard.update(&s, .key(.character(":"))) == [])
        for c in "at @12" { _ = Dashboard.update(&s, .key(.character(c))) }
        #expect(Dashboard.update(&s, .key(.enter)) == [.request(.instant(micros: nil, position: 12))])
        #expect(s.instant?.asked == "@12")
        for c in ":at 2026-01-15T10:00:00Z" { _ = Dashboard.update(&s, .key(.character(c))) }
        #expect(Dashboard.update(&s, .key(.enter)) == [.request(.instant(micros: BankFixture.base, position: nil))])
    }
}
