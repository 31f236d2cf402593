import Replay
import SafeText
import TerminalUI

enum EventsPane {
    static func render(_ state: DashboardState, theme: Theme, area: Rect, into buffer: inout ScreenBuffer) {
        let focused = state.focus == .events
        guard let stream = state.selectedStream else {
            let inner = DashboardView.block(.events, state, theme: theme, title: []).render(into: &buffer, area: area)
            buffer.write("select a stream", x: inner.x + 1, y: inner.y, style: theme[.dim], maxWidth: inner.width - 1)
            return
        }
        let title = [Span("Events ", theme[focused ? .titleFocused : .title]), Span(stream, theme[focused ? .titleFocused : .title])]
        var right = "v\(LagFormat.count(state.cursor))/\(LagFormat.count(state.lastVersion))"
        if state.follow { right += " · follow" }
        let inner = DashboardView.block(.events, state, theme: theme, title: title, right: [Span(right, theme[.dim])]).render(into: &buffer, area: area)
        guard inner.height > 1 else { return }
        let versionWidth = max(3, String(state.lastVersion).count) + 1
        // The type as wide as the longest on screen (up to 24); the time column is the first to
        // go when space is short, and the data preview takes the rest.
        let shownTypes = (0..<UInt64(max(0, inner.height - 1))).compactMap { state.page?.row(state.eventsTop + $0)?.type }
        let typeWidth = max(8, min(24, shownTypes.map { DisplayWidth.of($0) }.max() ?? 8))
        // The year shows when the stream's events do not all fall in one year (imported
        // histories): without it, December before January looks out of order.
        let withYear = spansYears(state)
        let fullTime = withYear ? 19 : 14
        let timeWidth = inner.width - 1 - versionWidth - typeWidth - 3 >= fullTime + 12 ? fullTime : 0
        let x0 = inner.x
        func columns(_ y: Int, mark: String, version: String, type: String, time: String, data: String, style: Style, dataStyle: Style, markStyle: Style) {
            var x = x0
            x += buffer.write(mark, x: x, y: y, style: markStyle, maxWidth: 1)
            x = x0 + 1
            buffer.write(version.leftPadded(versionWidth), x: x, y: y, style: style, maxWidth: versionWidth)
            x += versionWidth + 1
            buffer.writeTruncated(type, x: x, y: y, style: style, maxWidth: typeWidth)
            x += typeWidth + 1
            if timeWidth > 0 {
                buffer.write(time, x: x, y: y, style: style, maxWidth: timeWidth)
                x += timeWidth + 1
            }
            buffer.writeTruncated(data, x: x, y: y, style: dataStyle, maxWidth: inner.maxX - x)
        }
        columns(inner.y, mark: " ", version: "ver", type: "type", time: "time", data: "data", style: theme[.header], dataStyle: theme[.header], markStyle: theme[.header])
        let skips = Set(state.currentSkips)
        let marks = state.currentBookmarks
        for i in 0..<(inner.height - 1) {
            let v = state.eventsTop + UInt64(i)
            guard v >= 1, v <= state.lastVersion else { break }
            let y = inner.y + 1 + i
            let selected = v == state.cursor
            let skipped = skips.contains(v)
            let base = selected ? DashboardView.selection(.events, state, theme: theme) : theme[skipped ? .hypothetical : .body]
            if selected { buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: base) }
            let mark = skipped ? "✗" : marks.contains(v) ? "★" : " "
            let markStyle = selected ? base : theme[skipped ? .hypothetical : .bookmark]
            guard let row = state.page?.row(v) else {
                columns(y, mark: mark, version: String(v), type: "…", time: "", data: "", style: base, dataStyle: base, markStyle: markStyle)
                continue
            }
            columns(y, mark: mark, version: String(v), type: row.type, time: withYear ? Format.time(row.micros) : Format.shortTime(row.micros), data: row.preview,
                    style: base, dataStyle: selected ? base : theme[skipped ? .hypothetical : .dim], markStyle: markStyle)
        }
    }

    /// True when the selected stream's events fall in more than one calendar year: known from
    /// the timeline's density (every event's time) once loaded, else from the page of rows read.
    static func spansYears(_ state: DashboardState) -> Bool {
        var times: [Int64] = []
        if let d = state.density, d.stream == state.selectedStream, d.lastVersion > 0 {
            times = [d.startMicros, d.endMicros]
        }
        if let page = state.page, page.stream == state.selectedStream, let lo = page.rows.map(\.micros).min(), let hi = page.rows.map(\.micros).max() {
            times += [lo, hi]
        }
        guard let lo = times.min(), let hi = times.max() else { return false }
        return Format.year(lo) != Format.year(hi)
    }
}
