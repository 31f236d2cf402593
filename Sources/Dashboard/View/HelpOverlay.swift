import SafeText
import TerminalUI

/// `?`: every key and command.
public enum HelpOverlay {
    public static let sections: [(String, [(String, String)])] = [
        ("Everywhere", [
            ("?  F1", "this help (any key closes it)"),
            (":", "command line (see Commands below)"),
            ("/", "filter streams: substring, or a glob with * ? [; Enter selects the first match, Esc clears"),
            ("Tab  Shift-Tab  1–6", "next / previous pane, or pane by number"),
            ("j k  ↓ ↑", "move in the focused pane"),
            ("g G", "first / last row (events: first / last version)"),
            ("Enter", "open: stream → events, event → detail, field → the version that set it, projection → its debugger"),
            ("n N", "next / previous match of the last :find, opened in its stream's events"),
            ("q  Esc  Ctrl-C", "quit (Esc first closes what is open, then clears a stream filter, then leaves an instant)"),
            ("mouse", "click selects, wheel scrolls, click or drag on the timeline scrubs"),
        ]),
        ("Timeline", [
            ("← →", "previous / next version"),
            ("[ ]", "10 versions back / forward"),
            ("PgUp PgDn", "a page of versions back / forward"),
            ("Home End", "first / last version (End turns follow on)"),
            ("space", "play / pause"),
            ("+ -", "faster / slower (1 to 128 events per second)"),
            ("o", "play at the events' original intervals (long gaps shortened)"),
            ("f", "follow: keep the newest event in view as the log grows"),
            ("m", "mark point A (the version, or the instant under :at) and bookmark it; b / B jump between bookmarks"),
            ("D", "the diff from A to the cursor: paths added, removed, changed, old → new (j/k scroll)"),
            (":at TIME  :at @P", "the whole dashboard at an instant or global position; :at now is live again"),
            ("x  X", "what-if: skip the event (state turns HYPOTHETICAL) / clear skips"),
            ("t", "trace the event: its causation tree and correlation across streams, as lanes (↑↓ events, ←→ lanes, Enter opens one in its stream, Esc closes)"),
            ("S", "sagas: every instance with its status and counts per status (f filters by status, Enter opens the instance's trace, Esc closes)"),
        ]),
        ("Panes", [
            ("s", "streams: sort by name, count, recent activity"),
            ("c  Enter", "streams: fold or unfold a category"),
            ("h l  Enter  c", "state: fold / unfold a container; c folds all top-level fields"),
            ("u  x", "event detail: raw / upcasted data; hex dump"),
            ("Enter", "snapshots: show the drift or the problem; projections: the debugger (external consumers: their problem)"),
        ]),
        ("Projection debugger (Enter on a projection)", [
            ("← →  h l", "previous / next event the projection handles"),
            ("PgUp PgDn  [ ]", "10 handled events back / forward"),
            ("Home End", "first / last handled event (a faulted projection's last is its poison event)"),
            (": P", "the last handled event at or before global position P"),
            ("f", "jump to the fault"),
            ("p  P", "pin the slider to the event's partition (again: unpin) / type a partition key"),
            ("j k", "scroll the read model"),
            ("Enter  Esc", "the event in its stream / close the debugger"),
        ]),
    ]

    public static var lines: [String] { lines(width: 200) }

    /// The help text, descriptions wrapped to `width` columns (continuations indented).
    public static func lines(width: Int) -> [String] {
        var out: [String] = []
        func add(_ key: String, _ what: String, keyWidth: Int) {
            let room = max(10, width - 2 - keyWidth)
            var first = true
            for part in wrap(what, to: room) {
                out.append("  " + DisplayWidth.pad(first ? key : "", to: keyWidth) + part)
                first = false
            }
        }
        for (title, keys) in sections {
            out.append(title)
            for (k, what) in keys { add(k, what, keyWidth: 24) }
            out.append("")
        }
        out.append("Commands")
        for (c, what) in Dashboard.commands { add(":" + c, what, keyWidth: 24) }
        return out
    }

    /// Words of `text` in lines of at most `width` columns.
    static func wrap(_ text: String, to width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if DisplayWidth.of(candidate) > width, !line.isEmpty {
                lines.append(line)
                line = String(word)
            } else {
                line = candidate
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines.isEmpty ? [""] : lines
    }

    static func render(scroll: Int, theme: Theme, into buffer: inout ScreenBuffer) {
        let width = min(110, buffer.width - 4)
        let text = lines(width: width - 3)
        let area = Overlay.centered(in: buffer.bounds, width: width, height: text.count + 2)
        let inner = Block(title: [Span("Help", theme[.titleFocused])], rightTitle: [Span("j/k scroll · any key closes", theme[.dim])],
                          border: theme[.borderFocused], fill: theme[.body]).render(into: &buffer, area: area)
        let start = min(scroll, max(0, text.count - inner.height))
        for (i, line) in text.dropFirst(start).prefix(inner.height).enumerated() {
            let isTitle = !line.hasPrefix(" ") && !line.isEmpty
            if isTitle {
                buffer.write(line, x: inner.x + 1, y: inner.y + i, style: theme[.header], maxWidth: inner.width - 1)
            } else {
                let key = String(line.prefix(26))
                buffer.write(key, x: inner.x + 1, y: inner.y + i, style: theme[.key], maxWidth: inner.width - 1)
                buffer.write(String(line.dropFirst(26)), x: inner.x + 1 + DisplayWidth.of(key), y: inner.y + i, style: theme[.body], maxWidth: max(0, inner.width - 1 - DisplayWidth.of(key)))
            }
        }
    }
}
