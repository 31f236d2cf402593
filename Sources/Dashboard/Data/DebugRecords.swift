import JSON
import Replay

/// Where the projection debugger's slider goes next, counted in the events the projection
/// handles (never in raw positions: the events it skips are not stops).
public enum DebugMove: Sendable, Equatable {
    /// The last handled event at or before a global position (the first handled one when none is).
    case at(UInt64)
    /// `n` handled events on from the one at the given position (negative: back), clamped.
    case by(Int)
    case first
    case last
    /// The event the projection faulted on.
    case fault
}

/// What the projection debugger shows for one stop of its slider.
public struct DebugStepView: Sendable, Equatable {
    public var projection: String
    public var isPartitioned: Bool
    /// The partition the slider is pinned to (nil: every handled event).
    public var key: String?
    /// The event at the cursor with the state before and after it (the partition's, for a
    /// partitioned projection); nil when the projection handles no event (with this key).
    public var step: ProjectionSteps.Step?
    /// 1-based place of `step` among the handled events (0: none), and how many there are.
    public var index: Int
    public var handledCount: Int
    /// The log's head when this was computed.
    public var head: UInt64
    /// Paths the event changed (before → after).
    public var changed: Set<JSONPath>
    /// The projection's first handler error in the log, if any: the slider ends there.
    public var fault: ProjectionFault?
    /// Why nothing could be shown (the definition does not compile, the log cannot be read).
    public var error: String?

    public init(projection: String, isPartitioned: Bool = false, key: String? = nil, step: ProjectionSteps.Step? = nil, index: Int = 0,
                handledCount: Int = 0, head: UInt64 = 0, changed: Set<JSONPath> = [], fault: ProjectionFault? = nil, error: String? = nil) {
        self.projection = projection
        self.isPartitioned = isPartitioned
        self.key = key
        self.step = step
        self.index = index
        self.handledCount = handledCount
        self.head = head
        self.changed = changed
        self.fault = fault
        self.error = error
    }

    /// The read model shown at the cursor: the state after the event, or the state the
    /// handler's error left intact.
    public var state: JSONValue? { step.map { $0.after ?? $0.before } }
}
