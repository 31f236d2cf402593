import Replay
import TerminalUI

/// The sagas overlay (`S`, `:sagas`): every instance with its status, counts per status, a
/// status filter (`f`), and Enter to open an instance's trace lanes.
extension Dashboard {
    static func openSagas(_ state: inout DashboardState) -> [Effect] {
        state.playing = nil
        state.sagas = nil
        state.mode = .sagas(row: 0, filter: nil)
        state.lastSagas = state.nowMicros
        state.sagasHead = state.head
        return [.request(.sagas)]
    }

    /// While the overlay shows a fold and the log has grown since it was asked for, asks again
    /// (at most once per `sagasMicros`): the list stays on screen and is replaced when the new
    /// fold comes, so a live log's counts grow as you watch (the demo's stuck transfer turns
    /// from running to stuck). The worker keeps only the newest waiting request of a kind.
    static func sagasRefresh(_ state: inout DashboardState) -> [Effect] {
        guard case .sagas = state.mode, state.sagas != nil, state.head != state.sagasHead,
              state.nowMicros - state.lastSagas >= sagasMicros else { return [] }
        state.lastSagas = state.nowMicros
        state.sagasHead = state.head
        return [.request(.sagas)]
    }

    static func sagasLoaded(_ state: inout DashboardState, _ reports: [SagaReport]) -> [Effect] {
        guard case .sagas(let row, let filter) = state.mode else { return [] }
        guard !reports.isEmpty else {
            state.mode = .normal
            notify(&state, "rewind.toml defines no sagas: add a [sagas.NAME] section (docs/SAGAS.md)", error: true)
            return []
        }
        state.sagas = reports
        let count = SagaRows.rows(reports, filter: filter).count
        state.mode = .sagas(row: min(row, max(0, count - 1)), filter: filter)
        return []
    }

    static func sagasKey(_ state: inout DashboardState, _ key: Key, row: Int, filter: SagaStatus?) -> [Effect] {
        guard let reports = state.sagas else {
            if key == .escape || key == .character("q") || key == .character("S") { state.mode = .normal }
            return []
        }
        let rows = SagaRows.rows(reports, filter: filter)
        let last = max(0, rows.count - 1)
        var next = min(max(0, row), last)
        let page = max(1, state.size.height - 10)
        switch key {
        case .escape, .character("q"), .character("S"):
            state.mode = .normal
            state.sagas = nil
            return []
        case .character("f"):
            let f = SagaRows.nextFilter(after: filter)
            state.mode = .sagas(row: 0, filter: f)
            return []
        case .character("r"):
            state.lastSagas = state.nowMicros
            state.sagasHead = state.head
            return [.request(.sagas)]
        case .enter:
            guard rows.indices.contains(next) else { return [] }
            let instance = reports[rows[next].report].instances[rows[next].instance]
            guard let anchor = SagaRows.anchor(of: instance) else { return [] }
            state.sagas = nil
            state.trace = nil
            state.mode = .trace(row: 0, firstLane: 0)
            return [.request(.trace(stream: anchor.stream, version: anchor.version))]
        case .down, .character("j"): next = min(last, next + 1)
        case .up, .character("k"): next = max(0, next - 1)
        case .pageDown: next = min(last, next + page)
        case .pageUp: next = max(0, next - page)
        case .home, .character("g"): next = 0
        case .end, .character("G"): next = last
        default: return []
        }
        state.mode = .sagas(row: next, filter: filter)
        return []
    }
}
