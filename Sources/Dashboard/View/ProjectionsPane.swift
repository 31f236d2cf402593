import Replay
import TerminalUI

enum ProjectionsPane {
    static func render(_ state: DashboardState, theme: Theme, area: Rect, into buffer: inout ScreenBuffer) {
        let focused = state.focus == .projections
        let faulted = state.consumers.filter { $0.lag.status == .faulted }.count
        let right = [Span("head \(LagFormat.count(state.head))" + (faulted > 0 ? " · \(faulted) faulted" : ""), theme[faulted > 0 ? .error : .dim])]
        let inner = DashboardView.block(.projections, state, theme: theme, title: [Span("Projections", theme[focused ? .titleFocused : .title])], right: right)
            .render(into: &buffer, area: area)
        guard inner.height > 1 else { return }
        if state.consumers.isEmpty {
            buffer.write("no projections in rewind.toml and no external checkpoints (LOG/checkpoints/*.json)", x: inner.x, y: inner.y, style: theme[.dim], maxWidth: inner.width)
            return
        }
        // name, position/head, lag, lag s, rate, ETA, sparkline, status: the least useful go
        // first on a narrow terminal (the sparkline stretches on a wide one).
        let table = Table([
            .init(width: max(8, min(22, inner.width / 5)), priority: 0),
            .init(width: 13, priority: 4, alignRight: true),
            .init(width: 7, priority: 1, alignRight: true),
            .init(width: 7, priority: 3, alignRight: true),
            .init(width: 7, priority: 5, alignRight: true),
            .init(width: 6, priority: 6, alignRight: true),
            .init(width: 12, priority: 7, flexible: true),
            .init(width: 16, priority: 2),
        ], x: inner.x, width: inner.width)
        let sparkW = table.widths[6]
        func row(_ y: Int, _ cells: [String], style: Style, styles: [Style?] = []) {
            table.draw(cells, y: y, style: style, styles: styles, into: &buffer)
        }
        row(inner.y, ["name", "position/head", "lag", "lag s", "rate/s", "ETA", "lag over time", "status"], style: theme[.header])
        var y = inner.y + 1
        let listRows = inner.height - 1 - (state.consumers.indices.contains(state.consumerCursor) && state.consumers[state.consumerCursor].lag.fault != nil ? 1 : 0)
        let top = max(0, state.consumerCursor - max(0, listRows - 1))
        for (i, c) in state.consumers.enumerated().dropFirst(top).prefix(max(0, listRows)) {
            let l = c.lag
            let selected = i == state.consumerCursor
            let base = selected ? DashboardView.selection(.projections, state, theme: theme) : theme[.body]
            if selected { buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: base) }
            let lagRole: Role = l.status == .faulted ? .lagCritical : (l.lagEvents ?? 0) == 0 ? .lagOK : (l.lagSeconds ?? 0) > 30 ? .lagCritical : .lagWarning
            let pos = "\(l.position.map { LagFormat.count($0) } ?? "–")/\(LagFormat.count(l.head))"
            let (badge, badgeRole) = badgeOf(l)
            let name = (l.kind == .external ? "⇄ " : "") + l.name
            row(y, [name, pos, LagFormat.count(l.lagEvents), LagFormat.duration(l.lagSeconds), LagFormat.rate(l.rate), LagFormat.duration(l.etaSeconds),
                    Sparkline.text(c.history, width: sparkW), badge],
                style: base, styles: [nil, nil, selected ? nil : theme[lagRole], selected ? nil : theme[lagRole], nil, nil, selected ? nil : theme[.sparkline], theme[badgeRole]])
            y += 1
        }
        if state.consumers.indices.contains(state.consumerCursor), let f = state.consumers[state.consumerCursor].lag.fault, y < inner.maxY {
            let at = f.stream.map { s in "\(s) v\(f.version.map(String.init) ?? "?")" } ?? "the definition"
            buffer.write("poison: \(at) (\(f.eventType ?? f.handler)): \(f.message) — Enter: details, then Enter jumps there",
                         x: inner.x, y: inner.maxY - 1, style: theme[.error], maxWidth: inner.width)
        }
    }

    static func badgeOf(_ l: ConsumerLag) -> (String, Role) {
        switch l.status {
        case .ok: return ("ok", .badgeOK)
        case .catchingUp: return ("catching up", .lagWarning)
        case .stalled: return (" STALLED ", .badgeStalled)
        case .faulted:
            return (" FAULTED" + (l.fault?.position.map { " @\($0) " } ?? " "), .badgeFaulted)
        case .unknown: return (l.problem.map { "? \($0)" } ?? "unknown", .warning)
        }
    }
}
