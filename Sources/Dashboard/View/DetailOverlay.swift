import TerminalUI

/// The event detail (Enter on an event), snapshot problems and projection faults.
enum DetailOverlay {
    static func render(_ state: DashboardState, scroll: Int, upcasted: Bool, hex: Bool, theme: Theme, into buffer: inout ScreenBuffer) {
        let area = Overlay.centered(in: buffer.bounds, width: 120, height: buffer.height)
        guard let d = state.detail else {
            let inner = frame("Event", right: "loading…", theme: theme, area: area, into: &buffer)
            buffer.write("reading the event…", x: inner.x + 1, y: inner.y, style: theme[.dim], maxWidth: inner.width)
            return
        }
        var lines: [(String, Role)] = [
            ("stream    \(d.stream)", .body),
            ("version   \(d.version)    position \(d.position)", .body),
            ("type      \(d.type)    schema v\(d.schemaVersion)    \(d.contentType)", .body),
            ("id        \(d.id)", .body),
            ("time      \(d.original)" + (d.original != d.recorded ? "    recorded \(d.recorded)" : ""), .body),
            ("", .body),
        ]
        let showUpcasted = upcasted && d.upcasted != nil && !hex
        let dataTitle: String
        if hex { dataTitle = "data (hex)" } else if showUpcasted { dataTitle = "data, upcasted to schema v\(d.upcastedSchema.map(String.init) ?? "?") (u: as stored)" } else if d.upcasted != nil { dataTitle = "data as stored, schema v\(d.schemaVersion) (u: upcasted)" } else { dataTitle = "data" }
        lines.append((dataTitle, .header))
        let data = hex ? d.hex : showUpcasted ? (d.upcasted ?? d.raw) : d.raw
        lines += data.map { ($0, showUpcasted ? .added : .body) }
        lines.append(("", .body))
        lines.append(("metadata", .header))
        lines += d.metadata.isEmpty ? [("(none)", .dim)] : d.metadata.map { ($0, .body) }
        let inner = frame("Event \(d.stream) v\(d.version)", right: "u raw/upcasted · x hex · j/k scroll · Esc closes", theme: theme, area: area, into: &buffer)
        draw(lines, scroll: scroll, inner: inner, theme: theme, into: &buffer)
    }

    static func renderSnapshot(_ state: DashboardState, scroll: Int, theme: Theme, into buffer: inout ScreenBuffer) {
        guard state.snapshots.indices.contains(state.snapshotCursor) else { return }
        let s = state.snapshots[state.snapshotCursor]
        let area = Overlay.centered(in: buffer.bounds, width: 110, height: s.details.count + 6)
        let inner = frame("Snapshot v\(s.version): \(s.status)", right: "any key closes", theme: theme, area: area, into: &buffer)
        var lines: [(String, Role)] = [(s.status == "drift" ? "the stored state differs from a replay of the log to v\(s.version):" : "problem:", .header)]
        lines += s.details.map { ($0, s.status == "drift" ? .removed : .error) }
        lines.append(("", .body))
        lines.append(("'rewind snapshot rebuild \(state.logPath) \(state.selectedStream ?? "")' replaces it", .dim))
        draw(lines, scroll: scroll, inner: inner, theme: theme, into: &buffer)
    }

    static func renderFault(_ state: DashboardState, theme: Theme, into buffer: inout ScreenBuffer) {
        guard state.consumers.indices.contains(state.consumerCursor) else { return }
        let c = state.consumers[state.consumerCursor]
        let area = Overlay.centered(in: buffer.bounds, width: 100, height: 12)
        let inner = frame("\(c.lag.name): \(c.lag.status.rawValue)", right: "Enter jumps to the poison event · any other key closes", theme: theme, area: area, into: &buffer)
        var lines: [(String, Role)] = []
        if let f = c.lag.fault {
            lines.append(("stopped at position \(f.position.map(String.init) ?? "–"): \(f.stream ?? "?") v\(f.version.map(String.init) ?? "?") \(f.eventType ?? "")", .header))
            lines.append(("handler \(f.handler): \(f.message)", .error))
            lines.append(("", .body))
            lines.append(("fix the handler or the event, then 'rewind project rebuild \(state.logPath) \(c.lag.name)'", .dim))
        }
        if let p = c.lag.problem { lines.append((p, .warning)) }
        if let n = c.lag.note { lines.append((n, .dim)) }
        draw(lines, scroll: 0, inner: inner, theme: theme, into: &buffer)
    }

    static func frame(_ title: String, right: String, theme: Theme, area: Rect, into buffer: inout ScreenBuffer) -> Rect {
        Block(title: [Span(title, theme[.titleFocused])], rightTitle: [Span(right, theme[.dim])], border: theme[.borderFocused], fill: theme[.body])
            .render(into: &buffer, area: area)
    }

    static func draw(_ lines: [(String, Role)], scroll: Int, inner: Rect, theme: Theme, into buffer: inout ScreenBuffer) {
        let start = min(scroll, max(0, lines.count - inner.height))
        for (i, (text, role)) in lines.dropFirst(start).prefix(inner.height).enumerated() {
            buffer.write(text, x: inner.x + 1, y: inner.y + i, style: theme[role], maxWidth: inner.width - 1)
        }
    }
}
