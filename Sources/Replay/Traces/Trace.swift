/// What `rewind trace` shows: the causation tree an event belongs to and every event sharing
/// its correlation id. Positions only; the printer reads the events.
public struct Trace: Sendable, Equatable {
    /// One member of the causation tree.
    public struct Node: Sendable, Equatable {
        public var position: UInt64
        /// 0 for the root; when a missing parent is shown, it has depth 0 and the root 1.
        public var depth: Int
        public init(position: UInt64, depth: Int) {
            self.position = position
            self.depth = depth
        }
    }

    /// The event the trace was asked for (nil for a trace of a correlation alone).
    public var chosen: UInt64?
    /// The causation id of the root when no event in the log has that id: a missing parent,
    /// shown above the root.
    public var missingParent: String?
    /// The walk up from the chosen event met an event it had already seen (a causation
    /// cycle in the data); the root is where the cycle closed.
    public var cycle = false
    /// The tree in display order: each node before its children, children by position.
    public var tree: [Node] = []
    /// The correlation id (nil when the chosen event has none).
    public var correlation: String?
    /// Every event with that correlation id, in global order.
    public var correlated: [UInt64] = []
    /// The tree or the correlation list stopped at the limit.
    public var truncated = false

    public init(chosen: UInt64? = nil) {
        self.chosen = chosen
    }

    /// Every stream the trace touches is shown as a lane by the dashboard; the positions of both
    /// parts, each once, in global order.
    public var allPositions: [UInt64] {
        Array(Set(tree.map(\.position)).union(correlated)).sorted()
    }
}
