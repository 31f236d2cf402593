import SafeText
import TerminalUI
import JSON

extension Dashboard {
    static func handleKey(_ state: inout DashboardState, _ key: Key) -> [Effect] {
        if key == .ctrl("c") { state.quitting = true; return [.quit] }
        switch state.mode {
        case .normal:
            if state.find?.visible == true { return findKey(&state, key) }
            return normalKey(&state, key)
        case .filter(let text): return filterKey(&state, key, text)
        case .command(let text): return commandKey(&state, key, text)
        case .help(let scroll):
            switch key {
            case .character("j"), .down: state.mode = .help(scroll: scroll + 1)
            case .character("k"), .up: state.mode = .help(scroll: max(0, scroll - 1))
            case .pageDown, .character(" "): state.mode = .help(scroll: scroll + 10)
            case .pageUp: state.mode = .help(scroll: max(0, scroll - 10))
            default: state.mode = state.debugger != nil ? .debugger : .normal  // back to the debugger it was opened from
            }
            return []
        case .detail(let scroll, let upcasted, let hex):
            switch key {
            case .character("j"), .down: state.mode = .detail(scroll: scroll + 1, upcasted: upcasted, hex: hex)
            case .character("k"), .up: state.mode = .detail(scroll: max(0, scroll - 1), upcasted: upcasted, hex: hex)
            case .pageDown, .character(" "): state.mode = .detail(scroll: scroll + 10, upcasted: upcasted, hex: hex)
            case .pageUp: state.mode = .detail(scroll: max(0, scroll - 10), upcasted: upcasted, hex: hex)
            case .character("g"), .home: state.mode = .detail(scroll: 0, upcasted: upcasted, hex: hex)
            case .character("u"): state.mode = .detail(scroll: 0, upcasted: !upcasted, hex: hex)
            case .character("x"): state.mode = .detail(scroll: 0, upcasted: upcasted, hex: !hex)
            case .escape, .character("q"), .enter: state.mode = .normal; state.detail = nil
            default: break
            }
            return []
        case .snapshotDetail(let scroll):
            switch key {
            case .character("j"), .down: state.mode = .snapshotDetail(scroll: scroll + 1)
            case .character("k"), .up: state.mode = .snapshotDetail(scroll: max(0, scroll - 1))
            default: state.mode = .normal
            }
            return []
        case .debugger:
            return debuggerKey(&state, key)
        case .diff(let scroll):
            return diffKey(&state, key, scroll: scroll)
        case .trace(let row, let firstLane):
            return traceKey(&state, key, row: row, firstLane: firstLane)
        case .sagas(let row, let filter):
            return sagasKey(&state, key, row: row, filter: filter)
        case .faultDetail:
            state.mode = .normal
            if key == .enter, state.consumers.indices.contains(state.consumerCursor), let p = state.consumers[state.consumerCursor].poison {
                return jump(&state, stream: p.stream, version: p.version)
            }
            return []
        }
    }

    static func normalKey(_ state: inout DashboardState, _ key: Key) -> [Effect] {
        let page = Int64(max(1, state.layout.eventRows - 1))
        switch key {
        case .escape where !state.streamQuery.filter.isEmpty:
            // A newcomer's Esc undoes what they applied before it ever quits.
            state.streamQuery.filter = ""
            notify(&state, "stream filter cleared; Esc again quits", error: false)
            return requestStreams(&state, then: .selected)
        case .character("n"): return stepMatch(&state, forward: true)
        case .character("N"): return stepMatch(&state, forward: false)
        case .escape where state.instant != nil:
            // Like a filter, an instant is something the user applied: Esc undoes it first.
            let effects = at(&state, "now")
            notify(&state, "live again; Esc again quits", error: false)
            return effects
        case .character("q"), .escape:
            state.quitting = true
            return [.quit]
        case .character("?"), .function(1):
            state.mode = .help(scroll: 0)
        case .character(":"):
            state.mode = .command("")
        case .character("/"):
            state.focus = .streams
            state.mode = .filter(state.streamQuery.filter)
        case .tab:
            state.focus = Pane(rawValue: (state.focus.rawValue + 1) % Pane.allCases.count) ?? .streams
        case .backTab:
            state.focus = Pane(rawValue: (state.focus.rawValue + Pane.allCases.count - 1) % Pane.allCases.count) ?? .streams
        case .character(let c) where ("1"..."6").contains(c):
            if let n = c.wholeNumberValue, let p = Pane(rawValue: n - 1) { state.focus = p }
        case .character(" "):
            return togglePlay(&state)
        case .character("+"), .character("="):
            state.playback.speedIndex = min(DashboardState.Playback.speeds.count - 1, state.playback.speedIndex + 1)
            if state.playing != nil { state.playing = state.playback }
            notify(&state, "speed \(state.playback.label)", error: false)
        case .character("-"):
            state.playback.speedIndex = max(0, state.playback.speedIndex - 1)
            if state.playing != nil { state.playing = state.playback }
            notify(&state, "speed \(state.playback.label)", error: false)
        case .character("o"):
            state.playback.originalIntervals.toggle()
            if state.playing != nil { state.playing = state.playback }
            notify(&state, state.playback.originalIntervals ? "playing at the events' original intervals (gaps over \(Int(DashboardState.Playback.maxGapSeconds)) s shortened), \(state.playback.label)" : "playing at \(state.playback.label)", error: false)
        case .character("f"):
            state.follow.toggle()
            notify(&state, state.follow ? "follow on: the newest event stays in view" : "follow off", error: false)
            if state.follow { return moveCursor(&state, to: state.lastVersion) }
        case .character("t"):
            return openTrace(&state)
        case .character("S"):
            return openSagas(&state)
        case .character("m"):
            return markPoint(&state)
        case .character("D"):
            return showDiff(&state)
        case .character("b"):
            return jumpBookmark(&state, forward: true)
        case .character("B"):
            return jumpBookmark(&state, forward: false)
        case .character("x"):
            return toggleSkip(&state, state.cursor)
        case .character("X"):
            if let s = state.selectedStream { state.skips[s] = nil }
            notify(&state, "what-if cleared: the real history again", error: false)
            return moveCursor(&state, to: state.cursor)
        case .left, .character("["):
            return scrub(&state, by: key == .left ? -1 : -10)
        case .right, .character("]"):
            return scrub(&state, by: key == .right ? 1 : 10)
        case .home:
            return moveCursor(&state, to: 1)
        case .end:
            state.follow = true
            return moveCursor(&state, to: state.lastVersion)
        case .pageUp:
            return scrub(&state, by: -page)
        case .pageDown:
            return scrub(&state, by: page)
        default:
            return paneKey(&state, key)
        }
        return []
    }

    /// Keys whose meaning depends on the focused pane: j/k, g/G, Enter and a few more.
    static func paneKey(_ state: inout DashboardState, _ key: Key) -> [Effect] {
        let down = key == .character("j") || key == .down
        let up = key == .character("k") || key == .up
        switch state.focus {
        case .streams:
            if down { return moveStreams(&state, by: 1) }
            if up { return moveStreams(&state, by: -1) }
            if key == .character("g") { return moveStreams(&state, by: -state.streamList.rows.count) }
            if key == .character("G") { return moveStreams(&state, by: state.streamList.rows.count) }
            if key == .character("s") {
                state.streamQuery.sort = state.streamQuery.sort.next
                notify(&state, "streams sorted by \(state.streamQuery.sort.rawValue)", error: false)
                return [.request(.streams(state.streamQuery))]
            }
            if key == .enter || key == .character("c") {
                if state.streamList.rows.indices.contains(state.streamCursor), case .category(let name, _, _, _) = state.streamList.rows[state.streamCursor] {
                    if state.streamQuery.collapsed.contains(name) { state.streamQuery.collapsed.remove(name) } else { state.streamQuery.collapsed.insert(name) }
                    return [.request(.streams(state.streamQuery))]
                }
                if key == .enter { state.focus = .events }
            }
        case .events, .timeline:
            if down { return scrub(&state, by: 1) }
            if up { return scrub(&state, by: -1) }
            if key == .character("g") { return moveCursor(&state, to: 1) }
            if key == .character("G") { return moveCursor(&state, to: state.lastVersion) }
            if key == .enter, let s = state.selectedStream, state.cursor > 0 {
                state.mode = .detail(scroll: 0, upcasted: true, hex: false)
                state.detail = nil
                return [.request(.detail(stream: s, version: state.cursor))]
            }
        case .state:
            let rows = state.treeRows
            if down { state.stateCursor += 1 }
            if up { state.stateCursor -= 1 }
            if key == .character("g") { state.stateCursor = 0 }
            if key == .character("G") { state.stateCursor = rows.count - 1 }
            clampStateScroll(&state)
            guard rows.indices.contains(state.stateCursor) else { return [] }
            let row = rows[state.stateCursor]
            switch key {
            case .enter:
                if row.isContainer { toggleCollapse(&state, row) } else { return jumpToBlame(&state, row) }
            case .character("h"):
                if row.isContainer, !row.collapsed { toggleCollapse(&state, row) }
            case .character("l"):
                if row.isContainer, row.collapsed { toggleCollapse(&state, row) }
            case .character("c"):
                if let v = state.stateView, case .object(let members) = v.state {
                    let all = Set(members.keys.map { JSONPath([.key($0)]) })
                    state.collapsed = state.collapsed.isSuperset(of: all) ? [] : all
                    clampStateScroll(&state)
                }
            default: break
            }
        case .projections:
            if down { state.consumerCursor = min(state.consumerCursor + 1, max(0, state.consumers.count - 1)) }
            if up { state.consumerCursor = max(0, state.consumerCursor - 1) }
            if key == .enter, state.consumers.indices.contains(state.consumerCursor) {
                let row = state.consumers[state.consumerCursor]
                if row.lag.kind == .projection, !row.lag.name.isEmpty {
                    return openDebugger(&state, projection: row.lag.name)
                }
                if row.lag.fault != nil || row.lag.problem != nil { state.mode = .faultDetail }
            }
        case .snapshots:
            if down { state.snapshotCursor = min(state.snapshotCursor + 1, max(0, state.snapshots.count - 1)) }
            if up { state.snapshotCursor = max(0, state.snapshotCursor - 1) }
            if key == .enter, state.snapshots.indices.contains(state.snapshotCursor) {
                let row = state.snapshots[state.snapshotCursor]
                if row.details.isEmpty { return moveCursor(&state, to: row.version) }
                state.mode = .snapshotDetail(scroll: 0)
            }
        }
        return []
    }

    static func jumpToBlame(_ state: inout DashboardState, _ row: TreeRow) -> [Effect] {
        guard let b = state.blame, b.version == state.cursor, let v = b.version(for: row.path) else {
            notify(&state, "no recent version changed \(row.path) (blame looks back 50,000 events)", error: true)
            return []
        }
        notify(&state, "\(row.path) was last changed by v\(v)", error: false)
        return moveCursor(&state, to: v)
    }

    static func jump(_ state: inout DashboardState, stream: String, version: UInt64) -> [Effect] {
        var effects = selectStream(&state, named: stream)
        if let i = state.streamList.rows.firstIndex(where: { $0.streamName == stream }) {
            state.streamCursor = i
            scrollStreams(&state)
        }
        state.cursor = version
        state.follow = false
        state.focus = .events
        state.eventsTop = version
        if !effects.isEmpty {
            // A new stream: the page answer sets lastVersion; ask for the state now too.
            effects = [
                .request(.events(stream: stream, from: pageStart(state), count: pageSize(state))),
                .request(.focus(stream: stream, version: version, skipping: state.currentSkips)),
                .request(.blame(stream: stream, version: version)),
                .request(.density(stream: stream)),
                .request(.snapshots(stream: stream)),
            ]
            return effects
        }
        return moveCursor(&state, to: version)
    }

    static func togglePlay(_ state: inout DashboardState) -> [Effect] {
        if state.playing != nil {
            state.playing = nil
            notify(&state, "paused at v\(state.cursor)", error: false)
            return []
        }
        guard state.lastVersion > 0 else { return [] }
        state.playCredit = 0
        var effects: [Effect] = []
        if state.cursor >= state.lastVersion { effects = moveCursor(&state, to: 1) }
        state.playing = state.playback
        state.follow = false
        notify(&state, "playing at \(state.playback.label); space pauses, + and - change speed, o original intervals", error: false)
        return effects
    }

    static func toggleBookmark(_ state: inout DashboardState) -> [Effect] {
        guard let s = state.selectedStream, state.cursor > 0 else { return [] }
        if state.bookmarks[s, default: []].contains(state.cursor) {
            state.bookmarks[s]?.remove(state.cursor)
            notify(&state, "bookmark at v\(state.cursor) removed", error: false)
        } else {
            state.bookmarks[s, default: []].insert(state.cursor)
            notify(&state, "bookmarked v\(state.cursor); b and B jump between bookmarks", error: false)
        }
        return []
    }

    static func jumpBookmark(_ state: inout DashboardState, forward: Bool) -> [Effect] {
        let marks = state.currentBookmarks.sorted()
        let target = forward ? marks.first { $0 > state.cursor } : marks.last { $0 < state.cursor }
        guard let target else {
            notify(&state, marks.isEmpty ? "no bookmarks in this stream: m bookmarks the version under the cursor" : "no bookmark \(forward ? "after" : "before") v\(state.cursor)", error: true)
            return []
        }
        return moveCursor(&state, to: target)
    }

    static func toggleSkip(_ state: inout DashboardState, _ version: UInt64) -> [Effect] {
        guard let s = state.selectedStream, version > 0 else { return [] }
        if state.skips[s, default: []].contains(version) {
            state.skips[s]?.remove(version)
        } else {
            state.skips[s, default: []].insert(version)
        }
        let n = state.skips[s]?.count ?? 0
        notify(&state, n == 0 ? "what-if cleared: the real history again" : "what-if: replaying without v\(state.currentSkips.map(String.init).joined(separator: ", v")) (hypothetical); X clears", error: false)
        return [.request(.focus(stream: s, version: state.cursor, skipping: state.currentSkips))]
    }

    static func filterKey(_ state: inout DashboardState, _ key: Key, _ text: String) -> [Effect] {
        var t = text
        switch key {
        case .escape:
            state.mode = .normal
            state.streamQuery.filter = ""
            return requestStreams(&state, then: .selected)
        case .enter:
            state.mode = .normal
            if state.streamQuery.filter.trimmed().isEmpty {
                state.streamQuery.filter = ""
                return requestStreams(&state, then: .selected)
            }
            state.focus = .streams
            if state.streamList.query == state.streamQuery { return focusStreams(&state, .firstMatch) }
            state.pendingStreamFocus = .firstMatch
            return []
        case .backspace:
            if !t.isEmpty { t.removeLast() }
        case .character(let c):
            t.append(c)
        case .down, .up:
            state.mode = .normal
            return paneKey(&state, key)
        default:
            return []
        }
        state.mode = .filter(t)
        state.streamQuery.filter = t
        state.streamCursor = 0
        state.streamTop = 0
        return [.request(.streams(state.streamQuery))]
    }

    static func commandKey(_ state: inout DashboardState, _ key: Key, _ text: String) -> [Effect] {
        switch key {
        case .escape:
            state.mode = .normal
        case .enter:
            state.mode = .normal
            return runCommand(&state, text)
        case .backspace:
            if text.isEmpty { state.mode = .normal } else { state.mode = .command(String(text.dropLast())) }
        case .character(let c):
            state.mode = .command(text + String(c))
        default:
            break
        }
        return []
    }

    /// Asks for the streams list again and says where its cursor goes when it arrives.
    static func requestStreams(_ state: inout DashboardState, then focus: DashboardState.StreamFocus) -> [Effect] {
        state.pendingStreamFocus = focus
        return [.request(.streams(state.streamQuery))]
    }

    /// Moves the streams cursor as `focus` says, in the list on screen (which answers the
    /// current query). The first match becomes the selected stream, so the events and state
    /// panes never show a stream the filter hides.
    static func focusStreams(_ state: inout DashboardState, _ focus: DashboardState.StreamFocus) -> [Effect] {
        state.pendingStreamFocus = nil
        let rows = state.streamList.rows
        switch focus {
        case .firstMatch:
            guard let i = rows.firstIndex(where: { $0.streamName != nil }) else {
                notify(&state, "no stream matches '\(state.streamQuery.filter)'; Esc clears the filter", error: true)
                return []
            }
            state.streamCursor = i
            scrollStreams(&state)
            return selectStream(&state, at: i)
        case .selected:
            if let s = state.selectedStream, let i = rows.firstIndex(where: { $0.streamName == s }) {
                state.streamCursor = i
                scrollStreams(&state)
            }
            return []
        }
    }
}
