import EventLog
import Replay
import SafeText

/// The streams of a log, kept sorted so that filtering a million of them as the user types
/// costs one linear scan and no sort.
///
/// Orders (by category then name, count, recent activity) are computed once per reload of the
/// list and reused by every query until the next reload. Not thread-safe: one worker owns it.
final class StreamCatalog {
    private(set) var rows: [StreamRow] = []
    private var orders: [StreamQuery.Sort: [Int32]] = [:]
    /// Each stream's last event's own time, with the name and event count it was read at, by
    /// the stream's place in `EventStore.streams()` (creation order, so a stream keeps its place
    /// from one reload to the next): a reload reads it again only for streams that are new or
    /// grew. Arrays rather than a dictionary by name: a million streams reload without hashing
    /// a million names.
    private var ownNames: [String] = []
    private var ownCounts: [UInt64] = []
    private var ownMicros: [Int64] = []

    var count: Int { rows.count }

    /// Replaces the rows with `infos`, their last activity by the events' own time (read from
    /// `log` for the streams that are new or grew since the last reload).
    func reload(_ infos: [StreamInfo], log: any EventStore) throws {
        if ownNames.count > infos.count {
            // Fewer streams than before (an import rolled back): start over.
            ownNames.removeAll(); ownCounts.removeAll(); ownMicros.removeAll()
        }
        let known = ownNames.count
        let stale = infos.indices.filter { i in
            i >= known || ownCounts[i] != infos[i].count || ownNames[i] != infos[i].name
        }
        if !stale.isEmpty {
            let micros = try log.originalMicros(at: stale.map { infos[$0].lastPosition })
            ownNames.reserveCapacity(infos.count)
            ownCounts.reserveCapacity(infos.count)
            ownMicros.reserveCapacity(infos.count)
            for (k, i) in stale.enumerated() {
                let m = micros[k] ?? infos[i].lastRecordedMicros
                if i < ownNames.count {
                    ownNames[i] = infos[i].name; ownCounts[i] = infos[i].count; ownMicros[i] = m
                } else {
                    ownNames.append(infos[i].name); ownCounts.append(infos[i].count); ownMicros.append(m)
                }
            }
        }
        setRows(infos.indices.map { StreamRow(infos[$0], lastMicros: ownMicros[$0]) })
    }

    func setRows(_ newRows: [StreamRow]) {
        rows = newRows
        orders.removeAll()
    }

    /// Row indexes grouped by category (categories by name), each group in `sort` order.
    private func order(_ sort: StreamQuery.Sort) -> [Int32] {
        if let o = orders[sort] { return o }
        var o = (0..<rows.count).map { Int32($0) }
        let r = rows
        switch sort {
        case .name:
            o.sort { a, b in
                let x = r[Int(a)], y = r[Int(b)]
                return x.category != y.category ? x.category < y.category : x.name < y.name
            }
        case .count:
            o.sort { a, b in
                let x = r[Int(a)], y = r[Int(b)]
                if x.category != y.category { return x.category < y.category }
                return x.count != y.count ? x.count > y.count : x.name < y.name
            }
        case .recent:
            o.sort { a, b in
                let x = r[Int(a)], y = r[Int(b)]
                if x.category != y.category { return x.category < y.category }
                return x.lastMicros != y.lastMicros ? x.lastMicros > y.lastMicros : x.name < y.name
            }
        }
        orders[sort] = o
        return o
    }

    func list(_ query: StreamQuery) -> StreamList {
        let order = order(query.sort)
        let matcher = StreamMatcher(query.filter)
        // Pass 1: which rows match, and per category how many and how many events.
        var matched: [Int32] = []
        matched.reserveCapacity(matcher.isEmpty ? order.count : 1024)
        for i in order where matcher.matches(rows[Int(i)].name) { matched.append(i) }
        // Pass 2: headings and rows, in one walk (the order is already grouped by category).
        var entries: [Int32] = []
        entries.reserveCapacity(matched.count + 16)
        var headings: [StreamList.Heading] = []
        var start = 0
        while start < matched.count {
            let category = rows[Int(matched[start])].category
            var end = start
            var events: UInt64 = 0
            while end < matched.count, rows[Int(matched[end])].category == category {
                events += rows[Int(matched[end])].count
                end += 1
            }
            let collapsed = query.collapsed.contains(category)
            headings.append(StreamList.Heading(name: category, streams: end - start, events: events, collapsed: collapsed))
            entries.append(-Int32(headings.count))
            if !collapsed { entries.append(contentsOf: matched[start..<end]) }
            start = end
        }
        return StreamList(query: query, all: rows, entries: entries, headings: headings, matchedStreams: matched.count)
    }
}

/// A stream filter: a glob when it has `*`, `?` or `[`, else a case-insensitive substring.
struct StreamMatcher {
    let pattern: String
    private let needle: [UInt8]
    private let isGlob: Bool

    init(_ text: String) {
        pattern = text.trimmed()
        isGlob = pattern.contains { "*?[".contains($0) }
        needle = Array(pattern.lowercased().utf8)
    }

    var isEmpty: Bool { pattern.isEmpty }

    func matches(_ name: String) -> Bool {
        if pattern.isEmpty { return true }
        if isGlob { return StreamGlob.matches(pattern, name) }
        var name = name
        return name.withUTF8 { StreamMatcher.containsFolded(UnsafeRawBufferPointer($0), needle) }
    }

    /// ASCII case-insensitive substring search on bytes (other bytes must match exactly).
    static func containsFolded(_ hay: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        guard needle.count <= hay.count else { return false }
        if needle.isEmpty { return true }
        @inline(__always) func fold(_ b: UInt8) -> UInt8 { (b >= 65 && b <= 90) ? b + 32 : b }
        let first = needle[0]
        let last = hay.count - needle.count
        var i = 0
        while i <= last {
            if fold(hay[i]) == first {
                var j = 1
                while j < needle.count && fold(hay[i + j]) == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }
}
