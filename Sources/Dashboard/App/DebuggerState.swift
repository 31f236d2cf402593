import JSON

/// The projection debugger while it is open: which projection, where its slider is, and the
/// answer on screen.
public struct DebuggerState: Sendable, Equatable {
    /// What a line typed in the debugger means.
    public enum Prompt: Sendable, Equatable {
        /// A global position (`:`): the slider goes to the last handled event at or before it.
        case position(String)
        /// A partition key (`P`): the slider stops only at that partition's events.
        case key(String)
    }

    public var projection: String
    /// The partition the slider is pinned to.
    public var key: String?
    /// The global position of the event shown (0: none yet).
    public var position: UInt64 = 0
    /// The move asked for and not answered yet (relative moves add up while one is on its way).
    public var pending: DebugMove?
    public var view: DebugStepView?
    public var prompt: Prompt?
    /// The first tree row shown.
    public var scroll = 0

    public init(projection: String, key: String? = nil) {
        self.projection = projection
        self.key = key
    }

    /// The state tree's rows for the view shown.
    public var treeRows: [TreeRow] {
        guard let s = view?.state else { return [] }
        return StateTree.rows(of: s, collapsed: [], limit: 5_000)
    }
}
