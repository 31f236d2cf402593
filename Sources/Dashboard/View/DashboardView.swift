import SafeText
import TerminalUI

/// Draws the whole dashboard for a state: a pure function of the state and the theme.
public enum DashboardView {
    public static func render(_ state: DashboardState, theme: Theme, into buffer: inout ScreenBuffer) {
        buffer.fill(buffer.bounds, style: theme[.body])
        let layout = state.layout
        if layout.isTooSmall {
            renderTooSmall(state, theme: theme, into: &buffer)
            return
        }
        StreamsPane.render(state, theme: theme, area: layout.streams, into: &buffer)
        EventsPane.render(state, theme: theme, area: layout.events, into: &buffer)
        StatePane.render(state, theme: theme, area: layout.state, into: &buffer)
        TimelinePane.render(state, theme: theme, area: layout.timeline, into: &buffer)
        ProjectionsPane.render(state, theme: theme, area: layout.projections, into: &buffer)
        SnapshotsPane.render(state, theme: theme, area: layout.snapshots, into: &buffer)
        StatusBar.render(state, theme: theme, area: layout.status, into: &buffer)
        switch state.mode {
        case .help(let scroll): HelpOverlay.render(scroll: scroll, theme: theme, into: &buffer)
        case .detail(let scroll, let upcasted, let hex): DetailOverlay.render(state, scroll: scroll, upcasted: upcasted, hex: hex, theme: theme, into: &buffer)
        case .snapshotDetail(let scroll): DetailOverlay.renderSnapshot(state, scroll: scroll, theme: theme, into: &buffer)
        case .faultDetail: DetailOverlay.renderFault(state, theme: theme, into: &buffer)
        case .debugger: DebuggerView.render(state, theme: theme, into: &buffer)
        case .diff(let scroll): DiffOverlay.render(state, scroll: scroll, theme: theme, into: &buffer)
        case .trace(let row, let firstLane): TraceOverlay.render(state, row: row, firstLane: firstLane, theme: theme, into: &buffer)
        case .sagas(let row, let filter): SagasOverlay.render(state, row: row, filter: filter, theme: theme, into: &buffer)
        default:
            if let f = state.find, f.visible { FindOverlay.render(f, theme: theme, into: &buffer) }
        }
    }

    static func renderTooSmall(_ state: DashboardState, theme: Theme, into buffer: inout ScreenBuffer) {
        let need = Layout.minimum
        let lines = [
            "Terminal too small: \(state.size.width)x\(state.size.height)",
            "Rewind needs at least \(need.width)x\(need.height).",
            "Enlarge the window, or press q to quit.",
        ]
        let top = max(0, (buffer.height - lines.count) / 2)
        for (i, l) in lines.enumerated() {
            let w = DisplayWidth.of(l)
            buffer.write(l, x: max(0, (buffer.width - w) / 2), y: top + i, style: i == 0 ? theme[.warning] : theme[.body], maxWidth: buffer.width)
        }
    }

    /// The frame of a pane: focused panes get the focused border and title.
    static func block(_ pane: Pane, _ state: DashboardState, theme: Theme, title: [Span], right: [Span] = []) -> Block {
        let focused = state.focus == pane && state.mode == .normal || (state.focus == pane && pane == .streams)
        return Block(title: title.isEmpty ? [Span(pane.title, theme[focused ? .titleFocused : .title])] : title,
                     rightTitle: right, border: theme[focused ? .borderFocused : .border], fill: theme[.body])
    }

    static func isFocused(_ pane: Pane, _ state: DashboardState) -> Bool { state.focus == pane }

    /// The selection style for a row: bright when its pane has the focus.
    static func selection(_ pane: Pane, _ state: DashboardState, theme: Theme) -> Style {
        theme[isFocused(pane, state) ? .selection : .selectionUnfocused]
    }
}
