import TerminalUI

/// The trace lanes (`t`): open on the selected event, move, jump to an event, close.
extension Dashboard {
    static func openTrace(_ state: inout DashboardState) -> [Effect] {
        guard let stream = state.selectedStream, state.cursor > 0 else {
            notify(&state, "select an event first (t traces the event under the cursor)", error: true)
            return []
        }
        state.playing = nil
        state.trace = nil
        state.mode = .trace(row: 0, firstLane: 0)
        return [.request(.trace(stream: stream, version: state.cursor))]
    }

    static func traceLoaded(_ state: inout DashboardState, _ lanes: TraceLanes) -> [Effect] {
        guard case .trace = state.mode else { return [] }
        state.trace = lanes
        let row = lanes.chosenRow
        state.mode = .trace(row: row, firstLane: laneScroll(showing: lanes.rows.isEmpty ? 0 : lanes.rows[row].lane, from: 0, state))
        if let note = lanes.notes.first {
            notify(&state, lanes.notes.count == 1 ? note : note + " (and \(lanes.notes.count - 1) more)", error: false)
        } else if lanes.truncated {
            notify(&state, "the trace shows its first \(TraceLanes.limit) events of a part", error: false)
        }
        return []
    }

    static func traceKey(_ state: inout DashboardState, _ key: Key, row: Int, firstLane: Int) -> [Effect] {
        guard let lanes = state.trace, !lanes.rows.isEmpty else {
            if key == .escape || key == .character("q") || key == .character("t") { state.mode = .normal }
            return []
        }
        let last = lanes.rows.count - 1
        var next = min(max(0, row), last)
        let page = max(1, state.size.height - 10)
        switch key {
        case .escape, .character("q"), .character("t"):
            state.mode = .normal
            state.trace = nil
            return []
        case .enter:
            let r = lanes.rows[next]
            state.mode = .normal
            state.trace = nil
            notify(&state, "\(r.stream) v\(r.version) (position \(r.position))", error: false)
            return jump(&state, stream: r.stream, version: r.version)
        case .down, .character("j"): next = min(last, next + 1)
        case .up, .character("k"): next = max(0, next - 1)
        case .pageDown: next = min(last, next + page)
        case .pageUp: next = max(0, next - page)
        case .home, .character("g"): next = 0
        case .end, .character("G"): next = last
        case .left, .character("h"): next = nearest(in: lanes.rows[next].lane - 1, to: next, lanes) ?? next
        case .right, .character("l"): next = nearest(in: lanes.rows[next].lane + 1, to: next, lanes) ?? next
        default: return []
        }
        state.mode = .trace(row: next, firstLane: laneScroll(showing: lanes.rows[next].lane, from: firstLane, state))
        return []
    }

    /// The row of lane `lane` closest in time (rows) to `row`; nil when there is no such lane.
    static func nearest(in lane: Int, to row: Int, _ lanes: TraceLanes) -> Int? {
        guard lane >= 0, lane < lanes.lanes.count else { return nil }
        var best: Int?
        for (i, r) in lanes.rows.enumerated() where r.lane == lane {
            if best.map({ abs($0 - row) > abs(i - row) }) ?? true { best = i }
        }
        return best
    }

    /// The first lane to draw so that `lane` is visible, scrolling as little as possible.
    static func laneScroll(showing lane: Int, from first: Int, _ state: DashboardState) -> Int {
        let visible = TraceOverlay.visibleLanes(width: state.size.width)
        if lane < first { return lane }
        if lane >= first + visible { return lane - visible + 1 }
        return first
    }
}
