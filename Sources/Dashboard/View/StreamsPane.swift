import Replay
import SafeText
import TerminalUI

enum StreamsPane {
    static func render(_ state: DashboardState, theme: Theme, area: Rect, into buffer: inout ScreenBuffer) {
        let list = state.streamList
        let focused = state.focus == .streams
        let title = [Span("Streams", theme[focused ? .titleFocused : .title])]
        let count = list.query.filter.isEmpty ? LagFormat.count(UInt64(list.totalStreams)) : "\(LagFormat.count(UInt64(list.matchedStreams)))/\(LagFormat.count(UInt64(list.totalStreams)))"
        let at = state.instant?.view
        let right = [Span("\(count) · \(list.query.sort.rawValue)", theme[.dim])] + (at.map { [Span(" · @\(LagFormat.count($0.position))", theme[.warning])] } ?? [])
        let inner = DashboardView.block(.streams, state, theme: theme, title: title, right: right).render(into: &buffer, area: area)
        guard !inner.isEmpty else { return }
        var rowsArea = inner
        var filterText: String?
        if case .filter(let t) = state.mode { filterText = t + "▏" } else if !list.query.filter.isEmpty { filterText = list.query.filter }
        if let filterText, inner.height > 2 {
            let (rest, bottom) = inner.splitBottom(1)
            rowsArea = rest
            buffer.write([Span("/", theme[.key]), Span(filterText, theme[.body])], x: bottom.x, y: bottom.y, width: bottom.width)
        }
        if list.rows.isEmpty {
            let text = list.totalStreams == 0 ? "no streams yet" : "no stream matches '\(list.query.filter)'"
            buffer.write(text, x: rowsArea.x + 1, y: rowsArea.y, style: theme[.dim], maxWidth: rowsArea.width - 1)
            return
        }
        let w = rowsArea.width
        for i in 0..<rowsArea.height {
            let index = state.streamTop + i
            guard list.rows.indices.contains(index) else { break }
            let y = rowsArea.y + i
            let selected = index == state.streamCursor
            switch list.rows[index] {
            case .category(let name, let streams, let events, let collapsed):
                let style = selected ? DashboardView.selection(.streams, state, theme: theme) : theme[.header]
                if selected { buffer.fill(Rect(x: rowsArea.x, y: y, width: w, height: 1), style: style) }
                let label = "\(collapsed ? "▸" : "▾") \(name)"
                let info = w >= 24 ? "\(LagFormat.count(UInt64(streams)))·\(LagFormat.count(events))" : LagFormat.count(UInt64(streams))
                buffer.write(label, x: rowsArea.x, y: y, style: style, maxWidth: max(1, w - DisplayWidth.of(info) - 1))
                buffer.writeRight(info, maxX: rowsArea.maxX, y: y, style: selected ? style : theme[.dim], maxWidth: w / 2)
            case .stream(let s):
                let shown = s.name == state.selectedStream
                // At an instant (`:at`): the version as of then; a stream that did not exist yet is dimmed.
                let then = at.map { $0.versions[s.name] ?? 0 }
                let style = selected ? DashboardView.selection(.streams, state, theme: theme) : theme[then == 0 ? .dim : .body]
                if selected { buffer.fill(Rect(x: rowsArea.x, y: y, width: w, height: 1), style: style) }
                // Narrow panes keep the name readable: the age goes first, then the count.
                let count = then.map { $0 == 0 ? "–" : LagFormat.count($0) } ?? LagFormat.count(s.count)
                let age = then != nil ? "" : Format.age(s.lastMicros, now: state.nowMicros).leftPadded(3)
                let right = w >= 30 ? "\(count) \(age)" : w >= 20 ? count : ""
                buffer.write(shown ? "▶ " : "  ", x: rowsArea.x, y: y, style: selected ? style : theme[.key], maxWidth: 2)
                buffer.writeTruncated(s.name, x: rowsArea.x + 2, y: y, style: style, maxWidth: max(1, w - 2 - (right.isEmpty ? 0 : DisplayWidth.of(right) + 1)))
                buffer.writeRight(right, maxX: rowsArea.maxX, y: y, style: selected ? style : theme[.dim], maxWidth: w / 2)
            }
        }
    }
}

extension String {
    func leftPadded(_ n: Int) -> String {
        let w = DisplayWidth.of(self)
        return w >= n ? self : String(repeating: " ", count: n - w) + self
    }
}
