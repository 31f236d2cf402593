import EventLog
import Foundation
import Replay
import TerminalUI
import Testing
@testable import Dashboard

/// `:find` on a real log with real libjq: the overlay and its count, Enter, `n`/`N`, Esc, and a
/// predicate jq refuses.
@Suite(.serialized) struct FindScreenTests {
    func type(_ app: DashboardApp, _ text: String) {
        for ch in text { app.send(.key(.character(ch))) }
        app.send(.key(.enter))
        app.settle()
    }

    @Test func findListsMatchesAndNAndShiftNWalkThemInTheirStreams() throws {
        let f = try BankFixture()
        let (app, term) = try f.app(size: Size(width: 120, height: 32))
        app.send(.tick(micros: 1))
        type(app, ":find .data.amount >= 30")
        let results = try #require(app.state.find)
        #expect(results.done && results.visible)
        #expect(results.matches.map(\.position) == [2, 3, 6])
        #expect(term.text.contains("find .data.amount >= 30 · 3 matches"))
        #expect(term.text.contains("@2") && term.text.contains("@6") && term.text.contains("account-2"))
        assertScreen(term.text, named: "find-overlay-120x32")

        // Enter opens the selected (first) match in its stream, in the events pane.
        app.send(.key(.enter))
        app.settle()
        #expect(app.state.find?.visible == false)
        #expect(app.state.selectedStream == "account-1" && app.state.cursor == 2 && app.state.focus == .events)
        #expect(!term.text.contains("3 matches"))
        app.send(.key(.character("n")))
        app.settle()
        #expect(app.state.selectedStream == "account-1" && app.state.cursor == 3)
        app.send(.key(.character("n")))
        app.settle()
        #expect(app.state.selectedStream == "account-2" && app.state.cursor == 2)
        #expect(term.text.contains("State @ v2"))
        app.send(.key(.character("n")))  // past the last: stays
        app.settle()
        #expect(app.state.selectedStream == "account-2" && app.state.cursor == 2)
        app.send(.key(.character("N")))
        app.settle()
        #expect(app.state.selectedStream == "account-1" && app.state.cursor == 3)

        // :find alone reopens the list; Esc closes it without quitting.
        type(app, ":find")
        #expect(app.state.find?.visible == true && term.text.contains("3 matches"))
        app.send(.key(.escape))
        app.render()
        #expect(app.state.find?.visible == false && !app.state.quitting)
    }

    @Test func aPredicateJqRefusesIsShownInTheOverlay() throws {
        let f = try BankFixture()
        let (app, term) = try f.app(size: Size(width: 120, height: 32))
        type(app, ":find .data | ][")
        #expect(app.state.find?.failure?.contains("does not compile") == true)
        #expect(term.text.contains("failed") && term.text.contains("syntax error"))
        app.send(.key(.escape))
        app.render()
        #expect(!app.state.quitting)
    }

    @Test func anEventWithHostileTextIsListedEscaped() throws {
        let f = try BankFixture()
        let (app, term) = try f.app(size: Size(width: 120, height: 32))
        type(app, #":find .data.note | test("pwned")"#)
        #expect(app.state.find?.matches.map(\.position) == [6])
        for cell in term.screen.cells { #expect(!cell.text.unicodeScalars.contains { $0.value < 0x20 }) }
    }

    @Test func nWithoutASearchSaysWhatToDo() throws {
        let f = try BankFixture()
        let (app, _) = try f.app(size: Size(width: 120, height: 32))
        app.send(.key(.character("n")))
        #expect(app.state.notice?.text.contains(":find") == true)
    }

    @Test func aNewerSearchReplacesTheRunningOneAndEscStopsIt() throws {
        let f = try BankFixture(extraEvents: 3000)
        var state = DashboardState(logPath: f.logPath, size: Size(width: 120, height: 32))
        let first = Dashboard.startFind(&state, ".data.amount > 0")
        #expect(first == [.request(.find(FindQuery(id: 1, predicate: ".data.amount > 0")))])
        let second = Dashboard.startFind(&state, ".type == \"X\"")
        #expect(second == [.request(.find(FindQuery(id: 2, predicate: ".type == \"X\"")))])
        // An answer for the old search is ignored.
        _ = Dashboard.update(&state, .findUpdated(FindUpdate(id: 1, newMatches: [EventRef(position: 1, stream: "s", version: 1, type: "T", micros: 0)])))
        #expect(state.find?.matches.isEmpty == true)
        let esc = Dashboard.update(&state, .key(.escape))
        #expect(esc == [.request(.find(FindQuery(id: 2, predicate: "")))])
        #expect(state.find?.cancelled == true && !state.quitting)
    }
}
