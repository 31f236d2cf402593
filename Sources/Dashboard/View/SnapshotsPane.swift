import TerminalUI

enum SnapshotsPane {
    static func render(_ state: DashboardState, theme: Theme, area: Rect, into buffer: inout ScreenBuffer) {
        let focused = state.focus == .snapshots
        let bad = state.snapshots.filter { $0.status != "ok" }.count
        let right = state.snapshots.isEmpty ? [] : [Span("\(state.snapshots.count)" + (bad > 0 ? " · \(bad) bad" : " ok"), theme[bad > 0 ? .warning : .dim])]
        let inner = DashboardView.block(.snapshots, state, theme: theme, title: [Span("Snapshots", theme[focused ? .titleFocused : .title])], right: right)
            .render(into: &buffer, area: area)
        guard inner.height > 1 else { return }
        guard let stream = state.selectedStream else { return }
        if state.snapshotsStream != stream {
            buffer.write("verifying…", x: inner.x, y: inner.y, style: theme[.dim], maxWidth: inner.width)
            return
        }
        if state.snapshots.isEmpty {
            buffer.write("none for this stream; 'rewind snapshot create LOG \(stream)'" + (state.writable ? " or :snapshot" : ""),
                         x: inner.x, y: inner.y, style: theme[.dim], maxWidth: inner.width)
            return
        }
        let table = Table([
            .init(width: 8, priority: 0, alignRight: true),
            .init(width: 5, priority: 2, alignRight: true),
            .init(width: 8, priority: 3, alignRight: true),
            .init(width: 8, priority: 1, flexible: true),
        ], x: inner.x, width: inner.width)
        func row(_ y: Int, _ cells: [String], _ styles: [Style]) {
            table.draw(cells, y: y, style: theme[.body], styles: styles, into: &buffer)
        }
        row(inner.y, ["version", "age", "size", "status"], Array(repeating: theme[.header], count: 4))
        let listRows = inner.height - 1
        let top = max(0, state.snapshotCursor - max(0, listRows - 1))
        var y = inner.y + 1
        for (i, s) in state.snapshots.enumerated().dropFirst(top).prefix(listRows) {
            let selected = i == state.snapshotCursor
            let base = selected ? DashboardView.selection(.snapshots, state, theme: theme) : theme[.body]
            if selected { buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: base) }
            let role: Role = s.status == "ok" ? .badgeOK : s.status == "drift" ? .badgeDrift : .badgeFaulted
            var status = s.status == "ok" ? "ok" : " \(s.status.uppercased()) "
            if let first = s.details.first, s.status != "ok" { status += " " + first }
            row(y, ["v\(s.version)", s.createdMicros.map { Format.age($0, now: state.nowMicros) } ?? "–", Format.bytes(s.bytes), status],
                [base, base, base, selected ? base : theme[role]])
            y += 1
        }
    }
}
