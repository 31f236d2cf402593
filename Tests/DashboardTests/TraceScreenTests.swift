import EventLog
import Foundation
import Replay
import TerminalUI
import Testing
@testable import Dashboard

/// `t` on an event: its trace as lanes, one per stream, time running down; arrows move,
/// Enter opens an event in its stream at its version, Esc closes.
@Suite struct TraceScreenTests {
    /// account-1 sends a transfer to account-2 (caused by the sending), and order-9 shares the
    /// correlation without being caused by either; account-3 is unrelated.
    struct TransferFixture {
        let dir = TemporaryDirectory("rewind-trace-dash")
        var logPath: String { dir.file("log") }
        static let base: Int64 = 1_768_471_200_000_000  // 2026-01-15T10:00:00Z

        init() throws {
            try EventLog.create(at: logPath)
            try "".write(toFile: logPath + "/rewind.toml", atomically: true, encoding: .utf8)
            let log = try EventLog.openWriter(at: logPath, options: .init(durability: .noSync))
            defer { log.close() }
            func event(_ type: String, minute: Int64, id: EventID = .random(), meta: String) -> NewEvent {
                NewEvent(id: id, type: type, data: Array("{}".utf8), metadata: Array(meta.utf8), originalMicros: Self.base + minute * 60_000_000)
            }
            let sent = EventID.random()
            _ = try log.append(to: "account-1", [event("AccountOpened", minute: 0, meta: #"{"correlationId":"req-1"}"#)])
            _ = try log.append(to: "account-3", [event("AccountOpened", minute: 1, meta: #"{"correlationId":"req-2"}"#)])
            _ = try log.append(to: "account-1", [event("TransferSent", minute: 2, id: sent, meta: #"{"correlationId":"tr-1"}"#)])
            _ = try log.append(to: "order-9", [event("RefundNoted", minute: 3, meta: #"{"correlationId":"tr-1"}"#)])
            _ = try log.append(to: "account-2", [event("TransferReceived", minute: 4, meta: #"{"correlationId":"tr-1","causationId":"\#(sent)"}"#)])
        }

        func app(size: Size) throws -> (DashboardApp, TestTerminal) {
            let log = try EventLog.openReadOnly(at: logPath)
            let config = try RewindConfig.load(forLog: logPath, configPath: nil)
            let terminal = TestTerminal(size: size)
            let app = DashboardApp(terminal: terminal, log: log, config: config, writable: false, theme: Theme.monochrome)
            app.settle()
            return (app, terminal)
        }
    }

    static func select(_ stream: String, _ app: DashboardApp) {
        app.send(.key(.character("/")))
        for c in stream { app.send(.key(.character(c))) }
        app.send(.key(.enter))
        app.settle()
    }

    @Test func tOnAnEventShowsItsTraceAsLanesAndEnterOpensAnotherEvent() throws {
        let f = try TransferFixture()
        let (app, term) = try f.app(size: Size(width: 120, height: 30))
        Self.select("account-2", app)
        #expect(app.state.selectedStream == "account-2" && app.state.cursor == 1)
        app.send(.key(.character("t")))
        app.settle()
        app.send(.tick(micros: 1))
        app.render()
        let lanes = try #require(app.state.trace)
        #expect(lanes.lanes == ["account-1", "order-9", "account-2"])
        #expect(lanes.rows.map(\.position) == [3, 4, 5])
        #expect(lanes.rows.map(\.depth) == [0, nil, 1] && lanes.rows[2].parent == 3)
        #expect(app.state.mode == .trace(row: 2, firstLane: 0))
        assertScreen(term.text, named: "trace-lanes-120x30")
        let text = term.text
        #expect(text.contains("correlation tr-1") && text.contains("3 events in 3 streams"))
        #expect(text.contains("▶ TransferReceived v1") && text.contains("● TransferSent v2") && text.contains("○ RefundNoted v1"))
        #expect(text.contains("account-2 v1 · TransferReceived · position 5 · tree depth 1, caused by position 3"))
        #expect(!text.contains("AccountOpened v1"), "an unrelated event is not in the trace")

        // Up twice: the sending, in account-1; Enter opens it there.
        app.send(.key(.up))
        app.send(.key(.up))
        #expect(app.state.mode == .trace(row: 0, firstLane: 0))
        app.send(.key(.right))
        #expect(app.state.mode == .trace(row: 1, firstLane: 0), "→ moves to the next lane's nearest event")
        app.send(.key(.left))
        app.send(.key(.enter))
        app.settle()
        #expect(app.state.mode == .normal && app.state.trace == nil)
        #expect(app.state.selectedStream == "account-1" && app.state.cursor == 2)

        // Esc closes without moving.
        app.send(.key(.character("t")))
        app.settle()
        #expect(app.state.trace?.chosen == 3)
        app.send(.key(.escape))
        #expect(app.state.mode == .normal && app.state.selectedStream == "account-1" && app.state.cursor == 2)
        #expect(!app.state.quitting)
    }

    @Test func manyLanesScrollSidewaysToKeepTheSelectedOneInView() throws {
        let dir = TemporaryDirectory("rewind-trace-dash")
        let path = dir.file("log")
        try EventLog.create(at: path)
        try "".write(toFile: path + "/rewind.toml", atomically: true, encoding: .utf8)
        do {
            let log = try EventLog.openWriter(at: path, options: .init(durability: .noSync))
            defer { log.close() }
            for i in 0..<12 {
                _ = try log.append(to: "lane-\(i)", [NewEvent(type: "Step\(i)", data: Array("{}".utf8), metadata: Array(#"{"correlationId":"wide"}"#.utf8))])
            }
        }
        let log = try EventLog.openReadOnly(at: path)
        let terminal = TestTerminal(size: Size(width: 100, height: 30))
        let app = DashboardApp(terminal: terminal, log: log, config: try RewindConfig.load(forLog: path, configPath: nil), writable: false, theme: .monochrome)
        app.settle()
        Self.select("lane-0", app)
        app.send(.key(.character("t")))
        app.settle()
        #expect(app.state.trace?.lanes.count == 12)
        let visible = TraceOverlay.visibleLanes(width: 100)
        #expect(visible < 12)
        for _ in 0..<11 { app.send(.key(.right)) }
        #expect(app.state.mode == .trace(row: 11, firstLane: 12 - visible))
        app.render()
        #expect(terminal.text.contains("Step11 v1") && !terminal.text.contains("Step0 v1"))
        app.send(.key(.home))
        #expect(app.state.mode == .trace(row: 0, firstLane: 0))
    }
}
