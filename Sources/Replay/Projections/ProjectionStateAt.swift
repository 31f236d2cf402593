import EventLog
import JSON

/// A projection's read model as it was at any global position, folded in memory and never
/// written: `rewind project state` and the tests' reference point.
///
/// The state at position P is the state after applying, in log order, every event at
/// positions 1…P that the projection handles (its `from` streams and `on` types, upcasted first),
/// exactly as `project run` applies them. The projection's saved file under `LOG/projections/`
/// is only read: when its checkpoint is at or below P and its fingerprint matches the
/// definition (same handlers, partition, upcasters), the fold starts there instead of at 1;
/// otherwise it starts from `init`. Nothing under `LOG/projections/` is created, locked or
/// changed, so this can run beside a live `project run`.
///
/// Not thread-safe (libjq): one fold runs on the calling thread and keeps nothing afterwards.
public enum ProjectionStateAt {
    /// The fold's outcome.
    public struct Result: Sendable, Equatable {
        /// The position the state covers: the requested one, capped at the head.
        public var position: UInt64
        /// The single state, or for a partitioned projection an object of key → state.
        public var state: JSONValue
        public var isPartitioned: Bool
        /// For a partitioned projection: each key's state (the same as `state`'s members).
        public var partitions: [String: JSONValue]
        /// Set when a handler failed on an event at or before `position`: the state is then the
        /// one just before that event (as `project run` would have kept it), and the fold stopped.
        public var fault: ProjectionFault?
        /// The checkpoint of the saved file the fold resumed from (0: from the first event).
        public var resumedFrom: UInt64
        /// Events the fold applied (handlers run) from where it started.
        public var applied: UInt64
    }

    /// Why a fold could not run.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The state of `definition` after every event up to `position` (nil: the head).
    ///
    /// - Parameters:
    ///   - useSaved: start from the saved file when it is usable (see the type's comment).
    /// - Throws: `JQError` when the definition does not compile, `Failure` when stopped
    ///   (Rewind is quitting), `EventLogError` when the log cannot be read.
    public static func fold(
        log: any EventStore, definition: ProjectionDefinition, upcasters: [UpcasterDefinition], limits: JQLimits = .standard,
        through position: UInt64? = nil, useSaved: Bool = true
    ) throws -> Result {
        let target = min(position ?? log.head, log.head)
        let results = try fold(log: log, definition: definition, upcasters: upcasters, limits: limits, at: [target], useSaved: useSaved)
        guard let result = results.first else { throw Failure(description: "projection \(definition.name): no state was folded") }
        return result
    }

    /// The states at several positions (each capped at the head), in one pass: the answer for
    /// each position, in the order given. A fault stops the pass; every later position then
    /// gets the state before the poison event and the fault.
    public static func fold(
        log: any EventStore, definition: ProjectionDefinition, upcasters: [UpcasterDefinition], limits: JQLimits = .standard,
        at positions: [UInt64], useSaved: Bool = true
    ) throws -> [Result] {
        let head = log.head
        let targets = positions.map { min($0, head) }
        guard let lowest = targets.min(), let highest = targets.max() else { return [] }
        let (projector, resumedFrom) = try start(
            log: log, definition: definition, upcasters: upcasters, limits: limits, through: lowest, useSaved: useSaved)
        let startApplied = projector.applied
        let upcaster = try Upcaster(upcasters, limits: limits)
        var answers: [UInt64: Result] = [:]
        func capture(_ at: UInt64) {
            var partitions: [String: JSONValue] = [:]
            let state = projector.stateJSON()
            if projector.isPartitioned, case .object(let members) = state {
                for (k, v) in members { partitions[k] = v }
            }
            answers[at] = Result(
                position: at, state: state, isPartitioned: projector.isPartitioned, partitions: partitions,
                fault: projector.fault, resumedFrom: resumedFrom, applied: projector.applied - startApplied)
        }
        var stops = Set(targets).sorted()[...]
        while let next = stops.first, next <= projector.checkpoint { capture(next); stops.removeFirst() }
        if !stops.isEmpty {
            try log.readAll(from: projector.checkpoint + 1) { view in
                while let next = stops.first, view.position > next { capture(next); stops.removeFirst() }
                if stops.isEmpty || view.position > highest { return false }
                return projector.feed(view, upcaster: upcaster) != .stopped
            }
        }
        if projector.interrupted {
            throw Failure(description: "projection \(definition.name): stopped before position \(highest) (Rewind is quitting)")
        }
        // The rest: reached the end of the log or stopped at a fault (the state before it).
        for next in stops { capture(next) }
        return targets.compactMap { answers[$0] }
    }

    /// A fresh projector for `definition`, resumed from its saved file when that file is usable
    /// and its checkpoint is at or below `position` (see the type's comment); and where it resumed.
    static func start(
        log: any EventStore, definition: ProjectionDefinition, upcasters: [UpcasterDefinition], limits: JQLimits,
        through position: UInt64, useSaved: Bool
    ) throws -> (Projector, resumedFrom: UInt64) {
        let head = log.head
        let store = ProjectionStore(logPath: log.path)
        let projector = try Projector(
            definition: definition, upcasters: upcasters, store: store, head: head, fresh: true, rebuildStale: true,
            now: 0, limits: limits)
        var resumedFrom: UInt64 = 0
        if useSaved, let record = try? store.load(definition.name), record.checkpoint <= position, record.fault == nil,
           Projector.staleness(of: record, fingerprint: projector.fingerprint, head: head) == nil {
            // A damaged or foreign file is only a missed shortcut: fold from the start instead.
            if (try? projector.restore(record)) != nil { resumedFrom = record.checkpoint }
        }
        return (projector, resumedFrom)
    }

    /// The global position an instant means: the longest prefix of the log whose events all
    /// happened at or before `micros` by their own time (`originalMicros`: for an imported event
    /// the time it carried, else when it was appended). With times that grow with position, that
    /// is the last event at or before the instant; an event stamped later than the instant ends
    /// the prefix even when a later position carries an earlier time, as `rewind state --time`
    /// does for a stream. 0 when the first event is later.
    public static func position(atTime micros: Int64, log: any EventStore) throws -> UInt64 {
        var last: UInt64 = 0
        try log.readAll { view in
            guard view.originalMicros <= micros else { return false }
            last = view.position
            return true
        }
        return last
    }
}
