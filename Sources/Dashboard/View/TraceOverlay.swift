import EventLog
import SafeText
import TerminalUI

/// The trace lanes (`t`): one lane per stream, time running down, the chosen event marked ▶,
/// tree members ● and correlation-only events ○; the selected row highlighted; a line about
/// the selected event at the bottom.
enum TraceOverlay {
    static let timeWidth = 24
    static let minLaneWidth = 18
    static let maxLaneWidth = 34

    /// The overlay's inner width for a terminal `width` columns wide.
    static func innerWidth(_ width: Int) -> Int { max(0, width - 4 - 2) }

    static func visibleLanes(width: Int) -> Int {
        max(1, (innerWidth(width) - timeWidth) / minLaneWidth)
    }

    static func render(_ state: DashboardState, row: Int, firstLane: Int, theme: Theme, into buffer: inout ScreenBuffer) {
        let area = Overlay.centered(in: buffer.bounds, width: buffer.width, height: buffer.height)
        guard let lanes = state.trace else {
            let inner = DetailOverlay.frame("Trace", right: "loading…", theme: theme, area: area, into: &buffer)
            buffer.write("reading the trace index (a log's first trace builds it)…", x: inner.x + 1, y: inner.y, style: theme[.dim], maxWidth: inner.width)
            return
        }
        let title = "Trace" + (lanes.correlation.map { " · correlation " + $0 } ?? " · no correlation id")
        let inner = DetailOverlay.frame(title, right: "↑↓ event · ←→ lane · Enter opens it · Esc closes", theme: theme, area: area, into: &buffer)
        guard inner.width > 4, inner.height > 4 else { return }
        var summary = "\(lanes.rows.count) event\(lanes.rows.count == 1 ? "" : "s") in \(lanes.lanes.count) stream\(lanes.lanes.count == 1 ? "" : "s")"
        summary += " · ▶ chosen · ● causation tree · ○ same correlation only"
        if let m = lanes.missingParent { summary += " · missing parent " + m }
        if lanes.cycle { summary += " · causation cycle" }
        if lanes.truncated { summary += " · first \(TraceLanes.limit) shown" }
        buffer.write(summary, x: inner.x + 1, y: inner.y, style: theme[lanes.missingParent != nil || lanes.cycle ? .warning : .dim], maxWidth: inner.width - 1)

        let shown = max(1, min(lanes.lanes.count - firstLane, visibleLanes(width: buffer.width)))
        let laneWidth = min(maxLaneWidth, max(minLaneWidth, (inner.width - timeWidth) / shown))
        let x0 = inner.x + 1 + timeWidth
        buffer.write("time", x: inner.x + 1, y: inner.y + 1, style: theme[.header], maxWidth: timeWidth)
        for k in 0..<shown {
            let lane = firstLane + k
            guard lane < lanes.lanes.count else { break }
            buffer.write(lanes.lanes[lane], x: x0 + k * laneWidth, y: inner.y + 1, style: theme[.header], maxWidth: laneWidth - 1)
        }
        if firstLane > 0 { buffer.write("◀", x: x0 - 2, y: inner.y + 1, style: theme[.dim]) }
        if firstLane + shown < lanes.lanes.count { buffer.write("▶ \(lanes.lanes.count - firstLane - shown) more", x: inner.maxX - 10, y: inner.y + 1, style: theme[.dim], maxWidth: 10) }

        let height = inner.height - 3  // summary, lane names, the selected event's line
        let top = min(max(0, row - height / 2), max(0, lanes.rows.count - height))
        let spans = lanes.laneSpans
        for (i, r) in lanes.rows.enumerated().dropFirst(top).prefix(height) {
            let y = inner.y + 2 + (i - top)
            let selected = i == row
            if selected { buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: theme[.selection]) }
            let time = RFC3339.format(microsecondsSinceEpoch: r.micros, fractionDigits: 3)
            buffer.write(String(time.replacingOccurrences(of: "T", with: " ").prefix(timeWidth - 1)), x: inner.x + 1, y: y,
                         style: theme[selected ? .selection : .dim], maxWidth: timeWidth - 1)
            for k in 0..<shown {
                let lane = firstLane + k
                guard lane < lanes.lanes.count else { break }
                let x = x0 + k * laneWidth
                if lane == r.lane {
                    let mark = r.position == lanes.chosen ? "▶" : r.depth != nil ? "●" : "○"
                    let role: Role = selected ? .selection : r.position == lanes.chosen ? .titleFocused : r.depth != nil ? .body : .dim
                    buffer.write(mark + " " + r.type + " v\(r.version)", x: x, y: y, style: theme[role], maxWidth: laneWidth - 1)
                } else if spans[lane].contains(i) {
                    buffer.write("│", x: x, y: y, style: theme[selected ? .selection : .border])
                }
            }
        }
        if lanes.rows.indices.contains(row) {
            let r = lanes.rows[row]
            var line = "\(r.stream) v\(r.version) · \(r.type) · position \(r.position)"
            if let d = r.depth { line += " · tree depth \(d)" + (r.parent.map { ", caused by position \($0)" } ?? "") }
            if r.correlated { line += " · same correlation" }
            buffer.write(line, x: inner.x + 1, y: inner.maxY - 1, style: theme[.info], maxWidth: inner.width - 1)
        }
    }
}
