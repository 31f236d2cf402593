import EventLog
import Foundation
import Platform
import JSON
import Replay
import SafeText
import TerminalUI
import Testing
@testable import Dashboard

/// The bank log with three projections: `totals` (one object), `balances` (partitioned by
/// stream) and `strict` (faults on the deposit of 5 at position 4).
struct ProjectionFixture {
    let bank: BankFixture

    static let config = BankFixture.config + """

        [projections.totals]
        from = "category:account"
        init = '{"deposits": 0, "withdrawn": 0, "owners": []}'
        [projections.totals.on]
        AccountOpened = '.owners += [$e.data.owner]'
        MoneyDeposited = '.deposits += $e.data.amount'
        MoneyWithdrawn = '.withdrawn += $e.data.amount'

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
        """

    init() throws {
        bank = try BankFixture()
        try Self.config.write(toFile: bank.logPath + "/rewind.toml", atomically: true, encoding: .utf8)
    }

    /// The fixture's events in log order (position = index + 1): stream, type, owner or amount.
    static let events: [(stream: String, type: String, owner: String?, amount: Int64?)] = [
        ("account-1", "AccountOpened", "Ada", nil),
        ("account-1", "MoneyDeposited", nil, 100),
        ("account-1", "MoneyWithdrawn", nil, 30),
        ("account-1", "MoneyDeposited", nil, 5),
        ("account-2", "AccountOpened", "日本 Grace", nil),
        ("account-2", "MoneyDeposited", nil, 50),
        ("order-9", "OrderPlaced", nil, nil),
    ]

    /// `totals` after every event through `position`, folded here without jq.
    static func totals(through position: Int) -> JSONValue {
        var deposits: Int64 = 0, withdrawn: Int64 = 0
        var owners: [JSONValue] = []
        for e in events.prefix(position) where e.stream.hasPrefix("account-") {
            switch e.type {
            case "AccountOpened": owners.append(.string(e.owner ?? ""))
            case "MoneyDeposited": deposits += e.amount ?? 0
            case "MoneyWithdrawn": withdrawn += e.amount ?? 0
            default: break
            }
        }
        return .object(["deposits": .integer(deposits), "withdrawn": .integer(withdrawn), "owners": .array(owners)])
    }

    /// The positions `totals` handles: every event of an account stream.
    static var totalsPositions: [UInt64] {
        events.indices.filter { events[$0].stream.hasPrefix("account-") }.map { UInt64($0 + 1) }
    }
}

/// Drives the app with keys and text typed on the command line.
extension DashboardApp {
    func press(_ keys: Key...) {
        for k in keys { send(.key(k)) }
        settle()
    }

    func type(_ text: String) {
        for c in text { send(.key(.character(c))) }
    }

    /// Focuses the projections pane and opens the debugger on `name`.
    func openDebugger(_ name: String) throws {
        send(.key(.character("5")))
        let index = try #require(state.consumers.firstIndex { $0.lag.name == name })
        while state.consumerCursor < index { send(.key(.character("j"))) }
        while state.consumerCursor > index { send(.key(.character("k"))) }
        press(.enter)
    }
}

@Suite(.serialized) struct ProjectionDebuggerTests {
    func app(_ f: ProjectionFixture, size: Size = Size(width: 120, height: 36)) throws -> (DashboardApp, TestTerminal) {
        let (app, term) = try f.bank.app(size: size)
        app.send(.tick(micros: 1))
        app.send(.tick(micros: 1_100_000))  // the lag sample that lists the projections
        app.settle()
        return (app, term)
    }

    @Test func theSliderStopsOnlyAtHandledEventsWithTheExactStateAtEach() throws {
        let f = try ProjectionFixture()
        let (app, term) = try app(f)
        try app.openDebugger("totals")
        #expect(app.state.mode == .debugger)
        // It opens at the last handled event: position 6 (order-9 at 7 is not handled).
        #expect(app.state.debugger?.position == 6)
        #expect(term.text.contains("event 6 of 6 handled · position 6"))
        app.press(.home)
        var seen: [UInt64] = []
        for _ in 0..<8 {
            let d = try #require(app.state.debugger)
            seen.append(d.position)
            #expect(d.view?.state == ProjectionFixture.totals(through: Int(d.position)), "state at position \(d.position)")
            #expect(term.text.contains("position \(d.position) ·"))
            app.press(.right)
        }
        #expect(Array(Set(seen)).sorted() == ProjectionFixture.totalsPositions)
        // Home again: the first event, its changed field marked.
        app.press(.home)
        #expect(term.text.contains("account-1 v1  AccountOpened"))
        #expect(term.text.contains("handler AccountOpened"))
        #expect(term.text.contains("● 0: \"Ada\""))
        #expect(term.text.contains("  deposits: 0"))
        app.press(.pageDown)
        #expect(app.state.debugger?.position == 6)
        app.press(.pageUp)
        #expect(app.state.debugger?.position == 1)
        app.press(.escape)
        #expect(app.state.mode == .normal)
        #expect(app.state.debugger == nil)
        #expect(!app.state.quitting)
    }

    @Test func aGrowingLogIsFoldedAgainWhenTheSliderReachesItsEnd() throws {
        let f = try ProjectionFixture()
        let (app, term) = try app(f)
        try app.openDebugger("totals")
        app.press(.home)
        let writer = try EventLog.openWriter(at: f.bank.logPath, options: .init(durability: .noSync))
        _ = try writer.append(to: "account-2", [NewEvent(type: "MoneyWithdrawn", data: Array(#"{"amount":7}"#.utf8))])
        writer.close()
        app.send(.tick(micros: WallClock.nowMicros()))
        app.settle()
        // Stepping among the events already folded: the same answers.
        app.press(.right)
        #expect(app.state.debugger?.position == 2)
        #expect(app.state.debugger?.view?.state == ProjectionFixture.totals(through: 2))
        // End: the new event at position 8 is a stop, its state folded from the first event.
        app.press(.end)
        #expect(app.state.debugger?.position == 8)
        #expect(app.state.debugger?.view?.handledCount == 7)
        var expected = ProjectionFixture.totals(through: 7)
        expected = .object(["deposits": expected["deposits"] ?? .null, "withdrawn": .integer(37), "owners": expected["owners"] ?? .null])
        #expect(app.state.debugger?.view?.state == expected)
        #expect(term.text.contains("event 7 of 7 handled · position 8 · head 8"))
    }

    @Test func changedFieldsKeepTheirMarkWithoutColour() throws {
        let f = try ProjectionFixture()
        let (app, term) = try app(f)
        try app.openDebugger("totals")
        app.press(.left, .left, .left)
        // Monochrome (as NO_COLOR): the glyph, and the changed role's bold underline.
        let y = try #require(term.lines.firstIndex { $0.contains("● withdrawn: 30") })
        let x = try #require(term.lines[y].range(of: "withdrawn")).lowerBound.utf16Offset(in: term.lines[y])
        #expect(term.screen[x, y].style.attributes.contains(.bold))
        #expect(term.screen[x, y].style.attributes.contains(.underline))
        let plain = try #require(term.lines.firstIndex { $0.contains("deposits: 100") })
        let px = try #require(term.lines[plain].range(of: "deposits")).lowerBound.utf16Offset(in: term.lines[plain])
        #expect(!term.screen[px, plain].style.attributes.contains(.underline))
    }

    @Test func eventsWhoseNullPartitionKeyLetsThemPassAreNotStops() throws {
        let f = try ProjectionFixture()
        // AccountOpened has a handler but a null key: it passes, no handler runs (positions 1, 5).
        try (BankFixture.config + """

            [projections.keyed]
            from = "category:account"
            partition = 'if $e.type == "AccountOpened" then null else $e.stream end'
            init = '0'
            [projections.keyed.on]
            AccountOpened = '. + 1000'
            MoneyDeposited = '. + $e.data.amount'
            MoneyWithdrawn = '. - $e.data.amount'
            """).write(toFile: f.bank.logPath + "/rewind.toml", atomically: true, encoding: .utf8)
        let (app, _) = try app(f)
        try app.openDebugger("keyed")
        #expect(app.state.debugger?.position == 6)
        #expect(app.state.debugger?.view?.state == .integer(50))
        // Back from 6: position 5 passes, so the stop before is 4 (account-1 at 75).
        app.press(.left)
        #expect(app.state.debugger?.position == 4)
        #expect(app.state.debugger?.view?.state == .integer(75))
        app.press(.home)
        #expect(app.state.debugger?.position == 2)
        #expect(app.state.debugger?.view?.step?.before == .integer(0))
        app.press(.left)
        #expect(app.state.debugger?.position == 2)
        app.press(.right)
        #expect(app.state.debugger?.position == 3)
        #expect(app.state.debugger?.view?.state == .integer(70))
    }

    @Test func debuggerScreen() throws {
        let f = try ProjectionFixture()
        let (app, term) = try app(f, size: Size(width: 110, height: 30))
        try app.openDebugger("totals")
        app.press(.left, .left, .left)
        #expect(app.state.debugger?.position == 3)
        assertScreen(term.text, named: "debugger-totals-110x30")
    }

    @Test func aFaultedProjectionOpensAtItsPoisonEventWithTheStateLeftIntact() throws {
        let f = try ProjectionFixture()
        let (app, term) = try app(f)
        try app.openDebugger("strict")
        #expect(app.state.debugger?.position == 4)
        #expect(term.text.contains("FAULT: handler MoneyDeposited failed: deposit below the minimum: 5"))
        #expect(term.text.contains("state left intact (as before the event):"))
        // Deposits of 100 counted once: the state the error left is 1.
        #expect(app.state.debugger?.view?.state == .integer(1))
        #expect(term.text.contains("the fault at position 4: account-1 v4 MoneyDeposited, handler MoneyDeposited"))
        assertScreen(term.text, named: "debugger-fault-120x36")
        app.press(.home)
        #expect(app.state.debugger?.position == 2)
        #expect(term.text.contains("f: the fault at position 4"))
        app.press(.character("f"))
        #expect(app.state.debugger?.position == 4)
        // Enter: the poison event in its stream.
        app.press(.enter)
        #expect(app.state.mode == .normal)
        #expect(app.state.selectedStream == "account-1" && app.state.cursor == 4)
    }

    @Test func aPartitionedProjectionShowsThePartitionAndPinsAKey() throws {
        let f = try ProjectionFixture()
        let (app, term) = try app(f)
        try app.openDebugger("balances")
        // Last handled: account-2's deposit of 50, its partition from init 0.
        #expect(app.state.debugger?.position == 6)
        #expect(term.text.contains("handler MoneyDeposited · partition account-2"))
        #expect(app.state.debugger?.view?.step?.before == .integer(0))
        #expect(app.state.debugger?.view?.state == .integer(50))
        app.press(.character("p"))
        #expect(app.state.debugger?.key == "account-2")
        #expect(app.state.debugger?.view?.handledCount == 1)
        #expect(term.text.contains("Debugger balances · partition account-2"))
        // P types a key: account-1's three balance events, the slider at its last before 6.
        app.send(.key(.character("P")))
        for _ in 0..<"account-2".count { app.send(.key(.backspace)) }
        app.type("account-1")
        app.press(.enter)
        #expect(app.state.debugger?.key == "account-1")
        #expect(app.state.debugger?.view?.handledCount == 3)
        #expect(app.state.debugger?.position == 4)
        #expect(app.state.debugger?.view?.state == .integer(75))
        app.press(.left)
        #expect(app.state.debugger?.position == 3)
        #expect(app.state.debugger?.view?.state == .integer(70))
        // p again unpins.
        app.press(.character("p"))
        #expect(app.state.debugger?.key == nil)
        #expect(app.state.debugger?.view?.handledCount == 4)
        // An unknown key: nothing handled, said so.
        app.send(.key(.character("P")))
        app.type("nobody")
        app.press(.enter)
        #expect(term.text.contains("no event of partition nobody"))
    }

    @Test func aPositionIsTypedAndBadInputIsExplained() throws {
        let f = try ProjectionFixture()
        let (app, term) = try app(f)
        try app.openDebugger("totals")
        app.send(.key(.character(":")))
        app.type("3")
        app.render()
        #expect(term.text.contains("go to position: 3"))
        app.press(.enter)
        #expect(app.state.debugger?.position == 3)
        // 7 is order-9's: the last handled event at or before it is 6.
        app.send(.key(.character(":")))
        app.type("@7")
        app.press(.enter)
        #expect(app.state.debugger?.position == 6)
        app.send(.key(.character(":")))
        app.type("three")
        app.press(.enter)
        #expect(term.text.contains("the debugger's : takes a global position"))
        #expect(app.state.debugger?.position == 6)
        #expect(app.state.mode == .debugger)
    }

    @Test func hostileEventTextInTheDebuggerIsEscaped() throws {
        let f = try ProjectionFixture()
        let (app, term) = try app(f, size: Size(width: 200, height: 36))
        try app.openDebugger("totals")
        #expect(app.state.debugger?.position == 6)
        for cell in term.screen.cells { #expect(SafeText.isClean(cell.text)) }
        #expect(term.text.contains(#"\u001b]0;pwned"#) || term.text.contains(#"\e]0;pwned"#))
        // A hostile partition key typed by the user is shown escaped too.
        app.press(.escape)
        try app.openDebugger("balances")
        app.send(.key(.character("P")))
        app.type("\u{1B}[2J\u{7}")
        app.render()
        for cell in term.screen.cells { #expect(SafeText.isClean(cell.text)) }
        app.press(.enter)
        for cell in term.screen.cells { #expect(SafeText.isClean(cell.text)) }
    }
}
