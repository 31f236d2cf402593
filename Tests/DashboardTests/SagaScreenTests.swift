import EventLog
import Foundation
import Interchange
import Replay
import TerminalUI
import Testing
@testable import Dashboard

/// `S` (and `:sagas`): the sagas overlay on the fulfilment sample, with its counts per status,
/// the status filter, and Enter opening an instance's trace lanes; a log without sagas says so.
@Suite(.serialized) struct SagaScreenTests {
    static let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples").path

    /// The committed fulfilment sample in a fresh log, opened in a test terminal.
    static func fulfilment(_ dir: TemporaryDirectory, config: Bool = true, size: Size = Size(width: 150, height: 40)) throws -> (DashboardApp, TestTerminal) {
        let logPath = dir.file("fulfilment")
        try EventLog.create(at: logPath)
        if config { try FileManager.default.copyItem(atPath: samples + "/fulfilment/rewind.toml", toPath: logPath + "/rewind.toml") }
        do {
            let writer = try EventLog.openWriter(at: logPath, options: .init(durability: .noSync))
            defer { writer.close() }
            _ = try JSONLinesImporter().run(file: samples + "/fulfilment/events.jsonl", into: writer)
        }
        let log = try EventLog.openReadOnly(at: logPath)
        let terminal = TestTerminal(size: size)
        let app = DashboardApp(terminal: terminal, log: log, config: try RewindConfig.load(forLog: logPath, configPath: nil), writable: false, theme: Theme.monochrome)
        app.settle()
        return (app, terminal)
    }

    @Test func sShowsTheCountsTheFilterFindsTheStuckOneAndEnterOpensItsTrace() throws {
        let dir = TemporaryDirectory("rewind-saga-dash")
        let (app, term) = try Self.fulfilment(dir)
        app.send(.key(.character("S")))
        app.settle()
        app.render()
        #expect(app.state.mode == .sagas(row: 0, filter: nil))
        let reports = try #require(app.state.sagas)
        #expect(reports.map(\.definition.name) == ["fulfilment"] && reports[0].instances.count == 76)
        var text = term.text
        #expect(text.contains("fulfilment: completed 52 · compensated 22 (1 out of order) · failed 0 · stuck 1 · running 1"))
        #expect(text.contains("INSTANCE") && text.contains("STATUS") && text.contains("REASON"))
        #expect(text.contains("all 4 steps ran"))

        // f cycles the filter: completed, compensated, failed, stuck.
        for _ in 0..<4 { app.send(.key(.character("f"))) }
        app.render()
        #expect(app.state.mode == .sagas(row: 0, filter: .stuck))
        text = term.text
        #expect(text.contains("Sagas · stuck"))
        let stuck = try #require(reports[0].filtered(.stuck).first)
        #expect(text.contains(stuck.id) && text.contains("no event for 2d2h48m41s after PaymentCharged"))
        assertScreen(text, named: "sagas-stuck-150x40")
        #expect(!text.contains("all 4 steps ran"), "the filter hides the completed ones")

        // Enter: the instance's trace, every event of its correlation, across its streams.
        app.send(.key(.enter))
        app.settle()
        app.render()
        let lanes = try #require(app.state.trace)
        #expect(lanes.correlation == stuck.id)
        #expect(lanes.rows.map(\.type) == ["StockReserved", "PaymentCharged"])
        #expect(lanes.lanes.count == 2 && lanes.lanes[0].hasPrefix("inventory-") && lanes.lanes[1].hasPrefix("payment-"))
        #expect(term.text.contains("correlation " + stuck.id))
        app.send(.key(.escape))
        #expect(app.state.mode == .normal && !app.state.quitting)
    }

    @Test func theSagasCommandOpensItAndEscCloses() throws {
        let dir = TemporaryDirectory("rewind-saga-dash")
        let (app, term) = try Self.fulfilment(dir, size: Size(width: 100, height: 24))
        app.send(.key(.character(":")))
        for c in "sagas" { app.send(.key(.character(c))) }
        app.send(.key(.enter))
        app.settle()
        app.render()
        guard case .sagas = app.state.mode else {
            Issue.record("not in the sagas overlay: \(app.state.mode)")
            return
        }
        #expect(term.text.contains("stuck 1"))
        app.send(.key(.down))
        #expect(app.state.mode == .sagas(row: 1, filter: nil))
        app.send(.key(.escape))
        #expect(app.state.mode == .normal && app.state.sagas == nil && !app.state.quitting)
    }

    @Test func aLogWithoutSagasSaysHowToDefineOne() throws {
        let dir = TemporaryDirectory("rewind-saga-dash")
        let (app, term) = try Self.fulfilment(dir, config: false)
        app.send(.key(.character("S")))
        app.settle()
        app.render()
        #expect(app.state.mode == .normal)
        #expect(term.text.contains("rewind.toml defines no sagas"))
    }

    @Test func theOpenOverlayRefoldsOnceASecondWhileTheLogGrowsAndNotWhenItDoesNot() {
        var state = DashboardState(logPath: "/l", size: Size(width: 100, height: 30), nowMicros: 10_000_000)
        state.head = 100
        _ = Dashboard.update(&state, .key(.character("S")))
        #expect(state.mode == .sagas(row: 0, filter: nil))
        _ = Dashboard.update(&state, .sagasLoaded([]))
        // No reports means no sagas: the overlay closed. Show a fold to keep it open.
        state.mode = .sagas(row: 0, filter: nil)
        state.sagas = []
        func asks(_ effects: [Effect]) -> Bool { effects.contains(.request(.sagas)) }
        #expect(!asks(Dashboard.update(&state, .tick(micros: 10_000_000 + 1_500_000))), "the log did not grow")
        _ = Dashboard.update(&state, .logChanged(head: 120, streams: 3))
        #expect(asks(Dashboard.update(&state, .tick(micros: 10_000_000 + 1_600_000))), "grown, a second after the last fold")
        _ = Dashboard.update(&state, .logChanged(head: 130, streams: 3))
        #expect(!asks(Dashboard.update(&state, .tick(micros: 10_000_000 + 2_000_000))), "grown, but within the second")
        #expect(asks(Dashboard.update(&state, .tick(micros: 10_000_000 + 2_700_000))))
        #expect(state.sagas != nil, "the list stays on screen while the new fold comes")
        _ = Dashboard.update(&state, .key(.escape))
        _ = Dashboard.update(&state, .logChanged(head: 140, streams: 3))
        #expect(!asks(Dashboard.update(&state, .tick(micros: 10_000_000 + 5_000_000))), "closed: no folds")
    }
}
