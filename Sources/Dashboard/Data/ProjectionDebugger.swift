import EventLog
import JSON
import Replay

/// The projection debugger's answers for one projection, on the log worker's thread: the
/// events the projection handles, and for one of them the event, the handler, the state before
/// and after, and the fault.
///
/// Every handled event's step is folded once, from the first event, exactly as `project step`
/// folds it (the saved file under `LOG/projections/` is not used, nothing is written), and kept
/// until the log grows; moving the slider is then a lookup. Not thread-safe (libjq): one
/// worker's `LogSource` owns it.
final class ProjectionDebugger {
    let definition: ProjectionDefinition
    private let log: EventLog
    private let upcasters: [UpcasterDefinition]
    private let limits: JQLimits
    private var steps: [ProjectionSteps.Step] = []
    private var isPartitioned = false
    /// A fault before any handled event (an `init` that fails).
    private var faultBefore: ProjectionFault?
    private var foldedHead: UInt64?

    init(log: EventLog, definition: ProjectionDefinition, upcasters: [UpcasterDefinition], limits: JQLimits) {
        self.log = log
        self.definition = definition
        self.upcasters = upcasters
        self.limits = limits
    }

    /// The stop `move` leads to from global position `from`, among the events of partition
    /// `key` (nil: all handled events).
    func look(_ move: DebugMove, from: UInt64, key: String?) throws -> DebugStepView {
        if foldedHead == nil { try fold() }
        let view = try look(move, from: from, key: key, in: steps)
        // A live log: fold again only when the answer is the last step folded and the log has
        // grown since (moving among earlier steps needs no new fold: the log only grows).
        guard let head = foldedHead, log.head != head, view.index == view.handledCount || move == .last else { return view }
        try fold()
        return try look(move, from: from, key: key, in: steps)
    }

    private func look(_ move: DebugMove, from: UInt64, key: String?, in steps: [ProjectionSteps.Step]) throws -> DebugStepView {
        let shown = key.map { k in steps.filter { $0.key == k } } ?? steps
        let fault = steps.last?.fault ?? faultBefore
        var view = DebugStepView(projection: definition.name, isPartitioned: isPartitioned, key: key,
                                 handledCount: shown.count, head: foldedHead ?? 0, fault: fault)
        guard !shown.isEmpty else { return view }
        let i: Int
        switch move {
        case .at(let p): i = Self.index(atOrBefore: p, in: shown) ?? 0
        case .by(let n):
            // Before the first handled event, one step on is the first.
            let here = Self.index(atOrBefore: from, in: shown) ?? -1
            i = min(max(0, here + n), shown.count - 1)
        case .first: i = 0
        case .last: i = shown.count - 1
        case .fault: i = shown.lastIndex { $0.fault != nil } ?? shown.count - 1
        }
        let step = shown[i]
        view.step = step
        view.index = i + 1
        if let after = step.after { view.changed = Set(JSONValue.diff(from: step.before, to: after).map(\.path)) }
        return view
    }

    /// The index of the last step at or before `position` (binary search: steps are in log order).
    static func index(atOrBefore position: UInt64, in steps: [ProjectionSteps.Step]) -> Int? {
        var lo = 0, hi = steps.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if steps[mid].position <= position { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : lo - 1
    }

    private func fold() throws {
        let head = log.head
        let result = try ProjectionSteps.run(
            log: log, definition: definition, upcasters: upcasters, limits: limits, from: 1, count: .max, useSaved: false)
        steps = result.steps
        isPartitioned = result.isPartitioned
        faultBefore = result.faultBefore
        foldedHead = head
    }
}
