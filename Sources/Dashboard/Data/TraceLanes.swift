import EventLog
import Replay

/// A trace as the dashboard shows it: one lane per stream (in the order the trace first
/// touches them) and the events in global order, time running down. Built by the log worker.
public struct TraceLanes: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var position: UInt64
        public var stream: String
        public var lane: Int
        public var version: UInt64
        public var type: String
        public var micros: Int64
        /// Depth in the causation tree; nil for an event only in the correlation.
        public var depth: Int?
        /// The position of the event that caused it, when that is in the tree.
        public var parent: UInt64?
        /// Shares the chosen event's correlation id.
        public var correlated: Bool
    }

    /// The most events the dashboard shows of one trace (a hostile log may hang millions on
    /// one id): the rest is counted, not drawn.
    public static let limit = 10_000

    public var chosen: UInt64
    public var lanes: [String]
    public var rows: [Row]
    public var missingParent: String?
    public var cycle: Bool
    public var correlation: String?
    public var truncated: Bool
    /// What the index rebuilt while answering (one line each), shown as a notice.
    public var notes: [String] = []

    /// The row of the chosen event.
    public var chosenRow: Int { rows.firstIndex { $0.position == chosen } ?? 0 }

    /// The first and last row of each lane (for the lane guides).
    public var laneSpans: [ClosedRange<Int>] {
        var first = [Int](repeating: -1, count: lanes.count), last = [Int](repeating: -1, count: lanes.count)
        for (i, r) in rows.enumerated() {
            if first[r.lane] < 0 { first[r.lane] = i }
            last[r.lane] = i
        }
        return zip(first, last).map { max(0, $0)...max(0, $1) }
    }

    /// Lays out `trace` with the events read from `log`.
    static func make(_ trace: Trace, log: any EventStore) throws -> TraceLanes {
        var depth: [UInt64: Int] = [:]
        var parent: [UInt64: UInt64] = [:]
        var path: [UInt64] = []  // the tree's current branch, by depth
        let base = trace.missingParent == nil ? 0 : 1
        for node in trace.tree {
            depth[node.position] = node.depth
            let level = node.depth - base
            if level > 0, level - 1 < path.count { parent[node.position] = path[level - 1] }
            path = Array(path.prefix(max(0, level))) + [node.position]
        }
        let correlated = Set(trace.correlated)
        var lanes: [String] = []
        var laneOf: [String: Int] = [:]
        var rows: [Row] = []
        for p in trace.allPositions {
            try log.readAll(from: p, limit: 1) { e in
                guard e.position == p else { return false }
                let lane: Int
                if let l = laneOf[e.stream] { lane = l } else {
                    lane = lanes.count
                    lanes.append(e.stream)
                    laneOf[e.stream] = lane
                }
                rows.append(Row(position: p, stream: e.stream, lane: lane, version: e.version, type: e.type, micros: e.originalMicros,
                                depth: depth[p], parent: parent[p], correlated: correlated.contains(p)))
                return false
            }
        }
        return TraceLanes(chosen: trace.chosen ?? 0, lanes: lanes, rows: rows, missingParent: trace.missingParent,
                          cycle: trace.cycle, correlation: trace.correlation, truncated: trace.truncated)
    }
}
