import EventLog
import SafeText
import TerminalUI

/// `:at` (the dashboard at an instant), `m` (mark A) and `D` (the diff from A to the cursor).
extension Dashboard {
    /// `:at TIME`, `:at @P`, `:at now`.
    static func at(_ state: inout DashboardState, _ text: String) -> [Effect] {
        var t = text.trimmed()
        // '2026-01-15 10:00' as the docs quote it: the quotes are not part of the instant.
        if t.count >= 2, let q = t.first, q == "'" || q == "\"", t.last == q { t = String(t.dropFirst().dropLast()).trimmed() }
        let usage = ":at takes an instant (2026-01-15T10:00:00Z, '2026-01-15 10:00'), a global position (@1200) or now"
        if t.isEmpty {
            notify(&state, usage, error: true)
            return []
        }
        if t.lowercased() == "now" {
            guard state.instant != nil else { notify(&state, "already live", error: false); return [] }
            state.instant = nil
            notify(&state, "live again", error: false)
            state.follow = true
            return moveCursor(&state, to: state.lastVersion) + [.request(.lag)]
        }
        var request: Request
        if t.hasPrefix("@") {
            guard let p = UInt64(t.dropFirst()) else {
                notify(&state, ":at @P takes a global position, like @1200", error: true)
                return []
            }
            request = .instant(micros: nil, position: p)
        } else if let micros = RFC3339.parse(t) ?? RFC3339.parseFlexible(t) {
            request = .instant(micros: micros, position: nil)
        } else {
            notify(&state, "'\(t)' is not an instant; \(usage)", error: true)
            return []
        }
        state.instant = DashboardState.InstantState(asked: t)
        state.playing = nil
        state.follow = false
        return [.request(request)]
    }

    static func instantLoaded(_ state: inout DashboardState, _ view: InstantView) -> [Effect] {
        guard state.instant != nil else { return [] }
        state.instant?.view = view
        state.follow = false
        if view.position == 0 {
            notify(&state, "no event is that early: the log was empty then", error: false)
        }
        return instantCursor(&state)
    }

    /// At an instant, the selected stream's cursor goes to its last event at or before it.
    static func instantCursor(_ state: inout DashboardState) -> [Effect] {
        guard let view = state.instant?.view, let s = state.selectedStream else { return [] }
        guard let v = view.versions[s] else {
            notify(&state, "\(s) did not exist yet at @\(view.position)", error: false)
            return moveCursor(&state, to: 1)
        }
        state.follow = false
        return moveCursor(&state, to: v)
    }

    /// The point the cursor is at: the instant when the dashboard is at one and A is an instant
    /// too, else the selected stream's version.
    static func cursorPoint(_ state: DashboardState, like mark: DiffPoint?) -> DiffPoint? {
        if case .instant? = mark {
            if let p = state.instant?.position { return .instant(position: p, stream: state.selectedStream) }
            if let row = state.page?.row(state.cursor) { return .instant(position: row.position, stream: state.selectedStream) }
            return nil
        }
        guard let s = state.selectedStream, state.cursor > 0 else { return nil }
        return .version(stream: s, version: state.cursor)
    }

    /// `m`: marks A (the stream's version, or the instant when the dashboard is at one) and
    /// bookmarks the version.
    static func markPoint(_ state: inout DashboardState) -> [Effect] {
        guard let s = state.selectedStream, state.cursor > 0 else { return [] }
        let point: DiffPoint
        if let p = state.instant?.position { point = .instant(position: p, stream: s) } else { point = .version(stream: s, version: state.cursor) }
        if state.mark == point {
            state.mark = nil
            state.bookmarks[s]?.remove(state.cursor)
            notify(&state, "mark A at \(point) removed", error: false)
            return []
        }
        state.mark = point
        state.bookmarks[s, default: []].insert(state.cursor)
        notify(&state, "marked A at \(point); move, then D shows the diff from A (b and B jump between marks)", error: false)
        return []
    }

    /// `D`: the diff from A to the cursor.
    static func showDiff(_ state: inout DashboardState) -> [Effect] {
        guard let a = state.mark else {
            notify(&state, "no mark: m marks point A, then D shows the diff from A to the cursor", error: true)
            return []
        }
        guard let b = cursorPoint(state, like: a) else {
            notify(&state, "select a stream first", error: true)
            return []
        }
        state.diff = nil
        state.mode = .diff(scroll: 0)
        return [.request(.diff(from: a, to: b))]
    }

    static func diffKey(_ state: inout DashboardState, _ key: Key, scroll: Int) -> [Effect] {
        let page = max(1, state.size.height - 8)
        switch key {
        case .character("j"), .down: state.mode = .diff(scroll: scroll + 1)
        case .character("k"), .up: state.mode = .diff(scroll: max(0, scroll - 1))
        case .pageDown, .character(" "): state.mode = .diff(scroll: scroll + page)
        case .pageUp: state.mode = .diff(scroll: max(0, scroll - page))
        case .home, .character("g"): state.mode = .diff(scroll: 0)
        case .end, .character("G"): state.mode = .diff(scroll: max(0, (state.diff?.changes.count ?? 0) - 1))
        case .escape, .character("q"), .enter, .character("D"):
            state.mode = .normal
            state.diff = nil
        default: break
        }
        return []
    }
}
