import TerminalUI

extension Dashboard {
    static func handleMouse(_ state: inout DashboardState, _ m: MouseEvent) -> [Effect] {
        if state.mode == .debugger {
            // The wheel steps the debugger's slider; clicks land on nothing under it.
            switch m.kind {
            case .scrollUp: return debuggerKey(&state, .left)
            case .scrollDown: return debuggerKey(&state, .right)
            default: return []
            }
        }
        guard state.mode == .normal, !state.layout.isTooSmall else {
            if case .press = m.kind, state.mode != .normal, !isTextMode(state.mode) { state.mode = .normal }
            return []
        }
        let layout = state.layout
        let track = layout.sliderTrack
        switch m.kind {
        case .press, .drag:
            if state.dragging || (track.width > 0 && m.y >= track.y - 1 && m.y <= track.y && track.contains(x: m.x, y: track.y)) {
                if case .press = m.kind { state.dragging = true }
                if case .press = m.kind { state.dragOnDensity = m.y == track.y - 1 }
                let f = min(1, max(0, track.width > 1 ? Double(m.x - track.x) / Double(track.width - 1) : 0))
                state.focus = .timeline
                return moveCursor(&state, to: state.dragOnDensity ? version(atTimeFraction: f, state) : version(atFraction: f, state))
            }
            guard case .press = m.kind, let pane = layout.pane(atX: m.x, y: m.y) else { return [] }
            state.focus = pane
            return click(&state, pane, x: m.x, y: m.y)
        case .release:
            state.dragging = false
        case .scrollUp, .scrollDown:
            let delta = m.kind == .scrollUp ? -3 : 3
            guard let pane = layout.pane(atX: m.x, y: m.y) else { return [] }
            switch pane {
            case .streams: return moveStreams(&state, by: delta)
            case .events, .timeline: return scrub(&state, by: Int64(delta))
            case .state:
                state.stateCursor += delta
                clampStateScroll(&state)
            case .projections:
                state.consumerCursor = min(max(0, state.consumerCursor + delta), max(0, state.consumers.count - 1))
            case .snapshots:
                state.snapshotCursor = min(max(0, state.snapshotCursor + delta), max(0, state.snapshots.count - 1))
            }
        }
        return []
    }

    static func isTextMode(_ mode: DashboardState.Mode) -> Bool {
        if case .filter = mode { return true }
        if case .command = mode { return true }
        return false
    }

    /// A click inside a pane: selects the row under it.
    static func click(_ state: inout DashboardState, _ pane: Pane, x: Int, y: Int) -> [Effect] {
        let l = state.layout
        switch pane {
        case .streams:
            let row = y - (l.streams.y + 1)
            guard row >= 0 else { return [] }
            let i = state.streamTop + row
            guard state.streamList.rows.indices.contains(i) else { return [] }
            state.streamCursor = i
            if case .category = state.streamList.rows[i] { return paneKey(&state, .enter) }
            return selectStream(&state, at: i)
        case .events:
            let row = y - (l.events.y + 2)
            guard row >= 0 else { return [] }
            return moveCursor(&state, to: state.eventsTop + UInt64(row))
        case .state:
            let row = y - (l.state.y + 2)
            guard row >= 0 else { return [] }
            state.stateCursor = state.stateTop + row
            clampStateScroll(&state)
            let rows = state.treeRows
            if rows.indices.contains(state.stateCursor), rows[state.stateCursor].isContainer { toggleCollapse(&state, rows[state.stateCursor]) }
        case .projections:
            let row = y - (l.projections.y + 2)
            if row >= 0, row < state.consumers.count { state.consumerCursor = row }
        case .snapshots:
            let row = y - (l.snapshots.y + 2)
            if row >= 0, row < state.snapshots.count { state.snapshotCursor = row }
        case .timeline:
            break
        }
        return []
    }
}
