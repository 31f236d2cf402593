import Replay
import SafeText
import TerminalUI

enum StatusBar {
    static let hints: [(String, String)] = [
        ("?", "help"), ("Tab", "pane"), ("/", "filter"), (":", "command"), ("←→", "scrub"),
        ("space", "play"), ("m", "mark"), ("D", "diff"), ("x", "what-if"), ("Enter", "open"), ("q", "quit"),
    ]

    static func render(_ state: DashboardState, theme: Theme, area: Rect, into buffer: inout ScreenBuffer) {
        guard !area.isEmpty else { return }
        buffer.fill(area, style: theme[.status])
        let badge = state.writable ? " WRITABLE " : " READ-ONLY "
        let at = state.instant.map { i in " AT " + (i.view.map { "@\(LagFormat.count($0.position))" } ?? i.asked) + " ·" } ?? ""
        let right = "\(badge)\(at) \(LagFormat.count(UInt64(state.streamCount))) streams · head \(LagFormat.count(state.head)) "
        let rightWidth = DisplayWidth.of(right)
        let leftWidth = max(0, area.width - rightWidth - 1)
        buffer.writeRight(right, maxX: area.maxX, y: area.y, style: theme[.status], maxWidth: rightWidth)
        buffer.write(badge, x: area.maxX - rightWidth, y: area.y, style: theme[state.writable ? .warning : .statusMode], maxWidth: DisplayWidth.of(badge))
        if !at.isEmpty {
            buffer.write(at, x: area.maxX - rightWidth + DisplayWidth.of(badge), y: area.y, style: theme[.warning], maxWidth: DisplayWidth.of(at))
        }
        switch state.mode {
        case .command(let text):
            buffer.write([Span(":", theme[.key]), Span(text + "▏", theme[.body])], x: area.x, y: area.y, width: leftWidth)
            return
        case .filter(let text):
            buffer.write([Span("/", theme[.key]), Span(text + "▏", theme[.body]), Span("  Enter keeps, Esc clears", theme[.dim])], x: area.x, y: area.y, width: leftWidth)
            return
        default:
            break
        }
        if let n = state.notice {
            buffer.write(" " + n.text, x: area.x, y: area.y, style: theme[n.isError ? .error : .info], maxWidth: leftWidth)
            return
        }
        if let held = state.heldBack {
            buffer.write(" ⏸ " + SafeText.escape(held), x: area.x, y: area.y, style: theme[.warning], maxWidth: leftWidth)
            return
        }
        var spans: [Span] = []
        for (k, what) in hints {
            spans.append(Span(" \(k)", theme[.key]))
            spans.append(Span(" \(what)", theme[.status]))
        }
        buffer.write(spans, x: area.x, y: area.y, width: leftWidth)
    }
}
