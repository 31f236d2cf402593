/// The dashboard's logic: `update(state, message)` is the only place state changes.
public enum Dashboard {
    /// How often the log's tail is re-read, lag sampled, densities and snapshots refreshed.
    static let refreshMicros: Int64 = 100_000
    static let lagMicros: Int64 = 1_000_000
    static let densityMicros: Int64 = 2_000_000
    static let snapshotsMicros: Int64 = 10_000_000
    static let sagasMicros: Int64 = 1_000_000

    /// The requests a freshly opened dashboard makes.
    public static func start(_ state: inout DashboardState) -> [Effect] {
        [.request(.refresh), .request(.streams(state.streamQuery)), .request(.lag)]
    }

    /// Applies `message` to `state` and returns what the runtime must do next.
    public static func update(_ state: inout DashboardState, _ message: Message) -> [Effect] {
        switch message {
        case .key(let key):
            return handleKey(&state, key)
        case .mouse(let m):
            return handleMouse(&state, m)
        case .resize(let size):
            state.size = size
            state.layout = Layout(size: size)
            var effects = ensureEventsVisible(&state, force: true)
            clampStateScroll(&state)
            effects.append(.request(.streams(state.streamQuery)))
            return effects
        case .tick(let now):
            return tick(&state, now: now)
        case .logChanged(let head, let streams, let heldBack):
            let grew = head != state.head
            state.head = head
            state.streamCount = streams
            state.heldBack = heldBack
            guard grew else { return [] }
            var effects: [Effect] = [.request(.streams(state.streamQuery))]
            if let s = state.selectedStream {
                // The page request also tells us the stream's new last version.
                effects.append(.request(.events(stream: s, from: pageStart(state), count: pageSize(state))))
            }
            return effects
        case .streamsLoaded(let list):
            return streamsLoaded(&state, list)
        case .eventsLoaded(let stream, let from, let rows, let last):
            guard stream == state.selectedStream else { return [] }
            state.page = DashboardState.EventPage(stream: stream, from: from, rows: rows)
            if last == 0 && state.lastVersion == 0 {
                notify(&state, "no stream named '\(stream)' (or it has no events yet)", error: true)
            }
            return lastVersionKnown(&state, last)
        case .stateLoaded(let view, let micros):
            guard view.stream == state.selectedStream else { return [] }
            state.stateView = view
            state.eventMicros = micros
            clampStateScroll(&state)
            return []
        case .blameLoaded(let blame):
            guard blame.stream == state.selectedStream else { return [] }
            state.blame = blame
            return []
        case .densityLoaded(let d):
            if d.stream == state.selectedStream { state.density = d }
            return []
        case .lagLoaded(let rows):
            state.consumers = rows
            state.consumerCursor = min(state.consumerCursor, max(0, rows.count - 1))
            return []
        case .snapshotsLoaded(let stream, let rows):
            guard stream == state.selectedStream else { return [] }
            state.snapshotsStream = stream
            state.snapshots = rows
            state.snapshotCursor = min(state.snapshotCursor, max(0, rows.count - 1))
            return []
        case .detailLoaded(let d):
            state.detail = d
            return []
        case .traceLoaded(let lanes):
            return traceLoaded(&state, lanes)
        case .sagasLoaded(let reports):
            return sagasLoaded(&state, reports)
        case .located(let stream, let version):
            guard stream == state.selectedStream else { return [] }
            if version == 0 { notify(&state, "no event of \(stream) is that early; showing its first event", error: true) }
            return moveCursor(&state, to: max(1, version))
        case .debugLoaded(let view):
            return debuggerLoaded(&state, view)
        case .instantLoaded(let view):
            return instantLoaded(&state, view)
        case .diffLoaded(let view):
            guard case .diff = state.mode else { return [] }
            state.diff = view
            return []
        case .findUpdated(let update):
            return findUpdated(&state, update)
        case .notice(let text):
            notify(&state, text, error: false)
            return snapshotsRefresh(&state)
        case .failed(let kind, let text):
            notify(&state, kind == .refresh ? "log: \(text)" : kind == .trace ? "trace: \(text)" : text, error: true)
            if kind == .trace, case .trace = state.mode { state.mode = .normal }
            if kind == .sagas, case .sagas = state.mode { state.mode = .normal }
            return []
        }
    }

    static func notify(_ state: inout DashboardState, _ text: String, error: Bool) {
        state.notice = DashboardState.Notice(text: text, isError: error, untilMicros: state.nowMicros + (error ? 8_000_000 : 4_000_000))
    }

    // MARK: - The clock

    static func tick(_ state: inout DashboardState, now: Int64) -> [Effect] {
        let elapsed = state.lastTick == 0 ? 0 : Double(now - state.lastTick) / 1e6
        state.lastTick = now
        state.nowMicros = now
        if let n = state.notice, n.untilMicros < now { state.notice = nil }
        var effects: [Effect] = []
        if now - state.lastRefresh >= refreshMicros {
            state.lastRefresh = now
            effects.append(.request(.refresh))
        }
        if now - state.lastLag >= lagMicros {
            state.lastLag = now
            effects.append(.request(.lag))
        }
        if let s = state.selectedStream {
            if now - state.lastDensity >= densityMicros, state.density?.lastVersion != state.lastVersion {
                state.lastDensity = now
                effects.append(.request(.density(stream: s)))
            }
            if now - state.lastSnapshots >= snapshotsMicros {
                effects += snapshotsRefresh(&state)
            }
        }
        if state.playing != nil { effects += advancePlayback(&state, elapsed: min(elapsed, 0.5)) }
        effects += sagasRefresh(&state)
        return effects
    }

    static func snapshotsRefresh(_ state: inout DashboardState) -> [Effect] {
        guard let s = state.selectedStream else { return [] }
        state.lastSnapshots = state.nowMicros
        return [.request(.snapshots(stream: s))]
    }

    static func advancePlayback(_ state: inout DashboardState, elapsed: Double) -> [Effect] {
        guard let play = state.playing else { return [] }
        if state.cursor >= state.lastVersion {
            state.playing = nil
            notify(&state, "played to the end (v\(state.lastVersion)); space plays again from the start", error: false)
            return []
        }
        if play.originalIntervals {
            // Wait the real gap to the next event, shortened by the speed and capped.
            state.playCredit += elapsed * play.speed
            guard let here = state.page?.row(state.cursor), let next = state.page?.row(state.cursor + 1) else {
                return ensureEventsVisible(&state, force: false, around: state.cursor + 1)
            }
            let gap = min(DashboardState.Playback.maxGapSeconds, max(0, Double(next.micros - here.micros) / 1e6))
            guard state.playCredit >= gap else { return [] }
            state.playCredit -= gap
            return moveCursor(&state, to: state.cursor + 1, keepPlaying: true)
        }
        state.playCredit += elapsed * play.speed
        let steps = UInt64(state.playCredit)
        guard steps > 0 else { return [] }
        state.playCredit -= Double(steps)
        return moveCursor(&state, to: min(state.lastVersion, state.cursor + steps), keepPlaying: true)
    }

    // MARK: - Data arriving

    static func streamsLoaded(_ state: inout DashboardState, _ list: StreamList) -> [Effect] {
        let selectedRow = state.streamList.rows.indices.contains(state.streamCursor) ? state.streamList.rows[state.streamCursor] : nil
        state.streamList = list
        // Keep the cursor on the same row when the list changes under it.
        if let i = indexOf(selectedRow, in: list.rows) { state.streamCursor = i }
        state.streamCursor = min(state.streamCursor, max(0, list.rows.count - 1))
        scrollStreams(&state)
        if let focus = state.pendingStreamFocus, list.query == state.streamQuery {
            let effects = focusStreams(&state, focus)
            if state.selectedStream != nil { return effects }
        }
        if state.selectedStream == nil, let first = list.rows.firstIndex(where: { $0.streamName != nil }) {
            state.streamCursor = first
            scrollStreams(&state)
            return selectStream(&state, at: first)
        }
        return []
    }

    static func indexOf(_ row: StreamListRow?, in rows: StreamList.Rows) -> Int? {
        switch row {
        case .stream(let s)?: return rows.firstIndex { $0.streamName == s.name }
        case .category(let name, _, _, _)?:
            return rows.firstIndex { if case .category(let n, _, _, _) = $0 { return n == name }; return false }
        case nil: return nil
        }
    }

    /// The selected stream's last version is now `last` (it may have grown).
    static func lastVersionKnown(_ state: inout DashboardState, _ last: UInt64) -> [Effect] {
        let grew = last != state.lastVersion
        state.lastVersion = last
        var effects: [Effect] = []
        if state.cursor == 0 && last > 0 {
            if state.instant?.view != nil { return instantCursor(&state) }
            return moveCursor(&state, to: last)
        }
        if grew, state.follow, state.playing == nil, state.cursor != last {
            return moveCursor(&state, to: last)
        }
        effects += ensureEventsVisible(&state, force: false)
        if state.stateView == nil, let s = state.selectedStream, state.cursor > 0 {
            effects.append(.request(.focus(stream: s, version: state.cursor, skipping: state.currentSkips)))
        }
        return effects
    }
}
