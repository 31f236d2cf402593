import EventLog
import Foundation
import Replay
import TerminalUI
import Testing
@testable import Dashboard

/// Issue 11 item 6: what a newcomer expects of Esc, `/` + Enter, the time column and last activity.
@Suite struct NewcomerConventionsTests {
    func state() -> DashboardState {
        DashboardState(logPath: "/tmp/log", size: Size(width: 120, height: 40))
    }

    func list(_ names: [String], filter: String = "") -> StreamList {
        StreamFilter.list(names.map { StreamRow(name: $0, category: StreamName.category(of: $0), count: 3, lastMicros: 0) }, query: StreamQuery(filter: filter))
    }

    let names = ["account-1", "account-2", "order-7", "order-8"]

    /// Types `/text` and Enter.
    func filter(_ s: inout DashboardState, _ text: String) -> [Effect] {
        _ = Dashboard.update(&s, .key(.character("/")))
        for c in text { _ = Dashboard.update(&s, .key(.character(c))) }
        return Dashboard.update(&s, .key(.enter))
    }

    @Test func escClearsAnAppliedFilterBeforeItQuits() {
        var s = state()
        _ = Dashboard.update(&s, .streamsLoaded(list(names)))
        _ = filter(&s, "order")
        _ = Dashboard.update(&s, .streamsLoaded(list(names, filter: "order")))
        #expect(s.streamQuery.filter == "order" && s.mode == .normal)
        let effects = Dashboard.update(&s, .key(.escape))
        #expect(!s.quitting)
        #expect(!effects.contains(.quit))
        #expect(s.streamQuery.filter == "")
        #expect(effects == [.request(.streams(StreamQuery()))])
        _ = Dashboard.update(&s, .streamsLoaded(list(names)))
        // The cursor is back on the selected stream in the whole list.
        #expect(s.streamList.rows[s.streamCursor].streamName == s.selectedStream)
        #expect(Dashboard.update(&s, .key(.escape)) == [.quit])
        #expect(s.quitting)
    }

    @Test func escClosesWhatIsOpenBeforeClearingTheFilter() {
        var s = state()
        _ = Dashboard.update(&s, .streamsLoaded(list(names)))
        _ = filter(&s, "order")
        _ = Dashboard.update(&s, .key(.character("?")))
        _ = Dashboard.update(&s, .key(.escape))
        #expect(s.mode == .normal && s.streamQuery.filter == "order" && !s.quitting)
        _ = Dashboard.update(&s, .key(.character(":")))
        _ = Dashboard.update(&s, .key(.escape))
        #expect(s.mode == .normal && s.streamQuery.filter == "order" && !s.quitting)
        _ = Dashboard.update(&s, .key(.escape))
        #expect(s.streamQuery.filter == "" && !s.quitting)
    }

    @Test func enterAfterAFilterSelectsTheFirstMatchOnceTheListArrives() {
        var s = state()
        _ = Dashboard.update(&s, .streamsLoaded(list(names)))
        #expect(s.selectedStream == "account-1")
        // Enter comes before the worker's answer for "order": nothing hidden is selected yet...
        _ = filter(&s, "order")
        #expect(s.pendingStreamFocus == .firstMatch)
        // ...an answer for an older query does not count...
        _ = Dashboard.update(&s, .streamsLoaded(list(names, filter: "ord")))
        #expect(s.selectedStream == "account-1")
        // ...and the answer for "order" selects its first stream.
        let effects = Dashboard.update(&s, .streamsLoaded(list(names, filter: "order")))
        #expect(s.selectedStream == "order-7")
        #expect(s.streamList.rows[s.streamCursor].streamName == "order-7")
        #expect(effects.contains(.request(.density(stream: "order-7"))))
        #expect(s.pendingStreamFocus == nil)
    }

    @Test func enterAfterAFilterSelectsTheFirstMatchWhenTheListIsAlreadyThere() {
        var s = state()
        _ = Dashboard.update(&s, .streamsLoaded(list(names)))
        _ = Dashboard.update(&s, .key(.character("/")))
        for c in "*-8" { _ = Dashboard.update(&s, .key(.character(c))) }
        _ = Dashboard.update(&s, .streamsLoaded(list(names, filter: "*-8")))
        _ = Dashboard.update(&s, .key(.enter))
        #expect(s.selectedStream == "order-8")
        #expect(s.focus == .streams)
    }

    @Test func enterOnAFilterThatMatchesNothingSaysSoAndSelectsNothingHidden() {
        var s = state()
        _ = Dashboard.update(&s, .streamsLoaded(list(names)))
        _ = filter(&s, "zzz")
        _ = Dashboard.update(&s, .streamsLoaded(list(names, filter: "zzz")))
        #expect(s.selectedStream == "account-1")
        #expect(s.notice?.isError == true)
        #expect(s.notice?.text.contains("no stream matches 'zzz'") == true)
    }

    @Test func theTimeColumnShowsTheYearOnlyWhenEventsSpanYears() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("log")
        try EventLog.create(at: path)
        let w = try EventLog.openWriter(at: path, options: .init(durability: .noSync))
        let newYearsEve: Int64 = 1_767_225_540_000_000  // 2025-12-31T23:59:00Z
        _ = try w.append(to: "ledger-1", (0..<3).map { i in
            NewEvent(type: "Posted", data: Array(#"{"n":\#(i)}"#.utf8), originalMicros: newYearsEve + Int64(i) * 60_000_000)
        })
        _ = try w.append(to: "ledger-2", (0..<3).map { i in
            NewEvent(type: "Posted", data: Array(#"{"n":\#(i)}"#.utf8), originalMicros: BankFixture.base + Int64(i) * 60_000_000)
        })
        w.close()
        let log = try EventLog.openReadOnly(at: path)
        let terminal = TestTerminal(size: Size(width: 140, height: 32))
        let app = DashboardApp(terminal: terminal, log: log, config: try RewindConfig.load(forLog: path, configPath: nil), writable: false, theme: Theme.monochrome)
        app.settle()
        app.render()
        #expect(app.state.selectedStream == "ledger-1")
        #expect(terminal.text.contains("2025-12-31 23:59:00"))
        #expect(terminal.text.contains("2026-01-01 00:01:00"))
        // One year: the short form, no year in the events pane's rows.
        app.send(.key(.character("j")))
        app.settle()
        app.render()
        #expect(app.state.selectedStream == "ledger-2")
        #expect(terminal.text.contains("01-15 10:01:00"))
        #expect(!terminal.text.contains("2026-01-15 10:01:00"))
    }

    @Test func streamsShowLastActivityByTheEventsOwnTime() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("log")
        try EventLog.create(at: path)
        let w = try EventLog.openWriter(at: path, options: .init(durability: .noSync))
        let longAgo: Int64 = 1_577_836_800_000_000  // 2020-01-01T00:00:00Z
        // "old-1" is appended last but happened in 2020; "new-1" happened when it was appended.
        _ = try w.append(to: "new-1", [NewEvent(type: "Made", data: Array("{}".utf8))])
        _ = try w.append(to: "old-1", [
            NewEvent(type: "Made", data: Array("{}".utf8), originalMicros: longAgo - 60_000_000),
            NewEvent(type: "Made", data: Array("{}".utf8), originalMicros: longAgo),
        ])
        w.close()
        let log = try EventLog.openReadOnly(at: path)
        let source = LogSource(log: log, config: try RewindConfig.load(forLog: path, configPath: nil))
        guard case .streamsLoaded(let byRecent) = source.serve(.streams(StreamQuery(sort: .recent))) else {
            Issue.record("no streams list")
            return
        }
        let rows = byRecent.rows.compactMap { row -> StreamRow? in if case .stream(let r) = row { return r }; return nil }
        let old = try #require(rows.first { $0.name == "old-1" })
        #expect(old.lastMicros == longAgo)
        #expect(old.recordedMicros > longAgo + 365 * 86_400_000_000)
        let new = try #require(rows.first { $0.name == "new-1" })
        #expect(new.lastMicros == new.recordedMicros)
    }

    @Test func aReloadReadsTheOwnTimeOfStreamsThatGrew() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("log")
        try EventLog.create(at: path)
        let w = try EventLog.openWriter(at: path, options: .init(durability: .noSync))
        defer { w.close() }
        let t0: Int64 = 1_577_836_800_000_000
        _ = try w.append(to: "a-1", [NewEvent(type: "E", data: Array("{}".utf8), originalMicros: t0)])
        _ = try w.append(to: "b-1", [NewEvent(type: "E", data: Array("{}".utf8), originalMicros: t0 + 1)])
        let catalog = StreamCatalog()
        try catalog.reload(w.streams(), log: w)
        #expect(catalog.rows.map(\.lastMicros) == [t0, t0 + 1])
        _ = try w.append(to: "a-1", [NewEvent(type: "E", data: Array("{}".utf8), originalMicros: t0 + 50)])
        _ = try w.append(to: "c-1", [NewEvent(type: "E", data: Array("{}".utf8), originalMicros: t0 + 7)])
        try catalog.reload(w.streams(), log: w)
        #expect(catalog.rows.map(\.name) == ["a-1", "b-1", "c-1"])
        #expect(catalog.rows.map(\.lastMicros) == [t0 + 50, t0 + 1, t0 + 7])
        #expect(catalog.rows.allSatisfy { $0.recordedMicros > t0 + 365 * 86_400_000_000 })
    }
}
