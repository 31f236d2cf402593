import EventLog
import JSON
import Replay

/// The projection debugger's answers for one projection, on the log worker's thread: the
/// events the projection handles, and for one of them the event, the handler, the state before
/// and after, and the fault.
///
/// Built on `ProjectionTimeline`: the stops are its handled positions (read from event headers,
/// cut at the fault), and the step at a stop comes from its cache of states, so a slider over a
/// long log costs a restore and a short fold per move, not a fold from the first event. Pinned
/// to a partition, the stops are that partition's steps, walked once per key and log length.
/// The same states as `rewind project step`: nothing is written, `LOG/projections/` not read.
///
/// Not thread-safe (libjq): one worker's `LogSource` owns it.
final class ProjectionDebugger {
    let timeline: ProjectionTimeline
    var definition: ProjectionDefinition { timeline.definition }
    private var log: any EventStore { timeline.log }
    /// For a pinned key: its steps, as of `pinnedHead`.
    private var pinned: (key: String, head: UInt64, steps: [ProjectionSteps.Step])?

    init(timeline: ProjectionTimeline) {
        self.timeline = timeline
    }

    /// The stop `move` leads to from global position `from`, among the events of partition
    /// `key` (nil: all handled events).
    func look(_ move: DebugMove, from: UInt64, key: String?) throws -> DebugStepView {
        let head = log.head
        let fault = try timeline.state(at: head, key: timeline.isPartitioned ? "" : nil).fault
        var view = DebugStepView(projection: definition.name, isPartitioned: timeline.isPartitioned, key: key, head: head, fault: fault)
        if let key { return try lookPinned(move, from: from, key: key, view: view) }
        var stops = try timeline.handledPositions(in: 1...max(1, head))
        // The slider ends at the poison event: nothing after it is applied.
        if let p = fault?.position, let cut = stops.firstIndex(where: { $0 > p }) { stops.removeSubrange(cut...) }
        view.handledCount = stops.count
        guard !stops.isEmpty else { return view }
        var i = Self.target(move, from: from, in: stops, fault: fault)
        // A stop whose partition key is null passes without a handler: the step found is then a
        // later one; going back (or to a position), keep going back to a stop that has a step.
        let backward: Bool
        switch move {
        case .by(let n): backward = n < 0
        case .at, .last, .fault: backward = true
        case .first: backward = false
        }
        while true {
            // No step at or after this stop (null keys to the end): look further back.
            guard let step = try timeline.steps(from: stops[i], count: 1).steps.first else {
                if i == 0 { break }
                i -= 1
                continue
            }
            if step.position == stops[i] || !backward || i == 0 {
                view.step = step
                view.index = (Self.index(atOrBefore: step.position, in: stops) ?? i) + 1
                break
            }
            i -= 1
        }
        if let step = view.step { view.changed = Set(step.changes.map(\.path)) }
        return view
    }

    private func lookPinned(_ move: DebugMove, from: UInt64, key: String, view: DebugStepView) throws -> DebugStepView {
        var view = view
        if pinned?.key != key || pinned?.head != view.head {
            let steps = try timeline.steps(from: 1, count: .max, key: key).steps
            pinned = (key, view.head, steps)
        }
        let steps = pinned?.steps ?? []
        view.handledCount = steps.count
        guard !steps.isEmpty else { return view }
        let i = Self.target(move, from: from, in: steps.map(\.position), fault: view.fault)
        view.step = steps[i]
        view.index = i + 1
        view.changed = Set(steps[i].changes.map(\.path))
        return view
    }

    /// The index in `stops` (not empty) that `move` from position `from` leads to.
    static func target(_ move: DebugMove, from: UInt64, in stops: [UInt64], fault: ProjectionFault?) -> Int {
        switch move {
        case .at(let p): return index(atOrBefore: p, in: stops) ?? 0
        case .by(let n):
            // Before the first stop, one step on is the first.
            let here = index(atOrBefore: from, in: stops) ?? -1
            return min(max(0, here + n), stops.count - 1)
        case .first: return 0
        case .last: return stops.count - 1
        case .fault: return fault?.position.flatMap { index(atOrBefore: $0, in: stops) } ?? stops.count - 1
        }
    }

    /// The index of the last stop at or before `position` (binary search: stops are in log order).
    static func index(atOrBefore position: UInt64, in stops: [UInt64]) -> Int? {
        var lo = 0, hi = stops.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if stops[mid] <= position { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : lo - 1
    }
}
