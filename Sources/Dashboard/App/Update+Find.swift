import SafeText
import TerminalUI

/// `:find PREDICATE`: a search on its own worker, listed in an overlay as it grows; `n`/`N`
/// walk the matches in the events pane of each match's stream.
extension Dashboard {
    /// Rows of the overlay's list (what a page key moves by).
    static let findPage = 10

    static func startFind(_ state: inout DashboardState, _ predicate: String) -> [Effect] {
        let p = predicate.trimmed()
        guard !p.isEmpty else {
            if state.find != nil { state.find?.visible = true; return [] }
            notify(&state, ":find takes a jq predicate, such as :find .data.amountCents > 100000", error: true)
            return []
        }
        // A newer search replaces a running one: the worker stops when it sees it waiting.
        let query = FindQuery(id: (state.find?.query.id ?? 0) + 1, predicate: p)
        state.find = FindResults(query: query)
        state.find?.head = state.head
        return [.request(.find(query))]
    }

    static func findUpdated(_ state: inout DashboardState, _ u: FindUpdate) -> [Effect] {
        guard var f = state.find, f.query.id == u.id, !f.cancelled else { return [] }
        let room = FindResults.cap - f.matches.count
        f.matches += u.newMatches.prefix(max(0, room))
        f.reached = max(f.reached, u.reached)
        f.head = max(f.head, u.head)
        f.done = u.done
        if u.done {
            f.capped = u.capped
            f.errors = u.errors
            f.firstError = u.firstError
            f.failure = u.failure
            if let failure = u.failure { notify(&state, failure, error: true) }
        }
        state.find = f
        return []
    }

    /// Keys while the overlay is open: move, open a match, close (Esc also stops a search).
    static func findKey(_ state: inout DashboardState, _ key: Key) -> [Effect] {
        guard var f = state.find else { return [] }
        let last = max(0, f.matches.count - 1)
        switch key {
        case .character("j"), .down, .character("n"): f.cursor = min(f.cursor + 1, last)
        case .character("k"), .up, .character("N"): f.cursor = max(f.cursor - 1, 0)
        case .pageDown, .character(" "): f.cursor = min(f.cursor + findPage, last)
        case .pageUp: f.cursor = max(f.cursor - findPage, 0)
        case .character("g"), .home: f.cursor = 0
        case .character("G"), .end: f.cursor = last
        case .enter:
            state.find = f
            return openMatch(&state)
        case .escape, .character("q"):
            f.visible = false
            state.find = f
            return cancelFind(&state)
        default: break
        }
        state.find = f
        return []
    }

    /// Stops a running search (its matches so far stay, for n/N and `:find` to reopen).
    static func cancelFind(_ state: inout DashboardState) -> [Effect] {
        guard var f = state.find, f.running else { return [] }
        f.cancelled = true
        state.find = f
        notify(&state, "search stopped at position \(f.reached): \(f.matches.count) match\(f.matches.count == 1 ? "" : "es")", error: false)
        return [.request(.find(FindQuery(id: f.query.id, predicate: "")))]
    }

    /// `n` / `N`: the next / previous match, in its stream.
    static func stepMatch(_ state: inout DashboardState, forward: Bool) -> [Effect] {
        guard var f = state.find, !f.matches.isEmpty else {
            notify(&state, state.find == nil ? "no search: :find PREDICATE first" : "the search found nothing", error: true)
            return []
        }
        let next = f.cursor + (forward ? 1 : -1)
        guard f.matches.indices.contains(next) else {
            notify(&state, forward ? "the last match (\(f.matches.count))" : "the first match", error: false)
            return []
        }
        f.cursor = next
        state.find = f
        return openMatch(&state)
    }

    /// Opens the selected match in its stream, at its version, in the events pane.
    static func openMatch(_ state: inout DashboardState) -> [Effect] {
        guard var f = state.find, f.matches.indices.contains(f.cursor) else { return [] }
        let m = f.matches[f.cursor]
        f.visible = false
        state.find = f
        notify(&state, "match \(f.cursor + 1) of \(f.matches.count)\(f.running ? "+" : ""): n next, N previous, :find reopens the list", error: false)
        return jump(&state, stream: m.stream, version: m.version)
    }
}
