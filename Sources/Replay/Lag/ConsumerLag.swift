import EventLog
import JSON

/// How far one consumer of the log (a projection, or an external program that writes
/// `LOG/checkpoints/NAME.json`) is behind the head, at one moment. See docs/PROJECTIONS.md
/// for the definitions.
public struct ConsumerLag: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, Hashable {
        case projection, external
    }

    public enum Status: String, Sendable, Equatable {
        /// At the head (lag 0 events).
        case ok
        /// Behind, and its checkpoint moved within the stall threshold.
        case catchingUp = "catching-up"
        /// Behind, and its checkpoint has not moved for longer than the stall threshold
        /// (or never moved: a projection that was never run).
        case stalled
        /// Stopped at a poison event; see `fault`.
        case faulted
        /// Its checkpoint cannot be trusted or read; see `problem`.
        case unknown
    }

    public var name: String
    public var kind: Kind
    /// The consumer's checkpoint (the last position it dealt with), nil when unreadable.
    public var position: UInt64?
    /// The log's head when sampled.
    public var head: UInt64
    /// head − position; nil when the position is unknown or past the head.
    public var lagEvents: UInt64?
    /// Recorded time of the head event − recorded time of the checkpoint's event (of event 1
    /// for a checkpoint of 0), never negative; 0 when caught up; nil when unknown.
    public var lagSeconds: Double?
    /// Positions per second over the recent window; nil until two samples are that far apart.
    public var rate: Double?
    /// lagEvents ÷ rate: 0 when caught up, nil when behind with no rate (or a zero one).
    public var etaSeconds: Double?
    public var status: Status
    /// When the consumer's checkpoint last moved, as far as is known.
    public var updatedAtMicros: Int64?
    public var fault: ProjectionFault?
    /// Why the status is unknown (a malformed file, a stale definition…).
    public var problem: String?
    /// Something worth knowing that is not a problem ("never run").
    public var note: String?

    public init(name: String, kind: Kind, position: UInt64?, head: UInt64, lagEvents: UInt64?, lagSeconds: Double?, rate: Double?,
                etaSeconds: Double?, status: Status, updatedAtMicros: Int64? = nil, fault: ProjectionFault? = nil, problem: String? = nil, note: String? = nil) {
        self.name = name
        self.kind = kind
        self.position = position
        self.head = head
        self.lagEvents = lagEvents
        self.lagSeconds = lagSeconds
        self.rate = rate
        self.etaSeconds = etaSeconds
        self.status = status
        self.updatedAtMicros = updatedAtMicros
        self.fault = fault
        self.problem = problem
        self.note = note
    }

    /// The `rewind lag --json` element: `name, kind, position, head, lagEvents, lagSeconds,
    /// rate, status` (DESIGN.md's shape, in that order), then `eta, updatedAt, fault, problem,
    /// note`. Unknown numbers are null; seconds and rates are rounded to milliseconds and
    /// 0.001 events/s.
    public var json: JSONValue {
        var o: JSONObject = [
            "name": .string(name),
            "kind": .string(kind.rawValue),
            "position": position.map { .integer(Int64(clamping: $0)) } ?? .null,
            "head": .integer(Int64(clamping: head)),
            "lagEvents": lagEvents.map { .integer(Int64(clamping: $0)) } ?? .null,
            "lagSeconds": Self.rounded(lagSeconds),
            "rate": Self.rounded(rate),
            "status": .string(status.rawValue),
        ]
        o["eta"] = Self.rounded(etaSeconds)
        o["updatedAt"] = updatedAtMicros.map { .string(RFC3339.format(microsecondsSinceEpoch: $0, fractionDigits: 3)) } ?? .null
        o["fault"] = fault?.json ?? .null
        o["problem"] = problem.map { .string($0) } ?? .null
        o["note"] = note.map { .string($0) } ?? .null
        return .object(o)
    }

    private static func rounded(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        let r = (value * 1000).rounded() / 1000
        if let i = Int64(exactly: r) { return .integer(i) }
        return .double(r)
    }
}
