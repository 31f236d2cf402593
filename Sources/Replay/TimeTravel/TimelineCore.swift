import EventLog

import JSON
import Platform

/// What `StreamTimeline` needs from its reducer-specific core, in JSON terms.
protocol TimelineEngine: AnyObject {
    var reducerName: String { get }
    var checkpointInterval: UInt64 { get }
    var checkpointCount: Int { get }
    var checkpointBytes: Int { get }
    var lastReplayed: Int { get }
    var lastSnapshotVersion: UInt64? { get }
    var snapshotIssues: [SnapshotIssue] { get }
    var blameIsPerKey: Bool { get }

    func stateJSON(at version: UInt64) throws -> JSONValue
    func blame(at version: UInt64, window: UInt64) throws -> Blame
    func hypothetical(at version: UInt64, skipping: Set<UInt64>) throws -> JSONValue
    func warm(through version: UInt64) throws
    func rebuild(through version: UInt64) throws -> (events: Int, state: JSONValue)
    func walk(from start: (version: UInt64, state: JSONValue)?, through last: UInt64, emitAfter: (UInt64) -> Bool, emit: (EventSummary, JSONValue) throws -> Void) throws
}

/// The checkpointed replay of one stream with one reducer type (so the hot loop is
/// specialized for it). See `StreamTimeline` for the contract.
final class TimelineCore<R: Reducer>: TimelineEngine {
    /// `ReplayFeed.replay` without observer, specialized for `R` by whoever made the core.
    typealias FastReplay = (inout R.State, UInt64, UInt64, Set<UInt64>?, () -> UInt64, (UInt64, R.State) -> Void) throws -> Int

    let feed: ReplayFeed<R>
    let fastReplay: FastReplay
    let fingerprint: String
    let options: StreamTimeline.Options
    let snapshots: SnapshotStore?
    private var cache: CheckpointCache<R.State>
    private var calibrated: Bool
    private(set) var lastReplayed = 0
    private(set) var lastSnapshotVersion: UInt64?
    private(set) var snapshotIssues: [SnapshotIssue] = []
    private var reportedSnapshots: Set<String> = []

    /// Replays shorter than this are not used to choose the stride (too noisy).
    static var calibrationEvents: UInt64 { 2048 }
    static var smallestStride: UInt64 { 16 }
    static var largestStride: UInt64 { 1 << 16 }

    init(feed: ReplayFeed<R>, fingerprint: String, options: StreamTimeline.Options, snapshots: SnapshotStore?, fastReplay: @escaping FastReplay) throws {
        self.feed = feed
        self.fastReplay = fastReplay
        self.fingerprint = fingerprint
        self.options = options
        self.snapshots = snapshots
        let initial = try feed.reducer.initialState()
        let fixed = options.checkpointInterval.map { powerOfTwo(atLeast: max(1, $0)) }
        cache = CheckpointCache(initial: initial, bytes: Self.size(of: initial), stride: fixed ?? Self.smallestStride)
        calibrated = fixed != nil
    }

    var reducerName: String { feed.reducer.name }
    var checkpointInterval: UInt64 { cache.stride }
    var checkpointCount: Int { cache.count }
    var checkpointBytes: Int { cache.memoryBytes }
    var blameIsPerKey: Bool { feed.reducer is GenericFold }

    static func size(of state: R.State) -> Int {
        if let fold = state as? GenericFoldState { return fold.memoryBytes }
        if let jq = state as? JQState { return jq.estimatedBytes }
        return 256
    }

    static func nanos() -> UInt64 { UInt64(MonotonicClock.nanoseconds) }

    // MARK: States

    /// The state at `version`: from the nearest checkpoint below it (or a closer usable
    /// snapshot when no checkpoint is near), replaying what follows.
    func state(at version: UInt64, allowSnapshots: Bool = true) throws -> R.State {
        let base = cache.nearest(atOrBelow: version)
        lastSnapshotVersion = nil
        if allowSnapshots, options.snapshotsFirst || version - base.version > cache.stride, let snapshot = usableSnapshot(atOrBelow: version), snapshot.version > base.version {
            var state = try feed.reducer.state(from: snapshot.state)
            lastReplayed = try fastReplay(&state, snapshot.version + 1, version, nil, { 0 }, { _, _ in })
            lastSnapshotVersion = snapshot.version
            return state
        }
        var state = base.state
        lastReplayed = try replayRecording(&state, from: base.version + 1, through: version)
        return state
    }

    private func usableSnapshot(atOrBelow version: UInt64) -> Snapshot? {
        guard let snapshots else { return nil }
        let (snapshot, issues) = snapshots.usable(stream: feed.stream, atOrBelow: version, fingerprint: fingerprint)
        for issue in issues where reportedSnapshots.insert(issue.file).inserted {
            snapshotIssues.append(issue)
        }
        return snapshot
    }

    /// Replays into `state`, keeping checkpoints and choosing the stride on the way.
    @discardableResult
    private func replayRecording(_ state: inout R.State, from: UInt64, through: UInt64, observe: ((EventView, R.State) throws -> Void)? = nil) throws -> Int {
        guard through >= from else { return 0 }
        let started = Self.nanos()
        func keep(_ version: UInt64, _ state: R.State) {
            cache.store(version, state, bytes: Self.size(of: state))
            if !calibrated, version - from + 1 >= Self.calibrationEvents {
                calibrate(events: version - from + 1, nanos: Self.nanos() - started)
            }
            while cache.memoryBytes > options.memoryBudgetBytes, cache.stride < Self.largestStride * 16 {
                cache.widen(to: cache.stride * 2)
            }
        }
        if let observe {
            return try feed.replay(&state, from: from, through: through, every: { cache.stride }, checkpoint: keep, observe: observe)
        }
        return try fastReplay(&state, from, through, nil, { cache.stride }, keep)
    }

    /// Chooses the stride so that replaying one stride costs about the replay budget.
    private func calibrate(events: UInt64, nanos: UInt64) {
        calibrated = true
        let perEvent = max(1, Double(nanos) / Double(events))
        let fits = UInt64(max(1, options.replayBudgetMicros * 1000 / perEvent))
        let stride = min(Self.largestStride, max(Self.smallestStride, powerOfTwo(atMost: fits)))
        if stride > cache.stride { cache.widen(to: stride) }
    }

    func stateJSON(at version: UInt64) throws -> JSONValue {
        try feed.reducer.json(of: state(at: version))
    }

    func warm(through version: UInt64) throws {
        let furthest = cache.furthest
        guard version > furthest else { return }
        _ = try state(at: version, allowSnapshots: false)
    }

    func rebuild(through version: UInt64) throws -> (events: Int, state: JSONValue) {
        var state = try feed.reducer.initialState()
        let events = try fastReplay(&state, 1, version, nil, { 0 }, { _, _ in })
        return (events, try feed.reducer.json(of: state))
    }

    func walk(from start: (version: UInt64, state: JSONValue)?, through last: UInt64, emitAfter: (UInt64) -> Bool, emit: (EventSummary, JSONValue) throws -> Void) throws {
        var state = try start.map { try feed.reducer.state(from: $0.state) } ?? feed.reducer.initialState()
        let reducer = feed.reducer
        try feed.replay(&state, from: (start?.version ?? 0) + 1, through: last, observe: { view, state in
            if emitAfter(view.version) { try emit(EventSummary(view), reducer.json(of: state)) }
        })
    }

    // MARK: Blame and what-if

    func blame(at version: UInt64, window: UInt64) throws -> Blame {
        if let fold = feed.reducer as? GenericFold {
            // Per top-level key, exact, from a replay that never started at a snapshot.
            guard let state = try state(at: version, allowSnapshots: false) as? GenericFoldState else {
                return Blame(version: version, entries: [], horizon: 0)
            }
            let entries = fold.blame(of: state).map { Blame.Entry(path: JSONPath([.key($0.key)]), version: $0.version) }
            return Blame(version: version, entries: entries, horizon: 0)
        }
        let horizon = version > window ? version - window : 0
        var state = try self.state(at: horizon)
        var tracker = ChangeTracker()
        var previous = state
        let reducer = feed.reducer
        var previousJSON: JSONValue? = (state is JQState) ? nil : try reducer.json(of: state)
        try replayRecording(&state, from: horizon + 1, through: version) { view, next in
            if let old = previous as? JQState, let new = next as? JQState {
                tracker.record(old: old.value.borrow, new: new.value.borrow, version: view.version)
            } else if let old = previousJSON {
                let new = try reducer.json(of: next)
                tracker.record(old: old, new: new, version: view.version)
                previousJSON = new
            }
            previous = next
        }
        let final = try reducer.json(of: state)
        return Blame(version: version, entries: tracker.entries(of: final, unknown: horizon == 0 ? 0 : nil), horizon: horizon)
    }

    func hypothetical(at version: UInt64, skipping: Set<UInt64>) throws -> JSONValue {
        let skips = skipping.filter { $0 >= 1 && $0 <= version }
        guard let lowest = skips.min() else { return try stateJSON(at: version) }
        var state = try self.state(at: lowest - 1)
        _ = try fastReplay(&state, lowest, version, skips, { 0 }, { _, _ in })
        return try feed.reducer.json(of: state)
    }
}
