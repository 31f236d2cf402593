import JSON
import Replay
import SafeText
import TerminalUI

/// `D`: the structural diff from mark A to the cursor, as `rewind state --diff` prints it
/// (`+ path: new`, `- path: old`, `~ path: old → new`), scrollable.
enum DiffOverlay {
    static func lines(_ d: DiffView) -> [(String, Role)] {
        if let e = d.error { return [(e, .error)] }
        guard !d.changes.isEmpty else { return [("(no differences)", .dim)] }
        let added = d.changes.filter { $0.kind == .added }.count
        let removed = d.changes.filter { $0.kind == .removed }.count
        var out: [(String, Role)] = [("\(d.changes.count) change\(d.changes.count == 1 ? "" : "s"): \(added) added, \(removed) removed, \(d.changes.count - added - removed) changed", .header)]
        for c in d.changes {
            let old = c.oldValue.map { SafeText.preview($0.serialized(), columns: 60) } ?? ""
            let new = c.newValue.map { SafeText.preview($0.serialized(), columns: 60) } ?? ""
            switch c.kind {
            case .added: out.append(("+ \(c.path): \(new)", .added))
            case .removed: out.append(("- \(c.path): \(old)", .removed))
            case .changed: out.append(("~ \(c.path): \(old) → \(new)", .changed))
            }
        }
        return out
    }

    static func render(_ state: DashboardState, scroll: Int, theme: Theme, into buffer: inout ScreenBuffer) {
        let area = Overlay.centered(in: buffer.bounds, width: 120, height: buffer.height)
        guard let d = state.diff else {
            let inner = DetailOverlay.frame("Diff", right: "computing…", theme: theme, area: area, into: &buffer)
            buffer.write("replaying both points…", x: inner.x + 1, y: inner.y, style: theme[.dim], maxWidth: inner.width - 1)
            return
        }
        let inner = DetailOverlay.frame("Diff A \(d.from) → B \(d.to)", right: "j/k PgUp/PgDn scroll · Esc closes", theme: theme, area: area, into: &buffer)
        DetailOverlay.draw(lines(d), scroll: scroll, inner: inner, theme: theme, into: &buffer)
    }
}
