import Replay
import SafeText
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
        // At an instant (`:at`) the sparkline's room shows each read model as of then, beside today's lag.
        let at = state.instant?.view
        let table = Table([
            .init(width: max(8, min(22, inner.width / 5)), priority: 0),
            .init(width: 13, priority: 4, alignRight: true),
            .init(width: 7, priority: 1, alignRight: true),
            .init(width: 7, priority: 3, alignRight: true),
            .init(width: 7, priority: 5, alignRight: true),
            .init(width: 6, priority: 6, alignRight: true),
            .init(width: at == nil ? 12 : max(12, inner.width / 3), priority: at == nil ? 7 : 1, flexible: true),
            .init(width: 16, priority: 2),
        ], x: inner.x, width: inner.width)
        let sparkW = table.widths[6]
        func row(_ y: Int, _ cells: [String], style: Style, styles: [Style?] = []) {
            table.draw(cells, y: y, style: style, styles: styles, into: &buffer)
        }
        let sixth = at.map { "state @\(LagFormat.count($0.position))" } ?? "lag over time"
        row(inner.y, ["name", "position/head", "lag", "lag s", "rate/s", "ETA", sixth, "status"], style: theme[.header])
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
            var sixthCell = Sparkline.text(c.history, width: sparkW)
            var sixthRole = Role.sparkline
            if let at {
                let then = at.projections[l.name]
                sixthCell = then.map(stateThen) ?? "–"
                sixthRole = then?.fault != nil || then?.error != nil ? .error : .body
            }
            row(y, [name, pos, LagFormat.count(l.lagEvents), LagFormat.duration(l.lagSeconds), LagFormat.rate(l.rate), LagFormat.duration(l.etaSeconds),
                    sixthCell, badge],
                style: base, styles: [nil, nil, selected ? nil : theme[lagRole], selected ? nil : theme[lagRole], nil, nil, selected ? nil : theme[sixthRole], theme[badgeRole]])
            y += 1
        }
        if state.consumers.indices.contains(state.consumerCursor), let f = state.consumers[state.consumerCursor].lag.fault, y < inner.maxY {
            let at = f.stream.map { s in "\(s) v\(f.version.map(String.init) ?? "?")" } ?? "the definition"
            buffer.write("poison: \(at) (\(f.eventType ?? f.handler)): \(f.message) — Enter: the debugger at it",
                         x: inner.x, y: inner.maxY - 1, style: theme[.error], maxWidth: inner.width)
        }
    }

    /// One line for a read model at an instant: its state as compact JSON, or its fault.
    static func stateThen(_ p: InstantView.ProjectionAt) -> String {
        if let e = p.error { return "error: \(e)" }
        let text = p.state.map { SafeText.preview($0.serialized(), columns: 200) } ?? "–"
        guard let f = p.fault else { return text }
        return "FAULTED @\(f.position.map(String.init) ?? "init") " + text
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
