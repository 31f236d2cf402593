import SafeText
import TerminalUI

/// `:find`: the matches of a search, listed as they are found, with the count and how far the
/// search got in the title.
enum FindOverlay {
    static func render(_ f: FindResults, theme: Theme, into buffer: inout ScreenBuffer) {
        // As tall as the list (a status line or two, and a border), at most 24 rows.
        let wanted = max(f.matches.count, 1) + (f.errors > 0 ? 1 : 0) + (f.failure != nil ? 1 : 0) + 2
        let area = Overlay.centered(in: buffer.bounds, width: 110, height: min(buffer.height - 2, 24, wanted))
        guard area.width > 4, area.height > 3 else { return }
        let count = "\(f.matches.count) match\(f.matches.count == 1 ? "" : "es")"
        let status: String
        if f.failure != nil {
            status = "failed"
        } else if f.cancelled {
            status = "\(count), stopped at position \(f.reached)"
        } else if !f.done {
            let percent = f.head > 0 ? Int(min(100, f.reached * 100 / f.head)) : 0
            status = "\(count) so far, \(percent)% searched"
        } else {
            status = count + (f.capped ? " (the first \(FindResults.cap))" : "")
        }
        let title = "find " + SafeText.preview(f.query.predicate, columns: max(10, area.width / 2)) + " · " + status
        let right = f.running ? "Enter opens · Esc stops" : "Enter opens · n N · Esc closes"
        let inner = DetailOverlay.frame(title, right: right, theme: theme, area: area, into: &buffer)
        var lines: [(String, Role)] = []
        if let failure = f.failure {
            lines.append((failure, .error))
        } else if f.matches.isEmpty {
            lines.append((f.running ? "searching…" : "no event matched", .dim))
        }
        if f.errors > 0 {
            lines.append(("the predicate failed on \(f.errors) event\(f.errors == 1 ? "" : "s") (not matches); the first: \(f.firstError ?? "")", .warning))
        }
        for (i, line) in lines.prefix(inner.height).enumerated() {
            buffer.write(SafeText.preview(line.0, columns: inner.width - 1), x: inner.x + 1, y: inner.y + i, style: theme[line.1], maxWidth: inner.width - 1)
        }
        let listTop = inner.y + lines.count
        let rows = max(0, inner.height - lines.count)
        guard rows > 0, !f.matches.isEmpty else { return }
        // Keep the cursor on screen: the window starts where it must, nothing is stored.
        let first = f.cursor >= rows ? f.cursor - rows + 1 : 0
        for (row, i) in (first..<min(f.matches.count, first + rows)).enumerated() {
            let m = f.matches[i]
            let text = DisplayWidth.pad("@\(m.position)", to: 10) + DisplayWidth.pad(SafeText.preview(m.stream, columns: 27), to: 28)
                + DisplayWidth.pad("v\(m.version)", to: 8) + DisplayWidth.pad(SafeText.preview(m.type, columns: 27), to: 28) + Format.time(m.micros)
            let style = i == f.cursor ? theme[.selection] : theme[.body]
            if i == f.cursor { buffer.fill(Rect(x: inner.x, y: listTop + row, width: inner.width, height: 1), style: style) }
            buffer.write(text, x: inner.x + 1, y: listTop + row, style: style, maxWidth: inner.width - 1)
        }
    }
}
