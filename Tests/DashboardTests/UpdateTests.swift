import EventLog
import Replay
import TerminalUI
import Testing
@testable import Dashboard

/// `update` as a function: messages in, state and requests out. No log, no threads, no sleeps.
@Suite struct UpdateTests {
    func state(width: Int = 120, height: Int = 40) -> DashboardState {
        DashboardState(logPath: "/tmp/log", size: Size(width: width, height: height))
    }

    func streams(_ names: [String]) -> StreamList {
        StreamFilter.list(names.map { StreamRow(name: $0, category: StreamName.category(of: $0), count: 10, lastMicros: 0) }, query: StreamQuery())
    }

    @Test func theFirstStreamIsSelectedWhenStreamsArrive() {
        var s = state()
        let effects = Dashboard.update(&s, .streamsLoaded(streams(["b-1", "a-2", "a-1"])))
        #expect(s.selectedStream == "a-1")
        #expect(effects.contains(.request(.events(stream: "a-1", from: 1, count: Dashboard.pageSize(s)))))
        #expect(effects.contains(.request(.density(stream: "a-1"))))
    }

    @Test func scrubbingAsksForStateAndBlameOfTheNewVersion() {
        var s = state()
        _ = Dashboard.update(&s, .streamsLoaded(streams(["a-1"])))
        _ = Dashboard.update(&s, .eventsLoaded(stream: "a-1", from: 1, rows: [], lastVersion: 10))
        #expect(s.cursor == 10)
        let effects = Dashboard.update(&s, .key(.left))
        #expect(s.cursor == 9)
        #expect(!s.follow)
        #expect(effects.contains(.request(.focus(stream: "a-1", version: 9, skipping: []))))
        #expect(effects.contains(.request(.blame(stream: "a-1", version: 9))))
        _ = Dashboard.update(&s, .key(.home))
        #expect(s.cursor == 1)
        _ = Dashboard.update(&s, .key(.left))
        #expect(s.cursor == 1)
        _ = Dashboard.update(&s, .key(.end))
        #expect(s.cursor == 10 && s.follow)
    }

    @Test func followMovesToNewEventsOnlyWhenOn() {
        var s = state()
        _ = Dashboard.update(&s, .streamsLoaded(streams(["a-1"])))
        _ = Dashboard.update(&s, .eventsLoaded(stream: "a-1", from: 1, rows: [], lastVersion: 10))
        _ = Dashboard.update(&s, .eventsLoaded(stream: "a-1", from: 1, rows: [], lastVersion: 12))
        #expect(s.cursor == 12)
        _ = Dashboard.update(&s, .key(.left))
        _ = Dashboard.update(&s, .eventsLoaded(stream: "a-1", from: 1, rows: [], lastVersion: 15))
        #expect(s.cursor == 11)
    }

    @Test func typingAFilterQueriesStreams() {
        var s = state()
        _ = Dashboard.update(&s, .key(.character("/")))
        let effects = Dashboard.update(&s, .key(.character("x")))
        #expect(s.mode == .filter("x"))
        #expect(effects == [.request(.streams(StreamQuery(filter: "x")))])
        _ = Dashboard.update(&s, .key(.escape))
        #expect(s.mode == .normal && s.streamQuery.filter == "")
    }

    @Test func clickingTheSliderJumpsByVersion() {
        var s = state()
        _ = Dashboard.update(&s, .streamsLoaded(streams(["a-1"])))
        _ = Dashboard.update(&s, .eventsLoaded(stream: "a-1", from: 1, rows: [], lastVersion: 101))
        let track = s.layout.sliderTrack
        _ = Dashboard.update(&s, .mouse(MouseEvent(kind: .press(button: 1), x: track.x + (track.width - 1) / 2, y: track.y)))
        #expect((49...53).contains(s.cursor))
        _ = Dashboard.update(&s, .mouse(MouseEvent(kind: .drag(button: 1), x: track.x, y: track.y)))
        #expect(s.cursor == 1)
        _ = Dashboard.update(&s, .mouse(MouseEvent(kind: .release, x: track.x, y: track.y)))
        #expect(!s.dragging)
    }

    @Test func quitKeys() {
        for key in [Key.character("q"), .escape, .ctrl("c")] {
            var s = state()
            #expect(Dashboard.update(&s, .key(key)) == [.quit])
        }
        var s = state()
        _ = Dashboard.update(&s, .key(.character("?")))
        #expect(Dashboard.update(&s, .key(.escape)) == [])
        #expect(s.mode == .normal)
    }

    @Test func snapshotCommandNeedsWritable() {
        var s = state()
        _ = Dashboard.update(&s, .streamsLoaded(streams(["a-1"])))
        _ = Dashboard.update(&s, .key(.character(":")))
        for c in "snapshot" { _ = Dashboard.update(&s, .key(.character(c))) }
        #expect(Dashboard.update(&s, .key(.enter)) == [])
        #expect(s.notice?.text.contains("--writable") == true)
        var w = DashboardState(logPath: "/tmp/log", writable: true, size: Size(width: 120, height: 40))
        _ = Dashboard.update(&w, .streamsLoaded(streams(["a-1"])))
        _ = Dashboard.update(&w, .key(.character(":")))
        for c in "snapshot" { _ = Dashboard.update(&w, .key(.character(c))) }
        #expect(Dashboard.update(&w, .key(.enter)) == [.request(.createSnapshots(stream: "a-1"))])
    }

    @Test func streamsAreGroupedByCategoryAndFiltered() {
        let rows = ["order-2", "account-1", "account-10", "user-9"].map { StreamRow(name: $0, category: StreamName.category(of: $0), count: 1, lastMicros: 0) }
        let all = StreamFilter.list(rows, query: StreamQuery())
        #expect(all.rows.map { $0.streamName ?? "#" } == ["#", "account-1", "account-10", "#", "order-2", "#", "user-9"])
        let glob = StreamFilter.list(rows, query: StreamQuery(filter: "account-1?"))
        #expect(glob.matchedStreams == 1)
        let sub = StreamFilter.list(rows, query: StreamQuery(filter: "ACC"))
        #expect(sub.matchedStreams == 2)
        let folded = StreamFilter.list(rows, query: StreamQuery(collapsed: ["account"]))
        #expect(folded.rows.count == 5)
    }
}

/// A database store's held-back events (a gap in positions that may still fill) are said in
/// the status bar while the gap lasts, and the hints come back once it fills.
@Suite struct HeldBackNoticeTests {
    func statusLine(_ state: DashboardState) -> String {
        var buffer = ScreenBuffer(size: state.size)
        DashboardView.render(state, theme: .monochrome, into: &buffer)
        return buffer.line(state.size.height - 1)
    }

    @Test func theStatusBarSaysWhatIsHeldBackUntilTheGapFills() {
        var state = DashboardState(logPath: "/l", size: Size(width: 120, height: 30), nowMicros: 1_000_000)
        _ = Dashboard.update(&state, .logChanged(head: 5, streams: 2, heldBack: "1 event past position 5 is held back: position 6 is missing"))
        #expect(state.heldBack != nil)
        #expect(statusLine(state).contains("1 event past position 5 is held back: position 6 is missing"))
        _ = Dashboard.update(&state, .logChanged(head: 7, streams: 3))
        #expect(state.heldBack == nil)
        #expect(statusLine(state).contains("? help"))
    }
}
