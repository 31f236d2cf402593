import Collections
import EventLog

/// An aggregate: which streams it folds, its initial state and one jq handler per event type.
///
///     [aggregates.account]
///     streams = "account-*"
///     init = '{balanceCents: 0}'
///     [aggregates.account.on]
///     MoneyDeposited = '.balanceCents += $e.data.amountCents'
///     "$any" = '.events += 1'          # optional: for types without their own handler
public struct AggregateDefinition: Sendable, Equatable {
    public var name: String
    /// A glob over stream names (`account-*`).
    public var streams: String
    /// A jq expression for the initial state (input `null`).
    public var initExpression: String
    /// Event type → jq expression (`.` is the state, `$e` the event). "$any" is the fallback.
    public var handlers: OrderedDictionary<String, String>

    public init(name: String, streams: String, initExpression: String = "{}", handlers: OrderedDictionary<String, String>) {
        self.name = name
        self.streams = streams
        self.initExpression = initExpression
        self.handlers = handlers
    }
}

/// Where a projection reads from.
public enum ProjectionSource: Sendable, Equatable, CustomStringConvertible {
    case all
    case category(String)
    case stream(String)

    /// Parses "all", "category:X", "stream:S".
    public init?(_ text: String) {
        if text == "all" { self = .all; return }
        if text.hasPrefix("category:"), text.count > 9 { self = .category(String(text.dropFirst(9))); return }
        if text.hasPrefix("stream:"), text.count > 7 { self = .stream(String(text.dropFirst(7))); return }
        return nil
    }

    public var description: String {
        switch self {
        case .all: return "all"
        case .category(let c): return "category:\(c)"
        case .stream(let s): return "stream:\(s)"
        }
    }
}

/// A projection (read model): folds the log in global order into one state, or one state per
/// partition key.
///
///     [projections.balances]
///     from = "category:account"
///     partition = '$e.stream'
///     init = '0'
///     [projections.balances.on]
///     MoneyDeposited = '. + $e.data.amountCents'
public struct ProjectionDefinition: Sendable, Equatable {
    public var name: String
    public var from: ProjectionSource
    /// A jq expression over `$e` giving the partition key (a string or number), or nil.
    public var partition: String?
    public var initExpression: String
    public var handlers: OrderedDictionary<String, String>

    public init(name: String, from: ProjectionSource, partition: String? = nil, initExpression: String = "null", handlers: OrderedDictionary<String, String>) {
        self.name = name
        self.from = from
        self.partition = partition
        self.initExpression = initExpression
        self.handlers = handlers
    }
}

/// Upcasters for one event type: schema version N → a jq expression turning data at version N
/// into data at version N + 1 (`.` is the data, `$e` the stored event).
public struct UpcasterDefinition: Sendable, Equatable {
    public var eventType: String
    public var steps: [UInt32: String]

    public init(eventType: String, steps: [UInt32: String]) {
        self.eventType = eventType
        self.steps = steps
    }
}

/// Fields hidden by `--redact` (display and export): any object key with one of these names,
/// at any depth, in data and metadata.
public struct RedactionRules: Sendable, Equatable {
    public var fields: [String]

    public init(fields: [String] = []) {
        self.fields = fields
    }
}

/// When snapshots are taken (`rewind snapshot create`, and by the dashboard):
///
///     [snapshots]
///     every = 1000          # events since the last snapshot of the stream
///     maxReplayMillis = 50  # or when replaying from the last snapshot would take longer
public struct SnapshotPolicy: Sendable, Equatable {
    public var everyEvents: Int?
    public var maxReplayMillis: Double?

    public init(everyEvents: Int? = 1000, maxReplayMillis: Double? = nil) {
        self.everyEvents = everyEvents
        self.maxReplayMillis = maxReplayMillis
    }
}

/// Everything `rewind.toml` defines.
public struct RewindConfig: Sendable, Equatable {
    public var aggregates: [AggregateDefinition]
    public var upcasters: [UpcasterDefinition]
    public var projections: [ProjectionDefinition]
    /// `[sagas.NAME]`, in file order.
    public var sagas: [SagaDefinition] = []
    public var redaction: RedactionRules
    public var snapshots: SnapshotPolicy
    /// `[limits]`: the time budget and memory ceiling of every jq run.
    public var limits: JQLimits
    /// `[source]`: the events table to read when the log is a database URL; nil: detect Marten
    /// or Message DB.
    public var source: EventTableSource?
    /// Where it was read from (nil: no file, the defaults).
    public var path: String?

    public init(aggregates: [AggregateDefinition] = [], upcasters: [UpcasterDefinition] = [], projections: [ProjectionDefinition] = [], redaction: RedactionRules = .init(), snapshots: SnapshotPolicy = .init(), limits: JQLimits = .standard, path: String? = nil) {
        self.aggregates = aggregates
        self.upcasters = upcasters
        self.projections = projections
        self.redaction = redaction
        self.snapshots = snapshots
        self.limits = limits
        self.path = path
    }

    /// The saga named `name`, if any.
    public func saga(named name: String) -> SagaDefinition? {
        sagas.first { $0.name == name }
    }

    /// The aggregate whose glob matches `stream` (the first in file order), if any.
    public func aggregate(for stream: String) -> AggregateDefinition? {
        aggregates.first { StreamGlob.matches($0.streams, stream) }
    }
}
