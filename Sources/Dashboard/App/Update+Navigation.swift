extension Dashboard {
    /// Makes the stream at row `index` of the streams list the selected one.
    static func selectStream(_ state: inout DashboardState, at index: Int) -> [Effect] {
        guard state.streamList.rows.indices.contains(index), let name = state.streamList.rows[index].streamName else { return [] }
        return selectStream(&state, named: name)
    }

    static func selectStream(_ state: inout DashboardState, named name: String) -> [Effect] {
        guard name != state.selectedStream else { return [] }
        state.selectedStream = name
        state.cursor = 0
        state.lastVersion = 0
        state.eventsTop = 1
        state.page = nil
        state.stateView = nil
        state.blame = nil
        state.density = nil
        state.snapshots = []
        state.snapshotsStream = nil
        state.collapsed = []
        state.stateCursor = 0
        state.stateTop = 0
        state.playing = nil
        state.follow = true
        state.lastDensity = state.nowMicros
        state.lastSnapshots = state.nowMicros
        return [
            .request(.events(stream: name, from: 1, count: pageSize(state))),
            .request(.density(stream: name)),
            .request(.snapshots(stream: name)),
        ]
    }

    /// Events requested per page: three screens' worth, so scrolling rarely waits.
    static func pageSize(_ state: DashboardState) -> Int { max(16, state.layout.eventRows * 3) }

    /// Where a page around the visible rows starts.
    static func pageStart(_ state: DashboardState) -> UInt64 {
        let rows = UInt64(max(1, state.layout.eventRows))
        return state.eventsTop > rows ? state.eventsTop - rows : 1
    }

    /// Moves the timeline cursor to `version` (clamped) and asks for what that shows.
    static func moveCursor(_ state: inout DashboardState, to version: UInt64, keepPlaying: Bool = false) -> [Effect] {
        guard let stream = state.selectedStream, state.lastVersion > 0 else { return [] }
        let v = min(max(1, version), state.lastVersion)
        if !keepPlaying { state.playing = nil }
        // At an instant (`:at`) the cursor stays in the past while the log grows.
        state.follow = state.instant == nil && v == state.lastVersion && (state.follow || !keepPlaying)
        let moved = v != state.cursor
        state.cursor = v
        var effects = ensureEventsVisible(&state, force: false)
        if moved || state.stateIsStale {
            effects.append(.request(.focus(stream: stream, version: v, skipping: state.currentSkips)))
            effects.append(.request(.blame(stream: stream, version: v)))
        }
        return effects
    }

    /// Scrolls the events pane so the cursor is visible, and asks for the page if it is not loaded.
    static func ensureEventsVisible(_ state: inout DashboardState, force: Bool, around: UInt64? = nil) -> [Effect] {
        guard let stream = state.selectedStream else { return [] }
        let rows = UInt64(max(1, state.layout.eventRows))
        let target = around ?? state.cursor
        if target > 0 {
            if target < state.eventsTop { state.eventsTop = target }
            if target >= state.eventsTop + rows { state.eventsTop = target - rows + 1 }
        }
        if state.lastVersion > 0, state.eventsTop + rows > state.lastVersion + 1 {
            state.eventsTop = state.lastVersion + 1 > rows ? state.lastVersion + 1 - rows : 1
        }
        let needThrough = min(state.lastVersion, state.eventsTop + rows - 1)
        let loaded = state.page.map { $0.stream == stream && $0.from <= state.eventsTop && ($0.through >= needThrough || $0.rows.count < pageSize(state)) } ?? false
        if force || !loaded {
            return [.request(.events(stream: stream, from: pageStart(state), count: pageSize(state)))]
        }
        return []
    }

    static func scrollStreams(_ state: inout DashboardState) {
        let rows = max(1, state.layout.streamRows)
        if state.streamCursor < state.streamTop { state.streamTop = state.streamCursor }
        if state.streamCursor >= state.streamTop + rows { state.streamTop = state.streamCursor - rows + 1 }
        state.streamTop = max(0, min(state.streamTop, max(0, state.streamList.rows.count - rows)))
    }

    static func clampStateScroll(_ state: inout DashboardState) {
        let count = state.treeRows.count
        let rows = max(1, state.layout.stateRows)
        state.stateCursor = min(max(0, state.stateCursor), max(0, count - 1))
        if state.stateCursor < state.stateTop { state.stateTop = state.stateCursor }
        if state.stateCursor >= state.stateTop + rows { state.stateTop = state.stateCursor - rows + 1 }
        state.stateTop = max(0, min(state.stateTop, max(0, count - rows)))
    }

    /// Moves the streams cursor by `delta` rows and selects the stream under it.
    static func moveStreams(_ state: inout DashboardState, by delta: Int) -> [Effect] {
        let count = state.streamList.rows.count
        guard count > 0 else { return [] }
        state.streamCursor = min(max(0, state.streamCursor + delta), count - 1)
        scrollStreams(&state)
        return selectStream(&state, at: state.streamCursor)
    }

    /// Moves the cursor by `delta` versions (negative: back).
    static func scrub(_ state: inout DashboardState, by delta: Int64) -> [Effect] {
        let target = delta < 0 ? (state.cursor > UInt64(-delta) ? state.cursor - UInt64(-delta) : 1) : state.cursor &+ UInt64(delta)
        return moveCursor(&state, to: target)
    }

    /// The version at `fraction` (0…1) of the slider, which runs from v1 to the last version.
    static func version(atFraction f: Double, _ state: DashboardState) -> UInt64 {
        let last = state.lastVersion
        guard last > 0 else { return 0 }
        return max(1, min(last, UInt64((f * Double(last - 1)).rounded()) + 1))
    }

    /// The first event at or after the instant at `fraction` of the density row's time axis.
    static func version(atTimeFraction f: Double, _ state: DashboardState) -> UInt64 {
        guard let d = state.density, !d.isFlat, !d.counts.isEmpty else { return version(atFraction: f, state) }
        let bucket = min(d.counts.count - 1, max(0, Int(f * Double(d.counts.count))))
        if let v = d.firstVersions[bucket...].first(where: { $0 > 0 }) { return v }
        if let v = d.firstVersions[...bucket].last(where: { $0 > 0 }) { return v }
        return version(atFraction: f, state)
    }

    /// Toggles the state tree container under the state cursor.
    static func toggleCollapse(_ state: inout DashboardState, _ row: TreeRow) {
        if state.collapsed.contains(row.path) { state.collapsed.remove(row.path) } else { state.collapsed.insert(row.path) }
        clampStateScroll(&state)
    }
}
