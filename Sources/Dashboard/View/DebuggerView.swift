import JSON
import Replay
import SafeText
import TerminalUI

/// The projection debugger (Enter on a projection): a slider over the events it handles, the
/// event at the cursor, the read model there as a tree with the fields it changed marked, and
/// the fault.
enum DebuggerView {
    static let keys = "←→ step · PgUp/PgDn · Home/End · : pos · f fault · p/P key · Enter event · Esc"

    static func render(_ state: DashboardState, theme: Theme, into buffer: inout ScreenBuffer) {
        guard let d = state.debugger else { return }
        let area = Rect(x: 0, y: 0, width: buffer.width, height: max(0, buffer.height - 1))
        let stepping = d.pending != nil
        var title = "Debugger \(d.projection)"
        if let k = d.key { title += " · partition \(k)" }
        let inner = Block(title: [Span(title, theme[.titleFocused])],
                          rightTitle: [Span(stepping ? "stepping… · " : "", theme[.warning]), Span(keys, theme[.dim])],
                          border: theme[.borderFocused], fill: theme[.body]).render(into: &buffer, area: area)
        guard inner.height > 2, inner.width > 10 else { return }
        let x = inner.x + 1, w = inner.width - 2
        var y = inner.y
        func line(_ text: String, _ role: Role) {
            guard y < inner.maxY else { return }
            buffer.write(text, x: x, y: y, style: theme[role], maxWidth: w)
            y += 1
        }
        if let prompt = d.prompt {
            switch prompt {
            case .position(let t): line("go to position: " + t + "▏  (Enter goes, Esc cancels)", .key)
            case .key(let t): line("partition key: " + t + "▏  (Enter pins the slider to it, empty unpins, Esc cancels)", .key)
            }
        }
        guard let v = d.view else {
            line("folding \(d.projection)…", .dim)
            return
        }
        if let e = v.error {
            line(e, .error)
            return
        }
        slider(v, x: x, y: y, width: w, theme: theme, into: &buffer)
        y += 1
        let head = "head \(LagFormat.count(v.head))"
        guard let step = v.step else {
            line(v.key.map { "no event of partition \($0) is handled by \(v.projection) (p or P unpins)" } ?? "\(v.projection) handles no event in the log (\(head))", .dim)
            faultLine(v, y: inner.maxY - 1, x: x, width: w, theme: theme, into: &buffer)
            return
        }
        line("event \(LagFormat.count(UInt64(v.index))) of \(LagFormat.count(UInt64(v.handledCount))) handled · position \(LagFormat.count(step.position)) · \(head)", .header)
        line("\(step.stream) v\(step.version)  \(step.eventType)  schema v\(step.schemaVersion)", .body)
        var handler = "handler \(step.handler)"
        if let k = step.key { handler += " · partition \(k)" }
        line(handler, .body)
        line("data " + step.data.serialized(), .dim)
        let stateLabel = step.key.map { "partition \($0)'s state" } ?? "state"
        if let f = step.fault {
            line("FAULT: handler \(f.handler) failed: \(f.message)", .error)
            line("\(stateLabel) left intact (as before the event):", .header)
        } else {
            line("\(stateLabel) after the event · \(v.changed.count) changed (●)", .header)
        }
        let bottom = v.fault == nil ? inner.maxY : inner.maxY - 1
        tree(d, v, x: x, y: y, width: w, height: max(0, bottom - y), theme: theme, into: &buffer)
        faultLine(v, y: inner.maxY - 1, x: x, width: w, theme: theme, into: &buffer)
    }

    /// The slider: one column per handled event range, the cursor as `●`, the fault as `✗`.
    static func slider(_ v: DebugStepView, x: Int, y: Int, width: Int, theme: Theme, into buffer: inout ScreenBuffer) {
        guard width > 0 else { return }
        func column(_ i: Int) -> Int {
            guard v.handledCount > 1 else { return 0 }
            return Int((Double(i - 1) / Double(v.handledCount - 1) * Double(width - 1)).rounded())
        }
        let thumb = v.index > 0 ? column(v.index) : 0
        buffer.write(String(repeating: "━", count: thumb), x: x, y: y, style: theme[.sliderFilled], maxWidth: thumb)
        buffer.write(String(repeating: "─", count: width - thumb), x: x + thumb, y: y, style: theme[.slider], maxWidth: width - thumb)
        if v.fault?.position != nil, v.handledCount > 0, v.key == nil {
            buffer.write("✗", x: x + column(v.handledCount), y: y, style: theme[.error], maxWidth: 1)
        }
        if v.index > 0 { buffer.write("●", x: x + thumb, y: y, style: theme[.sliderThumb], maxWidth: 1) }
    }

    static func faultLine(_ v: DebugStepView, y: Int, x: Int, width: Int, theme: Theme, into buffer: inout ScreenBuffer) {
        guard let f = v.fault else { return }
        let at = f.position.map { p in "position \(p): \(f.stream ?? "?") v\(f.version.map(String.init) ?? "?") \(f.eventType ?? "")" } ?? "its definition"
        let here = v.step?.fault != nil
        buffer.write((here ? "" : "f: ") + "the fault at \(at), handler \(f.handler): \(f.message)", x: x, y: y, style: theme[.error], maxWidth: width)
    }

    /// The read model as a tree; fields the event changed marked `●` in the changed role.
    static func tree(_ d: DebuggerState, _ v: DebugStepView, x: Int, y: Int, width: Int, height: Int, theme: Theme, into buffer: inout ScreenBuffer) {
        let rows = d.treeRows
        let top = min(d.scroll, max(0, rows.count - height))
        for (i, row) in rows.dropFirst(top).prefix(height).enumerated() {
            let ry = y + i
            let changed = v.step?.fault == nil && StateTree.touches(row.path, v.changed)
            var cx = x + 2 * min(row.depth, 12)
            let end = x + width
            if row.isContainer {
                cx += buffer.write("▾ ", x: cx, y: ry, style: theme[.dim], maxWidth: max(0, end - cx))
            } else if case .scalar = row.kind {
                cx += buffer.write(changed ? "● " : "  ", x: cx, y: ry, style: theme[.changed], maxWidth: max(0, end - cx))
            }
            if let label = row.label {
                let text = StatePane.isIndex(row) ? "\(label): " : "\(StatePane.quoteIfNeeded(label)): "
                let room = max(0, min(DisplayWidth.of(text), end - cx - 6))
                cx += buffer.writeTruncated(text, x: cx, y: ry, style: theme[changed && !row.isContainer ? .changed : .jsonKey], maxWidth: room)
            }
            let role: Role
            if case .scalar = row.kind { role = changed ? .changed : StatePane.scalarRole(row.text) } else { role = .jsonPunctuation }
            buffer.writeTruncated(row.text, x: cx, y: ry, style: theme[role], maxWidth: max(0, end - cx))
        }
    }
}
