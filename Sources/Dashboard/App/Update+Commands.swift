import EventLog
import SafeText

extension Dashboard {
    /// The `:` commands, with their one-line help (shown by `?` and `:help`).
    public static let commands: [(String, String)] = [
        ("goto N | vN", "jump to version N of the stream"),
        ("goto TIME", "jump to the last event at or before an instant (2026-01-15T10:00:00Z, '2026-01-15 10:00')"),
        ("goto @P", "jump to the stream's last event at or before global position P"),
        ("at TIME|@P|now", "the whole dashboard at an instant or global position (streams, cursor, read models); now: live again"),
        ("stream NAME", "select a stream by name"),
        ("filter TEXT", "filter streams (substring, or a glob with * ? [)"),
        ("sort name|count|recent", "sort the streams"),
        ("speed N | speed real", "playback speed in events per second, or the events' own intervals"),
        ("skip N… | unskip", "what-if: replay without these versions / the real history again"),
        ("bookmark", "bookmark the version under the cursor"),
        ("mark | diff", "mark point A (as m does) / the diff from A to the cursor (as D does)"),
        ("follow on|off", "keep the newest event in view"),
        ("sagas", "the sagas of rewind.toml: instances, statuses, counts (as S does)"),
        ("snapshot", "take the stream's snapshots now (needs --writable)"),
        ("find PREDICATE", "events for which a jq predicate holds (. is the event: .type, .data…), listed as found; Enter opens one, n / N walk them, Esc stops; :find alone reopens the list"),
        ("help", "every key and command"),
        ("quit", "leave"),
    ]

    static func runCommand(_ state: inout DashboardState, _ text: String) -> [Effect] {
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let name = words.first?.lowercased() else { return [] }
        let rest = words.dropFirst().joined(separator: " ")
        switch name {
        case "q", "quit", "exit":
            state.quitting = true
            return [.quit]
        case "help", "h", "?":
            state.mode = .help(scroll: 0)
        case "sagas", "saga":
            return openSagas(&state)
        case "goto", "g", "go":
            return goto(&state, rest)
        case "stream", "s":
            guard !rest.isEmpty else { notify(&state, ":stream NAME selects a stream", error: true); return [] }
            state.streamQuery.filter = ""
            state.mode = .normal
            state.focus = .events
            return selectStream(&state, named: rest) + [.request(.streams(state.streamQuery))]
        case "filter", "f":
            state.streamQuery.filter = rest
            state.streamCursor = 0
            return [.request(.streams(state.streamQuery))]
        case "sort":
            guard let sort = StreamQuery.Sort(rawValue: rest.lowercased()) else {
                notify(&state, ":sort takes name, count or recent", error: true)
                return []
            }
            state.streamQuery.sort = sort
            return [.request(.streams(state.streamQuery))]
        case "speed":
            if rest.lowercased() == "real" || rest.lowercased() == "original" {
                state.playback.originalIntervals = true
            } else if let n = Double(rest), let i = DashboardState.Playback.speeds.lastIndex(where: { $0 <= n }) {
                state.playback.originalIntervals = false
                state.playback.speedIndex = i
            } else {
                notify(&state, ":speed takes 1, 2, 4 … 128 (events per second) or 'real'", error: true)
                return []
            }
            if state.playing != nil { state.playing = state.playback }
            notify(&state, "speed \(state.playback.label)", error: false)
        case "play":
            if state.playing == nil { return togglePlay(&state) }
        case "pause", "stop":
            state.playing = nil
        case "bookmark":
            return toggleBookmark(&state)
        case "mark":
            return markPoint(&state)
        case "diff":
            return showDiff(&state)
        case "at":
            return at(&state, rest)
        case "skip":
            guard let s = state.selectedStream else { return [] }
            var versions: [UInt64] = []
            for w in words.dropFirst() {
                guard let v = UInt64(w.hasPrefix("v") ? String(w.dropFirst()) : w), v >= 1, v <= state.lastVersion else {
                    notify(&state, ":skip takes versions between 1 and \(state.lastVersion)", error: true)
                    return []
                }
                versions.append(v)
            }
            if versions.isEmpty { versions = [state.cursor] }
            state.skips[s, default: []].formUnion(versions)
            notify(&state, "what-if: replaying without v\(state.currentSkips.map(String.init).joined(separator: ", v")) (hypothetical)", error: false)
            return [.request(.focus(stream: s, version: state.cursor, skipping: state.currentSkips))]
        case "unskip":
            if let s = state.selectedStream { state.skips[s] = nil }
            return moveCursor(&state, to: state.cursor) + [.request(.focus(stream: state.selectedStream ?? "", version: state.cursor, skipping: []))]
        case "follow":
            state.follow = rest.lowercased() != "off"
            if state.follow { return moveCursor(&state, to: state.lastVersion) }
        case "find":
            // The predicate as typed: jq text, spaces and all.
            let predicate = text.drop(while: { $0 == " " }).dropFirst(name.count)
            return startFind(&state, String(predicate))
        case "snapshot", "snapshots":
            guard let s = state.selectedStream else { return [] }
            guard state.writable else {
                notify(&state, "read-only: reopen with 'rewind open \(state.logPath) --writable' to take snapshots", error: true)
                return []
            }
            return [.request(.createSnapshots(stream: s))]
        default:
            notify(&state, "unknown command ':\(name)'; :help lists the commands", error: true)
        }
        return []
    }

    static func goto(_ state: inout DashboardState, _ target: String) -> [Effect] {
        guard let stream = state.selectedStream else {
            notify(&state, "select a stream first", error: true)
            return []
        }
        let t = target.trimmed()
        if t.hasPrefix("@") {
            guard let p = UInt64(t.dropFirst()) else {
                notify(&state, ":goto @P takes a global position, like @1200", error: true)
                return []
            }
            return [.request(.locate(stream: stream, micros: nil, position: p))]
        }
        let digits = t.hasPrefix("v") ? String(t.dropFirst()) : t
        if let v = UInt64(digits) {
            guard v >= 1, v <= state.lastVersion else {
                notify(&state, "\(stream) has versions 1…\(state.lastVersion)", error: true)
                return []
            }
            return moveCursor(&state, to: v)
        }
        if let micros = RFC3339.parseFlexible(t) {
            return [.request(.locate(stream: stream, micros: micros, position: nil))]
        }
        notify(&state, ":goto takes a version (42), an instant (2026-01-15T10:00:00Z) or a position (@1200)", error: true)
        return []
    }
}
