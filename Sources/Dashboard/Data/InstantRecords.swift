import JSON
import Replay

/// The whole log as it was at one global position (`:at`): what each pane shows there.
public struct InstantView: Sendable, Equatable {
    /// The instant: every event at positions 1…position had happened.
    public var position: UInt64
    /// The time asked for (`:at TIME`), else the own time of the event at `position`.
    public var micros: Int64?
    /// Each stream's version as of `position`; a stream missing here did not exist yet.
    public var versions: [String: UInt64]
    /// Each configured projection's read model as of `position`, by name.
    public var projections: [String: ProjectionAt]

    public init(position: UInt64, micros: Int64?, versions: [String: UInt64], projections: [String: ProjectionAt]) {
        self.position = position
        self.micros = micros
        self.versions = versions
        self.projections = projections
    }

    /// One projection's state at the instant.
    public struct ProjectionAt: Sendable, Equatable {
        /// The state (for a partitioned projection, an object of key → state), or nil on error.
        public var state: JSONValue?
        /// A handler error at or before the instant (the state is the one before it).
        public var fault: ProjectionFault?
        public var error: String?
        public init(state: JSONValue?, fault: ProjectionFault? = nil, error: String? = nil) {
            self.state = state
            self.fault = fault
            self.error = error
        }
    }
}

/// One end of a diff (`m` marks one, `D` diffs it against the cursor).
public enum DiffPoint: Sendable, Equatable, CustomStringConvertible {
    /// A stream's state at a version.
    case version(stream: String, version: UInt64)
    /// The dashboard at a global position: the stream's state as of then and every projection's.
    case instant(position: UInt64, stream: String?)

    public var description: String {
        switch self {
        case .version(let s, let v): return "\(s) v\(v)"
        case .instant(let p, _): return "@\(p)"
        }
    }
}

/// The structural diff `D` shows: the paths that differ from A to B.
public struct DiffView: Sendable, Equatable {
    public var from: DiffPoint
    public var to: DiffPoint
    public var changes: [JSONChange]
    public var error: String?
    public init(from: DiffPoint, to: DiffPoint, changes: [JSONChange], error: String? = nil) {
        self.from = from
        self.to = to
        self.changes = changes
        self.error = error
    }
}
