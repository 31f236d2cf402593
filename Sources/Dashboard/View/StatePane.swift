import Replay
import SafeText
import TerminalUI
import JSON

enum StatePane {
    static func render(_ state: DashboardState, theme: Theme, area: Rect, into buffer: inout ScreenBuffer) {
        let focused = state.focus == .state
        let titleStyle = theme[focused ? .titleFocused : .title]
        guard let view = state.stateView, state.selectedStream != nil else {
            let inner = DashboardView.block(.state, state, theme: theme, title: [Span("State", titleStyle)]).render(into: &buffer, area: area)
            buffer.write(state.selectedStream == nil ? "select a stream" : "replaying…", x: inner.x + 1, y: inner.y, style: theme[.dim], maxWidth: inner.width - 1)
            return
        }
        var title = [Span("State @ v\(LagFormat.count(view.version))", titleStyle)]
        if view.isHypothetical {
            title.append(Span(" HYPOTHETICAL", theme[.hypothetical].adding(.bold)))
        }
        let right = state.stateIsStale ? [Span("replaying…", theme[.warning])] : [Span(view.reducer, theme[.dim])]
        let inner = DashboardView.block(.state, state, theme: theme, title: title, right: right).render(into: &buffer, area: area)
        guard inner.height > 1 else { return }
        // The header row: what this state is.
        if view.isHypothetical {
            let without = "without v" + view.skipped.map(String.init).joined(separator: ", v")
            buffer.write("what-if \(without): \(view.hypotheticalChanges.count) field(s) differ from the real history", x: inner.x, y: inner.y, style: theme[.hypothetical], maxWidth: inner.width)
        } else if let e = view.error {
            buffer.write(e, x: inner.x, y: inner.y, style: theme[.error], maxWidth: inner.width)
        } else {
            let event = state.page?.row(view.version).map { "after \($0.type)" } ?? ""
            buffer.write("\(event)  \(view.changed.isEmpty ? "" : "· \(view.changed.count) changed")", x: inner.x, y: inner.y, style: theme[.dim], maxWidth: inner.width)
        }
        if let e = view.error {
            var y = inner.y + 1
            for line in e.split(separator: "\n").prefix(inner.height - 1) {
                buffer.write(String(line), x: inner.x, y: y, style: theme[.error], maxWidth: inner.width)
                y += 1
            }
            return
        }
        let rows = state.treeRows
        let hypotheticalPaths = Set(view.hypotheticalChanges.map(\.path))
        // Blame describes the real history (a what-if state has none); narrow panes keep the room for values.
        let blame = state.blame?.version == view.version && !view.isHypothetical && inner.width >= 36 ? state.blame : nil
        let blameWidth = blame == nil ? 0 : max(5, String(view.version).count + 2)
        for i in 0..<(inner.height - 1) {
            let index = state.stateTop + i
            guard rows.indices.contains(index) else { break }
            let row = rows[index]
            let y = inner.y + 1 + i
            let selected = focused && index == state.stateCursor
            let changed = StateTree.touches(row.path, view.changed)
            let hypothetical = view.isHypothetical && StateTree.touches(row.path, hypotheticalPaths)
            var valueStyle: Style
            switch row.kind {
            case .scalar: valueStyle = theme[scalarRole(row.text)]
            default: valueStyle = theme[.jsonPunctuation]
            }
            if hypothetical { valueStyle = theme[.hypothetical] } else if changed, case .scalar = row.kind { valueStyle = theme[.changed] }
            let rowStyle = selected ? DashboardView.selection(.state, state, theme: theme) : nil
            if let rowStyle { buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: rowStyle) }
            var x = inner.x + 2 * min(row.depth, 12)
            let available = inner.maxX - blameWidth
            if row.isContainer {
                x += buffer.write(row.collapsed ? "▸ " : "▾ ", x: x, y: y, style: rowStyle ?? theme[.dim], maxWidth: max(0, available - x))
            } else if case .scalar = row.kind {
                x += buffer.write(changed ? "● " : "  ", x: x, y: y, style: rowStyle ?? theme[hypothetical ? .hypothetical : .changed], maxWidth: max(0, available - x))
            }
            if let label = row.label {
                let text = isIndex(row) ? "\(label): " : "\(quoteIfNeeded(label)): "
                // Keep room for at least part of the value after a long key.
                let keyRoom = max(0, min(DisplayWidth.of(text), available - x - 6))
                x += buffer.writeTruncated(text, x: x, y: y, style: rowStyle ?? theme[changed && !row.isContainer ? .changed : .jsonKey], maxWidth: keyRoom)
            }
            buffer.writeTruncated(row.text, x: x, y: y, style: rowStyle ?? valueStyle, maxWidth: max(0, available - x - (blame == nil ? 0 : 1)))
            if let blame, case .scalar = row.kind, let v = blame.version(for: row.path) {
                buffer.writeRight(v == 0 ? "init" : "v\(v)", maxX: inner.maxX, y: y, style: rowStyle ?? theme[v == view.version ? .changed : .dim], maxWidth: max(blameWidth, 5))
            } else if let blame, row.isContainer, row.collapsed, let v = blame.version(for: row.path) {
                buffer.writeRight("v\(v)", maxX: inner.maxX, y: y, style: rowStyle ?? theme[.dim], maxWidth: blameWidth)
            }
        }
    }

    static func isIndex(_ row: TreeRow) -> Bool {
        if case .index? = row.path.components.last { return true }
        return false
    }

    static func quoteIfNeeded(_ key: String) -> String {
        let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { ($0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" || $0 == "-") }
        return plain ? key : JSONValue.string(key).serialized()
    }

    static func scalarRole(_ text: String) -> Role {
        if text.hasPrefix("\"") { return .jsonString }
        if text == "true" || text == "false" { return .jsonBool }
        if text == "null" { return .jsonNull }
        return .jsonNumber
    }
}
