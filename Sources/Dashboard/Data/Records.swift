import EventLog
import Replay
import JSON

/// A stream as the streams pane lists it.
public struct StreamRow: Sendable, Equatable {
    public var name: String
    public var category: String
    public var count: UInt64
    /// Last activity: the last event's own time (for an imported event, when it happened in the
    /// system it came from), which is what the pane shows and sorts by.
    public var lastMicros: Int64
    /// When Rewind recorded the last event (for an imported one, the import).
    public var recordedMicros: Int64
    /// A row whose last activity is `lastMicros`, or the recorded time when not given.
    public init(_ info: StreamInfo, lastMicros: Int64? = nil) {
        name = info.name
        category = info.category
        count = info.count
        recordedMicros = info.lastRecordedMicros
        self.lastMicros = lastMicros ?? info.lastRecordedMicros
    }
    public init(name: String, category: String, count: UInt64, lastMicros: Int64, recordedMicros: Int64? = nil) {
        self.name = name
        self.category = category
        self.count = count
        self.lastMicros = lastMicros
        self.recordedMicros = recordedMicros ?? lastMicros
    }
}

/// One row of the events pane.
public struct EventRow: Sendable, Equatable {
    public var version: UInt64
    public var position: UInt64
    public var type: String
    public var micros: Int64
    /// A one-line preview of the data (already compact JSON, or a byte count for binary data).
    public var preview: String
    public init(version: UInt64, position: UInt64, type: String, micros: Int64, preview: String) {
        self.version = version
        self.position = position
        self.type = type
        self.micros = micros
        self.preview = preview
    }
}

/// What the state pane shows for one (stream, version, skips) focus.
public struct StateView: Sendable, Equatable {
    public var stream: String
    public var version: UInt64
    public var state: JSONValue
    /// Paths the event at `version` changed (state at version-1 → version).
    public var changed: Set<JSONPath>
    /// Versions skipped (what-if); non-empty means `state` is hypothetical.
    public var skipped: [UInt64]
    /// With skips: how the hypothetical state differs from the real one.
    public var hypotheticalChanges: [JSONChange]
    public var reducer: String
    public var replayed: Int
    public var error: String?
    public init(stream: String, version: UInt64, state: JSONValue, changed: Set<JSONPath>, skipped: [UInt64] = [],
                hypotheticalChanges: [JSONChange] = [], reducer: String = "", replayed: Int = 0, error: String? = nil) {
        self.stream = stream
        self.version = version
        self.state = state
        self.changed = changed
        self.skipped = skipped
        self.hypotheticalChanges = hypotheticalChanges
        self.reducer = reducer
        self.replayed = replayed
        self.error = error
    }
    public var isHypothetical: Bool { !skipped.isEmpty }
}

/// The last-changed version of each field of a state (blame), for one (stream, version).
public struct BlameView: Sendable, Equatable {
    public var stream: String
    public var version: UInt64
    public var versions: [JSONPath: UInt64]
    public init(stream: String, version: UInt64, versions: [JSONPath: UInt64]) {
        self.stream = stream
        self.version = version
        self.versions = versions
    }

    /// The version that last changed `path` or, failing that, its nearest blamed ancestor.
    public func version(for path: JSONPath) -> UInt64? {
        var p = path
        while true {
            if let v = versions[p] { return v }
            guard !p.components.isEmpty else { return nil }
            p = JSONPath(Array(p.components.dropLast()))
        }
    }
}

/// How events of one stream are spread over time, for the timeline's density row.
///
/// The time from the first to the last event is cut into equal buckets; each holds how many
/// events fall in it and the first version among them (so a click on the slider can find one).
public struct Density: Sendable, Equatable {
    public var stream: String
    public var lastVersion: UInt64
    public var startMicros: Int64
    public var endMicros: Int64
    public var counts: [Int]
    public var firstVersions: [UInt64]
    public init(stream: String, lastVersion: UInt64, startMicros: Int64, endMicros: Int64, counts: [Int], firstVersions: [UInt64]) {
        self.stream = stream
        self.lastVersion = lastVersion
        self.startMicros = startMicros
        self.endMicros = endMicros
        self.counts = counts
        self.firstVersions = firstVersions
    }

    /// True when every event has the same time: the slider then runs by version.
    public var isFlat: Bool { endMicros <= startMicros }

    /// The fraction 0…1 along the time axis of an instant.
    public func fraction(of micros: Int64) -> Double {
        guard !isFlat else { return 0 }
        return min(1, max(0, Double(micros - startMicros) / Double(endMicros - startMicros)))
    }
}

/// Everything the event-detail overlay shows.
public struct EventDetail: Sendable, Equatable {
    public var stream: String
    public var version: UInt64
    public var position: UInt64
    public var id: String
    public var type: String
    public var recorded: String
    public var original: String
    public var schemaVersion: UInt32
    public var contentType: String
    /// Data as stored, pretty JSON or a hex dump for binary data.
    public var raw: [String]
    /// Data after upcasting, when an upcaster applies (else nil).
    public var upcasted: [String]?
    public var upcastedSchema: UInt32?
    public var metadata: [String]
    public var hex: [String]
    public init(stream: String, version: UInt64, position: UInt64, id: String, type: String, recorded: String, original: String,
                schemaVersion: UInt32, contentType: String, raw: [String], upcasted: [String]?, upcastedSchema: UInt32?,
                metadata: [String], hex: [String]) {
        self.stream = stream
        self.version = version
        self.position = position
        self.id = id
        self.type = type
        self.recorded = recorded
        self.original = original
        self.schemaVersion = schemaVersion
        self.contentType = contentType
        self.raw = raw
        self.upcasted = upcasted
        self.upcastedSchema = upcastedSchema
        self.metadata = metadata
        self.hex = hex
    }
}

/// The snapshots of one stream, verified.
public struct SnapshotRow: Sendable, Equatable {
    public var version: UInt64
    public var createdMicros: Int64?
    public var bytes: Int
    public var status: String
    /// For drift: the differences between the stored state and a replay.
    public var details: [String]
    public init(version: UInt64, createdMicros: Int64?, bytes: Int, status: String, details: [String]) {
        self.version = version
        self.createdMicros = createdMicros
        self.bytes = bytes
        self.status = status
        self.details = details
    }
}

/// One projection or external consumer with its lag history.
public struct ConsumerRow: Sendable, Equatable {
    public var lag: ConsumerLag
    /// Lag in events over time, oldest first (for the sparkline).
    public var history: [Double?]
    /// Where the poison event is, when faulted: its stream and version.
    public var poison: (stream: String, version: UInt64)?
    public init(lag: ConsumerLag, history: [Double?], poison: (stream: String, version: UInt64)?) {
        self.lag = lag
        self.history = history
        self.poison = poison
    }
    public static func == (a: ConsumerRow, b: ConsumerRow) -> Bool {
        a.lag == b.lag && a.history == b.history && a.poison?.stream == b.poison?.stream && a.poison?.version == b.poison?.version
    }
}
