import EventLog
import JSON

/// Time travel over one stream: its state at any version, instant or global position, which
/// version last changed each field (blame), and what-if replays that skip events, all without
/// touching the log.
///
/// Cost is bounded by a cache of intermediate states (checkpoints) every K versions: reaching
/// version N replays at most K - 1 events from the checkpoint below it, once the replay has
/// passed N (the first visit to a far version replays up to it and fills the cache on the way;
/// `warm()` does that ahead of time). K is a power of two chosen by replay cost: after the
/// first 2,048 events replayed, K becomes the largest power of two whose replay fits in
/// `Options.replayBudgetMicros` (between 16 and 65,536), so about 1,024 for the generic fold
/// and a few dozen for jq aggregates. When the checkpoints would hold more than
/// `Options.memoryBudgetBytes`, K doubles and every other checkpoint is dropped.
///
/// With a `SnapshotStore`, a state far from any checkpoint starts from the newest usable
/// snapshot at or below it instead (see `SnapshotStore.usable`); the ones it had to skip are
/// in `snapshotIssues`. States replayed from a snapshot are not cached.
///
/// Thread safety: none. One instance per stream, used from one thread (jq values and the
/// generic fold's scratch space are not thread-safe). It holds no terminal or UI state.
public final class StreamTimeline {
    public struct Options: Sendable, Equatable {
        /// A fixed checkpoint interval (rounded up to a power of two); nil chooses it by cost.
        public var checkpointInterval: UInt64?
        /// What replaying one checkpoint interval may cost.
        public var replayBudgetMicros: Double
        /// The most the checkpoints of this stream may hold.
        public var memoryBudgetBytes: Int
        /// How many events back blame looks for jq states (the generic fold's blame is exact).
        public var blameWindow: UInt64
        /// Start from a usable snapshot whenever one is closer than the nearest checkpoint (a
        /// one-shot load, as `rewind state` does). When false, snapshots are read only for
        /// versions with no checkpoint within one interval below them (cold regions), so that
        /// jumps in a warm cache never touch the disk for them.
        public var snapshotsFirst: Bool

        public init(checkpointInterval: UInt64? = nil, replayBudgetMicros: Double = 200, memoryBudgetBytes: Int = 256 << 20, blameWindow: UInt64 = 50_000, snapshotsFirst: Bool = false) {
            self.checkpointInterval = checkpointInterval
            self.replayBudgetMicros = replayBudgetMicros
            self.memoryBudgetBytes = memoryBudgetBytes
            self.blameWindow = blameWindow
            self.snapshotsFirst = snapshotsFirst
        }
    }

    public let log: any EventStore
    public let stream: String
    public let reducerKind: ReducerKind
    /// The fingerprint snapshots of this stream must carry to be used (reducer and upcasters).
    public let fingerprint: String
    public let options: Options
    private let engine: any TimelineEngine
    private var headers = StreamHeaderIndex()

    /// A timeline with the reducer `rewind.toml` gives the stream.
    /// - Throws: `ReplayError.unknownStream` when the stream has no events; `JQError` when the
    ///   aggregate or an upcaster does not compile.
    public convenience init(log: any EventStore, stream: String, config: RewindConfig = RewindConfig(), snapshots: SnapshotStore? = nil, options: Options = Options()) throws {
        let reducer = try ReducerFactory.reducer(for: stream, log: log, config: config)
        let upcaster = try ReducerFactory.upcaster(for: config)
        let fingerprint = ReducerFactory.fingerprint(reducer: reducer.fingerprint, upcasters: config.upcasters)
        try self.init(log: log, stream: stream, reducer: reducer, upcaster: upcaster, fingerprint: fingerprint, snapshots: snapshots, options: options)
    }

    /// A timeline with a given reducer; every event passes through `upcaster` first.
    /// - Parameter fingerprint: what snapshots must carry (default: the reducer's own).
    public init<R: Reducer>(log: any EventStore, stream: String, reducer: R, upcaster: Upcaster? = nil, fingerprint: String? = nil, snapshots: SnapshotStore? = nil, options: Options = Options()) throws {
        guard log.version(of: stream) > 0 else { throw ReplayError.unknownStream(stream) }
        self.log = log
        self.stream = stream
        self.options = options
        let print = fingerprint ?? reducer.fingerprint
        self.fingerprint = print
        reducerKind = (reducer as? JQAggregate).map { .aggregate($0.name) } ?? .genericFold
        // The replay loop is made here, where the reducer's type is concrete, so that it is
        // specialized for it (the core's generic methods would run it unspecialized).
        if let fold = reducer as? GenericFold {
            let feed = ReplayFeed(log: log, stream: stream, reducer: fold, upcaster: upcaster)
            engine = try TimelineCore(feed: feed, fingerprint: print, options: options, snapshots: snapshots) {
                try feed.replay(&$0, from: $1, through: $2, skipping: $3, every: $4, checkpoint: $5)
            }
        } else if let aggregate = reducer as? JQAggregate {
            let feed = ReplayFeed(log: log, stream: stream, reducer: aggregate, upcaster: upcaster)
            engine = try TimelineCore(feed: feed, fingerprint: print, options: options, snapshots: snapshots) {
                try feed.replay(&$0, from: $1, through: $2, skipping: $3, every: $4, checkpoint: $5)
            }
        } else {
            let feed = ReplayFeed(log: log, stream: stream, reducer: reducer, upcaster: upcaster)
            engine = try TimelineCore(feed: feed, fingerprint: print, options: options, snapshots: snapshots) {
                try feed.replay(&$0, from: $1, through: $2, skipping: $3, every: $4, checkpoint: $5)
            }
        }
    }

    // MARK: Where

    /// The stream's last version now (the log may be growing).
    public var lastVersion: UInt64 { log.version(of: stream) }

    /// The reducer's name: "generic fold" or the aggregate's.
    public var reducerName: String { engine.reducerName }

    /// The version current at instant `micros` (original event time, as exported under
    /// "time"; for events appended directly it is the recorded time): the number of leading
    /// versions stamped at or before it, 0 when the first event is later. See
    /// `StreamHeaderIndex.version(atTime:)` for streams whose times go back and forth.
    public func version(atTime micros: Int64) throws -> UInt64 {
        try headers.extend(log: log, stream: stream, through: lastVersion)
        return headers.version(atTime: micros)
    }

    /// The last version of this stream at or before global position `position` (0 when the
    /// stream's first event comes later).
    public func version(atPosition position: UInt64) throws -> UInt64 {
        try headers.extend(log: log, stream: stream, through: lastVersion)
        return headers.version(atPosition: position)
    }

    // MARK: State

    /// The state after `version` (0 is the initial state).
    /// - Throws: `ReplayError.versionBeyondStream`; a reducer's `HandlerError` or an
    ///   `UpcastError` when an event up to `version` fails; `EventLogError` when reading fails.
    public func state(at version: UInt64) throws -> TimelineState {
        let last = try check(version)
        let json = try engine.stateJSON(at: version)
        return TimelineState(
            stream: stream, version: version, lastVersion: last, event: try summary(of: version), state: json,
            replayedEvents: engine.lastReplayed, snapshotVersion: engine.lastSnapshotVersion)
    }

    public func state(atTime micros: Int64) throws -> TimelineState {
        try state(at: version(atTime: micros))
    }

    public func state(atPosition position: UInt64) throws -> TimelineState {
        try state(at: version(atPosition: position))
    }

    /// The stored event at `version` (its header fields), nil for 0.
    public func summary(of version: UInt64) throws -> EventSummary? {
        guard version > 0 else { return nil }
        var found: EventSummary?
        try log.readStream(stream, from: version, limit: 1) { view in
            if view.version == version {
                found = EventSummary(view)
            }
            return false
        }
        return found
    }

    /// For each field of the state at `version`, the version that last changed it. Exact per
    /// top-level key for the generic fold; for jq states, per leaf, looking back at most
    /// `Options.blameWindow` events (older changes are reported with a nil version).
    public func blame(at version: UInt64) throws -> Blame {
        try check(version)
        return try engine.blame(at: version, window: options.blameWindow)
    }

    /// The state at `version` had the events at `skipping` never happened, next to the real one.
    /// Reads only; versions outside 1...version are ignored.
    /// - Throws: a `HandlerError` when a handler fails on the changed history (e.g. a later
    ///   event relied on a skipped one).
    public func whatIf(at version: UInt64, skipping: Set<UInt64>) throws -> WhatIf {
        try check(version)
        let actual = try engine.stateJSON(at: version)
        let hypothetical = try engine.hypothetical(at: version, skipping: skipping)
        let skipped = skipping.filter { $0 >= 1 && $0 <= version }.sorted()
        return WhatIf(version: version, skipped: skipped, actual: actual, hypothetical: hypothetical, changes: JSONValue.diff(from: actual, to: hypothetical))
    }

    /// Replays up to `version` (default: the last) now, filling the checkpoint cache, so that
    /// later jumps anywhere below it are bounded.
    public func warm(through version: UInt64? = nil) throws {
        let target = try check(version ?? lastVersion)
        try engine.warm(through: min(target, version ?? target))
    }

    /// Replays versions 1...`version` from the initial state, ignoring and not filling the
    /// cache (full replay, for measurements and checks). Returns the events applied and the state.
    public func rebuild(through version: UInt64? = nil) throws -> (events: Int, state: JSONValue) {
        let last = lastVersion
        let target = version ?? last
        try check(target)
        return try engine.rebuild(through: target)
    }

    /// Replays from `start` (a snapshot's version and state, or the initial state) to `last`,
    /// calling `emit` with the event and the state after it for each version `emitAfter`
    /// accepts. For making snapshots; does not use or fill the cache.
    public func walk(from start: (version: UInt64, state: JSONValue)? = nil, through last: UInt64, emitAfter: (UInt64) -> Bool, emit: (EventSummary, JSONValue) throws -> Void) throws {
        try check(last)
        try engine.walk(from: start, through: last, emitAfter: emitAfter, emit: emit)
    }

    // MARK: Statistics

    /// The checkpoint interval K in use.
    public var checkpointInterval: UInt64 { engine.checkpointInterval }
    public var checkpointCount: Int { engine.checkpointCount }
    public var checkpointMemoryBytes: Int { engine.checkpointBytes }
    /// Events the last `state`/`blame`/`whatIf` replayed.
    public var lastReplayedEvents: Int { engine.lastReplayed }
    /// Snapshots skipped while loading (corrupt, stale, drift, orphaned), each reported once.
    public var snapshotIssues: [SnapshotIssue] { engine.snapshotIssues }

    @discardableResult
    private func check(_ version: UInt64) throws -> UInt64 {
        let last = lastVersion
        guard version <= last else { throw ReplayError.versionBeyondStream(stream: stream, version: version, last: last) }
        return last
    }
}

/// A stream's state at one version, with where it came from.
public struct TimelineState: Sendable, Equatable {
    public var stream: String
    public var version: UInt64
    /// The stream's last version when it was computed.
    public var lastVersion: UInt64
    /// The event at `version` (nil for version 0, the initial state).
    public var event: EventSummary?
    public var state: JSONValue
    /// Events replayed to compute it.
    public var replayedEvents: Int
    /// The snapshot it started from, if any.
    public var snapshotVersion: UInt64?
}

/// The header of one stored event.
public struct EventSummary: Sendable, Equatable {
    public var version: UInt64
    public var position: UInt64
    public var type: String
    public var originalMicros: Int64
    public var recordedMicros: Int64
    public var schemaVersion: UInt32

    public init(_ view: EventView) {
        version = view.version
        position = view.position
        type = view.type
        originalMicros = view.originalMicros
        recordedMicros = view.recordedMicros
        schemaVersion = view.schemaVersion
    }
}

/// A what-if replay: the state had some events never happened, next to the real one.
public struct WhatIf: Sendable, Equatable {
    public var version: UInt64
    /// The versions left out (those within 1...version).
    public var skipped: [UInt64]
    public var actual: JSONValue
    public var hypothetical: JSONValue
    /// From the actual state to the hypothetical one.
    public var changes: [JSONChange]
}
