import Replay
import TerminalUI

/// The slider: event density over time on top, the position by version below.
enum TimelinePane {
    static func render(_ state: DashboardState, theme: Theme, area: Rect, into buffer: inout ScreenBuffer) {
        let focused = state.focus == .timeline
        var title = [Span("Timeline", theme[focused ? .titleFocused : .title])]
        if state.lastVersion > 0 {
            title.append(Span(" v\(LagFormat.count(state.cursor)) of \(LagFormat.count(state.lastVersion))", theme[focused ? .titleFocused : .title]))
            if let micros = state.eventMicros, state.stateView?.version == state.cursor {
                title.append(Span(" · \(Format.time(micros))", theme[.dim]))
            }
        }
        if let i = state.instant {
            let when = i.view.map { v in "@\(LagFormat.count(v.position))" + (v.micros.map { " " + Format.time($0) } ?? "") } ?? "\(i.asked)…"
            title.append(Span(" · AT \(when)", theme[.warning]))
        }
        var right: [Span] = []
        if let p = state.playing {
            right.append(Span("▶ \(p.label)", theme[.statusMode]))
        } else {
            right.append(Span("⏸ \(state.playback.label)", theme[.dim]))
        }
        if state.follow { right.append(Span(" · follow", theme[.info])) }
        if !state.currentSkips.isEmpty { right.append(Span(" · what-if", theme[.hypothetical])) }
        let inner = DashboardView.block(.timeline, state, theme: theme, title: title, right: right).render(into: &buffer, area: area)
        guard inner.height >= 2, inner.width > 2, state.lastVersion > 0 else {
            if !inner.isEmpty { buffer.write("no events", x: inner.x, y: inner.y, style: theme[.dim], maxWidth: inner.width) }
            return
        }
        let w = inner.width
        // Density over time, with the cursor's instant marked.
        if let d = state.density, d.stream == state.selectedStream {
            let values = Sparkline.buckets(d.counts, into: w)
            let text = Sparkline.text(values.map { $0 > 0 ? $0 : nil }, width: w)
            buffer.write(text, x: inner.x, y: inner.y, style: theme[.density], maxWidth: w)
            if let micros = state.eventMicros, !d.isFlat {
                let col = inner.x + min(w - 1, Int(d.fraction(of: micros) * Double(w - 1)))
                buffer.restyle(Rect(x: col, y: inner.y, width: 1, height: 1), with: theme[.sliderThumb])
            }
            if d.isFlat {
                buffer.write("all events share one timestamp", x: inner.x, y: inner.y, style: theme[.dim], maxWidth: w)
            }
        } else {
            buffer.write("reading event times…", x: inner.x, y: inner.y, style: theme[.dim], maxWidth: w)
        }
        // The slider by version.
        let y = inner.y + 1
        let last = state.lastVersion
        func column(_ v: UInt64) -> Int {
            guard last > 1 else { return 0 }
            return Int((Double(v - 1) / Double(last - 1) * Double(w - 1)).rounded())
        }
        let thumb = column(max(1, state.cursor))
        var track = ""
        for x in 0..<w { track += x < thumb ? "━" : "─" }
        buffer.write(String(track.prefix(thumb)), x: inner.x, y: y, style: theme[.sliderFilled], maxWidth: thumb)
        buffer.write(String(track.dropFirst(thumb)), x: inner.x + thumb, y: y, style: theme[.slider], maxWidth: w - thumb)
        for v in state.currentBookmarks where v <= last {
            buffer.write("★", x: inner.x + column(v), y: y, style: theme[.bookmark], maxWidth: 1)
        }
        for v in state.currentSkips where v <= last {
            buffer.write("✗", x: inner.x + column(v), y: y, style: theme[.hypothetical], maxWidth: 1)
        }
        buffer.write("●", x: inner.x + thumb, y: y, style: theme[.sliderThumb], maxWidth: 1)
    }
}
