import Replay

/// Filters, sorts and groups stream rows for the streams pane.
///
/// A filter with `*`, `?` or `[` is a glob on the whole name; anything else is a
/// case-insensitive substring. Rows are grouped by category (headings first), categories by name.
public enum StreamFilter {
    public static func list(_ all: [StreamRow], query: StreamQuery) -> StreamList {
        let matched = filter(all, query.filter)
        var byCategory: [String: [StreamRow]] = [:]
        for row in matched { byCategory[row.category, default: []].append(row) }
        var rows: [StreamListRow] = []
        rows.reserveCapacity(matched.count + byCategory.count)
        for category in byCategory.keys.sorted() {
            guard var members = byCategory[category] else { continue }
            let collapsed = query.collapsed.contains(category)
            rows.append(.category(name: category, streams: members.count, events: members.reduce(0) { $0 + $1.count }, collapsed: collapsed))
            if collapsed { continue }
            sort(&members, by: query.sort)
            for m in members { rows.append(.stream(m)) }
        }
        return StreamList(query: query, rows: rows, totalStreams: all.count, matchedStreams: matched.count)
    }

    static func filter(_ all: [StreamRow], _ text: String) -> [StreamRow] {
        let pattern = text.trimmingSpaces
        guard !pattern.isEmpty else { return all }
        if pattern.contains(where: { "*?[".contains($0) }) {
            return all.filter { StreamGlob.matches(pattern, $0.name) }
        }
        let needle = Array(pattern.lowercased().utf8)
        return all.filter { containsFolded(Array($0.name.utf8), needle) }
    }

    /// ASCII case-insensitive substring search on bytes (stream names are mostly ASCII; other
    /// bytes must match exactly).
    static func containsFolded(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= hay.count else { return false }
        if needle.isEmpty { return true }
        @inline(__always) func fold(_ b: UInt8) -> UInt8 { (b >= 65 && b <= 90) ? b + 32 : b }
        let last = hay.count - needle.count
        var i = 0
        while i <= last {
            var j = 0
            while j < needle.count && fold(hay[i + j]) == needle[j] { j += 1 }
            if j == needle.count { return true }
            i += 1
        }
        return false
    }

    static func sort(_ rows: inout [StreamRow], by sort: StreamQuery.Sort) {
        switch sort {
        case .name: rows.sort { $0.name < $1.name }
        case .count: rows.sort { ($0.count, $1.name) > ($1.count, $0.name) }
        case .recent: rows.sort { ($0.lastMicros, $1.name) > ($1.lastMicros, $0.name) }
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
