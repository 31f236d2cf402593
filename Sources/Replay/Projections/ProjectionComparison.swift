import EventLog
import JSON

/// Two definitions of one projection folded side by side over the same events, in one pass
/// and in memory: `rewind project compare`, the safe way to apply new rules to old events.
///
/// Both sides start from `init` (a saved state was built by one definition only) and see each
/// event in log order exactly as `project run` would apply it under their own `from`, `on`,
/// `partition` and upcasters. After every event that either side handles, the states it
/// touched (the one state, or the partitions either side's handler ran on) are compared as jq
/// values; the first event after which they differ, or on which only one side faults, is the
/// first difference. Nothing is written anywhere.
///
/// Not thread-safe (libjq): runs on the calling thread and keeps nothing afterwards.
public enum ProjectionComparison {
    /// The first event after which the two states differ.
    public struct Difference: Sendable, Equatable {
        public var position: UInt64
        public var stream: String
        public var version: UInt64
        public var eventType: String
        /// For partitioned projections: the partition that differs (the first in key order).
        public var key: String?
        /// The two states there (the partition's, when `key` is set); nil for a partition that
        /// one side does not have.
        public var current: JSONValue?
        public var other: JSONValue?
        /// A handler error on this event, on either side (the other side applied it).
        public var currentFault: ProjectionFault?
        public var otherFault: ProjectionFault?
    }

    /// One side's state at the end.
    public struct Side: Sendable, Equatable {
        /// The single state, or an object of partition key → state.
        public var state: JSONValue
        public var isPartitioned: Bool
        /// Set when this side faulted: `state` is then the one just before the poison event.
        public var fault: ProjectionFault?
    }

    /// The comparison's outcome.
    public struct Result: Sendable, Equatable {
        /// The last position folded: the one asked for, capped at the head.
        public var position: UInt64
        /// nil when the states never differed up to `position`.
        public var difference: Difference?
        public var current: Side
        public var other: Side
    }

    /// A definition with the upcasters of its configuration.
    public struct Definition: Sendable {
        public var projection: ProjectionDefinition
        public var upcasters: [UpcasterDefinition]
        public var limits: JQLimits
        /// Where it comes from (a file's path), to say which side fails to compile.
        public var label: String

        public init(projection: ProjectionDefinition, upcasters: [UpcasterDefinition], limits: JQLimits = .standard, label: String) {
            self.label = label
            self.projection = projection
            self.upcasters = upcasters
            self.limits = limits
        }
    }

    /// Folds both definitions over events 1…`position` (nil: the head); with `key`, only that
    /// partition's states are compared.
    ///
    /// - Throws: `ProjectionStateAt.Failure` when either definition does not compile (naming
    ///   its `label`) or Rewind is quitting, `EventLogError` when the log cannot be read.
    public static func run(log: any EventStore, current: Definition, other: Definition, through position: UInt64? = nil, key: String? = nil) throws -> Result {
        let head = log.head
        let target = min(position ?? head, head)
        let store = ProjectionStore(logPath: log.path)
        func make(_ d: Definition) throws -> (Projector, Upcaster) {
            do {
                let p = try Projector(definition: d.projection, upcasters: d.upcasters, store: store, head: head, fresh: true, rebuildStale: true, now: 0, limits: d.limits)
                return (p, try Upcaster(d.upcasters, limits: d.limits))
            } catch let e as JQError {
                throw ProjectionStateAt.Failure(description: "\(d.label): \(e.message)")
            }
        }
        let (left, leftUpcaster) = try make(current)
        let (right, rightUpcaster) = try make(other)
        var difference: Difference?
        if target > 0 {
            try log.readAll(from: 1) { view in
                if view.position > target { return false }
                let leftActive = left.isActive, rightActive = right.isActive
                let l: Projector.Fed = leftActive ? left.feed(view, upcaster: leftUpcaster) : .skipped
                let r: Projector.Fed = rightActive ? right.feed(view, upcaster: rightUpcaster) : .skipped
                if left.interrupted || right.interrupted { return false }
                if difference == nil && (l != .skipped || r != .skipped) {
                    difference = Self.difference(after: view, left: left, right: right, leftFed: l, rightFed: r, only: key)
                }
                return left.isActive || right.isActive
            }
        }
        if left.interrupted || right.interrupted {
            throw ProjectionStateAt.Failure(description: "projection \(current.projection.name): stopped before position \(target) (Rewind is quitting)")
        }
        return Result(
            position: target, difference: difference,
            current: Side(state: left.stateJSON(), isPartitioned: left.isPartitioned, fault: left.fault),
            other: Side(state: right.stateJSON(), isPartitioned: right.isPartitioned, fault: right.fault))
    }

    /// The difference `view` made, or nil when both sides still agree after it.
    private static func difference(
        after view: EventView, left: Projector, right: Projector, leftFed: Projector.Fed, rightFed: Projector.Fed, only: String?
    ) -> Difference? {
        let leftFault = leftFed == .stopped ? left.fault : nil
        let rightFault = rightFed == .stopped ? right.fault : nil
        func make(key: String?, current: JSONValue?, other: JSONValue?) -> Difference {
            Difference(
                position: view.position, stream: view.stream, version: view.version, eventType: view.type, key: key,
                current: current, other: other, currentFault: leftFault, otherFault: rightFault)
        }
        if leftFault != nil || rightFault != nil {
            // The same error on the same event is no difference: both stop with the same state.
            if let a = leftFault, let b = rightFault, a.handler == b.handler, a.message == b.message { return nil }
            if left.isPartitioned, right.isPartitioned {
                let key = left.lastKey ?? right.lastKey
                if let only, let key, key != only { return nil }
                return make(key: key, current: key.flatMap(left.partitionState), other: key.flatMap(right.partitionState))
            }
            return make(key: nil, current: left.stateJSON(), other: right.stateJSON())
        }
        switch (left.isPartitioned, right.isPartitioned) {
        case (false, false):
            return left.sameState(as: right, key: nil) ? nil : make(key: nil, current: left.stateJSON(), other: right.stateJSON())
        case (true, true):
            let keys = Set([left.lastKey, right.lastKey].compactMap { $0 }).filter { only == nil || $0 == only }.sorted()
            for key in keys where !left.sameState(as: right, key: key) {
                return make(key: key, current: left.partitionState(key), other: right.partitionState(key))
            }
            return nil
        default:
            // One side partitioned, the other not: only whole states can be compared.
            let a = left.stateJSON(), b = right.stateJSON()
            return a == b ? nil : make(key: nil, current: a, other: b)
        }
    }
}
