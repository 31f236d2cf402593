import EventLog
import JSON

/// A projection debugger: the events a projection handles from a global position on, one at a
/// time, each with the state before and after it and the handler that ran (`rewind project step`).
///
/// The state just before the first position comes from the same fold as `project state` (a
/// usable saved file is only read); from there each event is applied with the same projector as
/// `project run`. For a partitioned projection the states are the event's partition's (a new
/// partition starts from `init`). A handler error ends the steps: the last step carries the
/// fault and the state the error left intact. Nothing is written.
///
/// Not thread-safe (libjq): runs on the calling thread and keeps nothing afterwards.
public enum ProjectionSteps {
    /// One event the projection handled.
    public struct Step: Sendable, Equatable {
        public var position: UInt64
        public var stream: String
        public var version: UInt64
        public var eventType: String
        public var schemaVersion: UInt32
        /// The data the handler saw (upcasted when an upcaster applies); binary data as a
        /// string saying its size; data that is not valid JSON as its text.
        public var data: JSONValue
        /// The partition the event belongs to (nil: unpartitioned, or the key failed).
        public var key: String?
        /// The handler that ran: the event type, `$any`, or `partition`/`upcaster` for a fault there.
        public var handler: String
        public var before: JSONValue
        /// nil when the handler failed: the state stays `before`.
        public var after: JSONValue?
        public var fault: ProjectionFault?

        /// The paths the event changed, old → new (none when the handler failed), for a
        /// debugger that marks the changed fields.
        public var changes: [JSONChange] {
            guard let after else { return [] }
            return JSONValue.diff(from: before, to: after)
        }
    }

    /// The steps taken.
    public struct Result: Sendable, Equatable {
        public var steps: [Step]
        public var isPartitioned: Bool
        /// Set when a handler failed before the first position: no steps were taken.
        public var faultBefore: ProjectionFault?
        /// Where the fold to the first position started (0, or a saved checkpoint).
        public var resumedFrom: UInt64
    }

    /// Up to `count` steps of `definition` from global position `position` on (only events of
    /// partition `key` when given; the others are still applied).
    ///
    /// - Throws: `JQError` when the definition does not compile, `ProjectionStateAt.Failure`
    ///   when Rewind is quitting, `EventLogError` when the log cannot be read.
    public static func run(
        log: any EventStore, definition: ProjectionDefinition, upcasters: [UpcasterDefinition], limits: JQLimits = .standard,
        from position: UInt64, count: Int, key wanted: String? = nil, useSaved: Bool = true
    ) throws -> Result {
        let first = max(position, 1)
        let (projector, resumedFrom) = try ProjectionStateAt.start(
            log: log, definition: definition, upcasters: upcasters, limits: limits, through: first - 1, useSaved: useSaved)
        let upcaster = try Upcaster(upcasters, limits: limits)
        let (steps, faultBefore) = try walk(projector, upcaster: upcaster, log: log, from: first, count: count, key: wanted)
        if projector.interrupted {
            throw ProjectionStateAt.Failure(description: "projection \(definition.name): stopped at position \(projector.checkpoint + 1) (Rewind is quitting)")
        }
        return Result(steps: steps, isPartitioned: projector.isPartitioned, faultBefore: faultBefore, resumedFrom: resumedFrom)
    }

    /// The steps from `first` on, taken with `projector` (fed from its checkpoint up to `first`
    /// first); shared by `run` and `ProjectionTimeline`, which starts it from a cached state.
    /// The projector is left after the last step (faulted or interrupted when that ended them).
    static func walk(
        _ projector: Projector, upcaster: Upcaster, log: any EventStore, from first: UInt64, count: Int, key wanted: String?
    ) throws -> (steps: [Step], faultBefore: ProjectionFault?) {
        var steps: [Step] = []
        var faultBefore: ProjectionFault?
        if count > 0 {
            try log.readAll(from: projector.checkpoint + 1) { view in
                guard view.position >= first else {
                    if projector.feed(view, upcaster: upcaster) == .stopped {
                        faultBefore = projector.fault
                        return false
                    }
                    return true
                }
                guard projector.wants(stream: view.stream), projector.handles(view.type) else {
                    projector.skip(to: view.position)
                    return true
                }
                let type = view.type
                var step = Step(
                    position: view.position, stream: view.stream, version: view.version, eventType: type,
                    schemaVersion: view.schemaVersion, data: Self.data(of: view, upcast: nil), key: nil,
                    handler: projector.handlerName(for: type) ?? type, before: .null, after: nil, fault: nil)
                let upcast: Projector.Upcast
                switch projector.upcast(view, type: type, upcaster: upcaster) {
                case .success(let u): upcast = u
                case .failure:
                    guard !projector.interrupted else { return false }
                    if wanted == nil || !projector.isPartitioned {
                        step.before = projector.stateJSON()
                        step.handler = "upcaster"
                        step.fault = projector.fault
                        steps.append(step)
                    } else {
                        faultBefore = projector.fault
                    }
                    return false
                }
                if let upcast {
                    step.data = Self.data(of: view, upcast: upcast)
                    step.schemaVersion = upcast.schemaVersion
                }
                if projector.isPartitioned {
                    do {
                        guard let k = try projector.partitionKey(of: view, type: type, upcast: upcast) else {
                            projector.apply(view, type: type, upcast: upcast)  // a null key: passes, no handler runs
                            return true
                        }
                        step.key = k
                        if let wanted, k != wanted {
                            projector.apply(view, type: type, upcast: upcast)
                            if projector.fault != nil { faultBefore = projector.fault; return false }
                            return !projector.interrupted
                        }
                        step.before = projector.partitionState(k) ?? projector.initialJSON()
                    } catch {
                        step.handler = "partition"  // applying it records the same error as the fault
                    }
                } else {
                    step.before = projector.stateJSON()
                }
                projector.apply(view, type: type, upcast: upcast)
                if projector.interrupted { return false }
                if let fault = projector.fault {
                    step.fault = fault
                    step.handler = fault.handler
                    steps.append(step)
                    return false
                }
                step.after = step.key.map { projector.partitionState($0) ?? .null } ?? projector.stateJSON()
                steps.append(step)
                return steps.count < count
            }
        }
        return (steps, faultBefore)
    }

    /// The event's data as JSON: parsed, or a string for binary data and invalid JSON.
    static func data(of view: EventView, upcast: Projector.Upcast) -> JSONValue {
        if let upcast { return (try? JSONValue.parse(upcast.data)) ?? .string(String(decoding: upcast.data, as: UTF8.self)) }
        if view.contentType == .binary { return .string("<\(view.data.count) bytes binary>") }
        return (try? JSONValue.parse(view.data)) ?? .string(String(decoding: view.data, as: UTF8.self))
    }
}
