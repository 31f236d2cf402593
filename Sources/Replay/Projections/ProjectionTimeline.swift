import EventLog
import JSON
import Platform

/// Time travel over one projection: its read model (or one partition's) at any global position,
/// the positions it handles, and the steps of its debugger, with a cache of intermediate states
/// so that questions after the first are cheap.
///
/// Answers are exactly `ProjectionStateAt.fold`'s (same `Result`, faults included: at or past
/// the poison event, the state just before it and the fault). The first question folds forward
/// from position 1 and keeps the projector's state every `stride` positions (a
/// `ProjectorCheckpoint`: references to jq values, cheap to keep); a later question restores
/// the nearest checkpoint at or below its position and folds the rest, or folds on from where
/// the previous question left the projector when that is closer (a slider moving forward folds
/// only the events it passed). The stride is a power of two chosen by cost: after the first
/// `calibrationPositions` positions, the largest whose fold fits `Options.replayBudgetMicros`
/// and costs at least 16 times what taking one checkpoint costs; when the checkpoints would
/// hold more than `Options.memoryBudgetBytes`, the stride doubles and every other one is dropped.
///
/// With `files` (see `ProjectionCheckpointFiles`), the checkpoints are also kept on disk, so
/// that the next process (one `rewind project state` per question) starts near its position;
/// without it, nothing is written. `LOG/projections/` is never written (and read only with
/// `Options.useSaved`).
///
/// The log may grow: each question reads `log.head` (the owner calls `log.refresh()` for a
/// read-only log) and a position past the old head folds on. A log that shrank (a torn tail
/// cut) drops every cached state.
///
/// Thread safety: none (libjq). One instance per projection, created, used and released on one
/// thread (the dashboard's log worker owns one per projection it shows).
public final class ProjectionTimeline {
    public struct Options: Sendable, Equatable {
        /// A fixed checkpoint stride in positions (rounded up to a power of two); nil chooses it by cost.
        public var stride: UInt64?
        /// What folding one stride may cost.
        public var replayBudgetMicros: Double
        /// The most the in-memory checkpoints may hold (estimated).
        public var memoryBudgetBytes: Int
        /// Start a far question from the projection's saved file (`LOG/projections/NAME.json`,
        /// only read) when it is usable and closer than any checkpoint, as `ProjectionStateAt` does.
        public var useSaved: Bool

        public init(stride: UInt64? = nil, replayBudgetMicros: Double = 20_000, memoryBudgetBytes: Int = 256 << 20, useSaved: Bool = false) {
            self.stride = stride
            self.useSaved = useSaved
            self.replayBudgetMicros = replayBudgetMicros
            self.memoryBudgetBytes = memoryBudgetBytes
        }
    }

    public let log: any EventStore
    public let definition: ProjectionDefinition
    public let options: Options
    /// The definition's fingerprint (with the upcasters of the types it handles).
    public let fingerprint: String
    let files: ProjectionCheckpointFiles?
    private let projector: Projector
    private let upcaster: Upcaster
    private var cache: CheckpointCache<ProjectorCheckpoint>
    private var calibrated: Bool
    /// True when the projector holds a usable state at `projector.checkpoint`.
    private var workingValid = true
    /// The first fault found, and the state just before its event.
    private var knownFault: (fault: ProjectionFault, before: ProjectorCheckpoint)?
    /// The furthest position any fold reached: a head below it means the log shrank.
    private var furthest: UInt64 = 0
    private var handled: [UInt64] = []
    private var handledThrough: UInt64 = 0
    private var checkpointNanos: UInt64 = 0
    private var checkpointsTaken: UInt64 = 0

    /// Positions before this are not used to choose the stride (too noisy).
    static var calibrationPositions: UInt64 { 8192 }
    static var smallestStride: UInt64 { 256 }
    static var largestStride: UInt64 { 1 << 20 }

    /// Compiles the definition (once; `jq_compile` is slow) and keeps its initial state as the
    /// checkpoint at position 0.
    ///
    /// - Parameter files: where checkpoints are kept on disk (nil: in memory only).
    /// - Throws: `JQError` when the definition or an upcaster does not compile or `init` fails.
    public init(
        log: any EventStore, definition: ProjectionDefinition, upcasters: [UpcasterDefinition], limits: JQLimits = .standard,
        options: Options = Options(), files: ProjectionCheckpointFiles? = nil
    ) throws {
        self.log = log
        self.definition = definition
        self.options = options
        self.files = files
        projector = try Projector(
            definition: definition, upcasters: upcasters, store: ProjectionStore(logPath: log.path), head: 0, fresh: true,
            rebuildStale: true, now: 0, limits: limits)
        fingerprint = projector.fingerprint
        upcaster = try Upcaster(upcasters, limits: limits)
        let fixed = options.stride.map { powerOfTwo(atLeast: max(1, $0)) }
        let initial = projector.frozen()
        cache = CheckpointCache(initial: initial, bytes: initial.estimatedBytes, stride: fixed ?? Self.smallestStride)
        calibrated = fixed != nil
    }

    // MARK: Statistics

    /// The checkpoint stride in use (positions).
    public var stride: UInt64 { cache.stride }
    public var checkpointCount: Int { cache.count }
    public var checkpointMemoryBytes: Int { cache.memoryBytes }
    /// Positions the last question folded, and where that fold started.
    public private(set) var lastFolded: UInt64 = 0
    public private(set) var lastStart: UInt64 = 0
    /// The saved file's checkpoint when the last question started from it (`Options.useSaved`), else 0.
    public private(set) var lastSavedStart: UInt64 = 0
    /// True when the projection is partitioned (`state(at:key:)` answers one partition).
    public var isPartitioned: Bool { projector.isPartitioned }

    // MARK: Questions

    /// The state after every event up to `position` (capped at the head), exactly as
    /// `ProjectionStateAt.fold` gives it. With `key` (a partitioned projection only), `state` is
    /// that partition's state (null when no event has reached it) and `partitions` holds at most
    /// that key, so that the whole read model is not converted for one partition.
    ///
    /// - Throws: `ProjectionStateAt.Failure` when Rewind is quitting, `EventLogError` when the
    ///   log cannot be read.
    public func state(at position: UInt64, key: String? = nil) throws -> ProjectionStateAt.Result {
        let target = min(position, try currentHead())
        let start = try settle(at: target)
        var result = ProjectionStateAt.Result(
            position: target, state: .null, isPartitioned: projector.isPartitioned, partitions: [:], fault: knownFault.flatMap { target >= ($0.fault.position ?? 0) ? $0.fault : nil },
            resumedFrom: lastSavedStart, applied: projector.applied - start)
        if projector.isPartitioned, let key {
            let state = projector.partitionState(key)
            result.state = state ?? .null
            if let state { result.partitions[key] = state }
        } else {
            result.state = projector.stateJSON()
            if projector.isPartitioned, case .object(let members) = result.state {
                result.partitions.reserveCapacity(members.count)
                for (k, v) in members { result.partitions[k] = v }
            }
        }
        return result
    }

    /// The positions in `range` (capped at the head) of the events the projection handles: from
    /// its streams with a handler for their type (those `project step` stops at), in order. For
    /// a slider over "only the events it handles"; the index is built once, by reading headers
    /// only, and grows with the log.
    public func handledPositions(in range: ClosedRange<UInt64>) throws -> [UInt64] {
        let upper = min(range.upperBound, try currentHead())
        guard upper >= range.lowerBound else { return [] }
        if upper > handledThrough {
            try log.readAll(from: handledThrough + 1) { view in
                guard view.position <= upper else { return false }
                if projector.wants(stream: view.stream), projector.handles(view.type) { handled.append(view.position) }
                handledThrough = view.position
                return true
            }
        }
        let low = lowerBound(range.lowerBound)
        let high = lowerBound(upper + 1)
        return Array(handled[low..<high])
    }

    /// Up to `count` steps of the debugger from `position` on, as `ProjectionSteps.run` takes
    /// them (each with the state before and after and `changes`), starting from the cache.
    public func steps(from position: UInt64, count: Int, key: String? = nil) throws -> ProjectionSteps.Result {
        let first = max(position, 1)
        _ = try settle(at: min(first - 1, try currentHead()))
        if let known = knownFault, let at = known.fault.position, at < first {
            return ProjectionSteps.Result(steps: [], isPartitioned: projector.isPartitioned, faultBefore: known.fault, resumedFrom: lastSavedStart)
        }
        let resumedFrom = lastSavedStart
        let (steps, faultBefore) = try ProjectionSteps.walk(projector, upcaster: upcaster, log: log, from: first, count: count, key: key)
        try noteWhereWalkLeft()
        return ProjectionSteps.Result(steps: steps, isPartitioned: projector.isPartitioned, faultBefore: faultBefore, resumedFrom: resumedFrom)
    }

    /// Folds up to `position` now (default: the head), filling the checkpoints on the way.
    public func warm(through position: UInt64? = nil) throws {
        _ = try settle(at: min(position ?? .max, try currentHead()))
    }

    // MARK: Folding

    /// The head, after dropping everything when the log shrank below what was folded.
    private func currentHead() throws -> UInt64 {
        let head = log.head
        if head < furthest || (knownFault?.fault.position ?? 0) > head { reset() }
        return head
    }

    private func reset() {
        let initial = cache.nearest(atOrBelow: 0).state
        cache = CheckpointCache(initial: initial, bytes: initial.estimatedBytes, stride: cache.stride)
        knownFault = nil
        furthest = 0
        handled = []
        handledThrough = 0
        workingValid = false
    }

    /// Leaves the projector at `target` (or just before the known fault when `target` is at or
    /// past it) and returns its `applied` count where this question's fold started.
    private func settle(at target: UInt64) throws -> UInt64 {
        lastSavedStart = 0
        if let known = knownFault, let at = known.fault.position, target >= at {
            if !(workingValid && projector.checkpoint == known.before.position) { projector.thaw(known.before) }
            workingValid = true
            lastStart = known.before.position
            lastFolded = 0
            return projector.applied
        }
        var base = cache.nearest(atOrBelow: target)
        let working = workingValid && projector.checkpoint <= target
        if target - max(base.version, working ? projector.checkpoint : 0) > cache.stride {
            if let files, let near = files.nearest(atOrBelow: target, log: log, fingerprint: fingerprint), near.position > base.version {
                base = (near.position, near)
            }
            if options.useSaved, let saved = savedCheckpoint(atOrBelow: target), saved.position > base.version {
                base = (saved.position, saved)
                lastSavedStart = saved.position
            }
        }
        if !(working && projector.checkpoint >= base.version) {
            projector.thaw(base.state)
            workingValid = true
        }
        lastStart = projector.checkpoint
        if lastStart != lastSavedStart { lastSavedStart = 0 }
        let startApplied = projector.applied
        try fold(to: target)
        lastFolded = projector.checkpoint - lastStart
        return startApplied
    }

    /// The saved file's state (`LOG/projections/NAME.json`, only read) when it is at or below
    /// `position`, has no fault and was built by this definition against this log's length, as
    /// `ProjectionStateAt` uses it; nil otherwise (a damaged file is only a missed shortcut).
    private func savedCheckpoint(atOrBelow position: UInt64) -> ProjectorCheckpoint? {
        guard let record = try? ProjectionStore(logPath: log.path).load(definition.name), record.checkpoint <= position,
              record.fault == nil, Projector.staleness(of: record, fingerprint: fingerprint, head: log.head) == nil
        else { return nil }
        switch (record.body, projector.isPartitioned) {
        case (.state?, false), (.partitions?, true): return ProjectorCheckpoint(record: record)
        default: return nil
        }
    }

    /// Feeds events after the projector's checkpoint through `target`, keeping checkpoints.
    private func fold(to target: UInt64) throws {
        let from = projector.checkpoint
        guard target > from else { return }
        let started = MonotonicClock.nanoseconds
        var stopped = false
        try log.readAll(from: from + 1) { view in
            guard view.position <= target else { return false }
            if projector.feed(view, upcaster: upcaster) == .stopped {
                stopped = true
                return false
            }
            let p = view.position
            if p % cache.stride == 0, !cache.contains(p) { keep(p) }
            if !calibrated, p - from >= Self.calibrationPositions { calibrate(positions: p - from, nanos: UInt64(MonotonicClock.nanoseconds - started)) }
            return p < target
        }
        furthest = max(furthest, projector.checkpoint)
        if stopped { try noteWhereWalkLeft() }
    }

    /// After a fold or walk: records a fault (and the state before it), or throws when Rewind
    /// is quitting (the projector is then not usable until restored).
    private func noteWhereWalkLeft() throws {
        furthest = max(furthest, projector.checkpoint)
        if projector.interrupted {
            workingValid = false
            throw ProjectionStateAt.Failure(description: "projection \(definition.name): stopped at position \(projector.checkpoint + 1) (Rewind is quitting)")
        }
        if let fault = projector.fault {
            if knownFault == nil { knownFault = (fault, projector.frozen()) }
            workingValid = false
        }
    }

    private func keep(_ position: UInt64) {
        let t0 = MonotonicClock.nanoseconds
        let frozen = projector.frozen()
        cache.store(position, frozen, bytes: frozen.estimatedBytes)
        files?.offer(frozen, log: log, fingerprint: fingerprint)
        checkpointNanos += UInt64(max(0, MonotonicClock.nanoseconds - t0))
        checkpointsTaken += 1
        while cache.memoryBytes > options.memoryBudgetBytes, cache.stride < Self.largestStride * 16 {
            cache.widen(to: cache.stride * 2)
        }
    }

    /// Chooses the stride: one stride's fold within the budget, and at least 16 checkpoints'
    /// cost (a state with many partitions costs more to keep than a few events to fold).
    private func calibrate(positions: UInt64, nanos: UInt64) {
        calibrated = true
        let perPosition = max(1, Double(nanos - min(nanos, checkpointNanos)) / Double(positions))
        let fits = UInt64(max(1, options.replayBudgetMicros * 1000 / perPosition))
        let perCheckpoint = checkpointsTaken == 0 ? 0 : Double(checkpointNanos) / Double(checkpointsTaken)
        let floor = powerOfTwo(atLeast: UInt64(16 * perCheckpoint / perPosition))
        let stride = min(Self.largestStride, max(Self.smallestStride, floor, powerOfTwo(atMost: fits)))
        if stride > cache.stride { cache.widen(to: stride) }
    }

    /// The index in `handled` of the first position at or above `position`.
    private func lowerBound(_ position: UInt64) -> Int {
        var low = 0
        var high = handled.count
        while low < high {
            let mid = (low + high) / 2
            if handled[mid] < position { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
