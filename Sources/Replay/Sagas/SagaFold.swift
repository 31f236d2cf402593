/// Folds the events of a log, in global order, into the instances of one saga, then judges each
/// instance against the log's newest event time (`finish`).
///
/// Exact and deterministic: instances come out in the order of their first event; steps
/// repeated or out of order and compensations of steps that never ran are reported as
/// anomalies, never trapped on. Memory per instance is bounded (see `SagaInstance`).
public struct SagaFold: Sendable {
    /// What an event type means to the saga.
    enum Role: Sendable {
        case step(Int)
        case compensation(Int)
        case failure
    }

    public let definition: SagaDefinition
    let roles: [String: Role]
    private var instances: [SagaInstance] = []
    private var slots: [String: Int] = [:]

    public init(definition: SagaDefinition) {
        self.definition = definition
        var roles: [String: Role] = [:]
        for (i, step) in definition.steps.enumerated() { roles[step] = .step(i) }
        for c in definition.compensations {
            if let i = definition.steps.firstIndex(of: c.step) { roles[c.type] = .compensation(i) }
        }
        for f in definition.failed where roles[f] == nil { roles[f] = .failure }
        self.roles = roles
    }

    /// Whether events of `type` take part in the saga.
    public func concerns(type: String) -> Bool { roles[type] != nil }

    /// Adds one event of the saga's types to the instance `id` (events arrive in global order).
    public mutating func add(instance id: String, _ event: EventRef) {
        guard let role = roles[event.type] else { return }
        let slot: Int
        if let s = slots[id] {
            slot = s
        } else {
            slot = instances.count
            slots[id] = slot
            var fresh = SagaInstance(id: id, steps: definition.steps.count)
            fresh.firstPosition = event.position
            instances.append(fresh)
        }
        Self.apply(role, event, to: &instances[slot], steps: definition.steps)
    }

    private static func apply(_ role: Role, _ event: EventRef, to instance: inout SagaInstance, steps: [String]) {
        instance.eventCount += 1
        instance.lastPosition = event.position
        instance.lastMicros = max(instance.lastMicros, event.micros)
        instance.lastType = event.type
        switch role {
        case .step(let i):
            if instance.stepCounts[i] == 0, let later = (i + 1..<steps.count).first(where: { instance.stepCounts[$0] > 0 }) {
                instance.note("\(steps[i]) ran after \(steps[later])")
            }
            if instance.stepCounts[i] == 1 { instance.note("\(steps[i]) ran more than once") }
            instance.stepCounts[i] += 1
            if instance.stepEvents[i].count < SagaInstance.maxEvents { instance.stepEvents[i].append(event) }
        case .compensation(let i):
            if instance.stepCounts[i] == 0 { instance.note("\(event.type) compensates \(steps[i]), which had not run") }
            if instance.compensationCounts[i] == 0 {
                instance.compensationOrder.append(i)
            } else if instance.compensationCounts[i] == 1 {
                instance.note("\(event.type) ran more than once")
            }
            instance.compensationCounts[i] += 1
            if instance.compensationEvents[i].count < SagaInstance.maxEvents { instance.compensationEvents[i].append(event) }
        case .failure:
            instance.failureCount += 1
            if instance.failure == nil { instance.failure = event }
        }
    }

    /// Every instance with its status, judged at `newestMicros` (the newest event time in the log).
    public func finish(newestMicros: Int64) -> SagaReport {
        SagaReport(definition: definition, instances: instances.map { judge($0, newestMicros: newestMicros) }, newestMicros: newestMicros)
    }

    /// Sets the status, reason and order verdict of one instance.
    func judge(_ original: SagaInstance, newestMicros: Int64) -> SagaInstance {
        var s = original
        let steps = definition.steps
        let idle = newestMicros > s.lastMicros ? newestMicros - s.lastMicros : 0
        let timedOut = idle > definition.timeoutMicros
        let idleText = SagaDuration.text(micros: idle)
        let firstMissing = s.stepCounts.firstIndex(of: 0)
        if s.failure == nil && s.compensationOrder.isEmpty {
            if firstMissing == nil {
                s.status = .completed
                s.reason = "all \(steps.count) steps ran"
            } else if let m = firstMissing {
                s.status = timedOut ? .stuck : .running
                s.reason = timedOut
                    ? "no event for \(idleText) after \(s.lastType), waiting for \(steps[m])"
                    : "waiting for \(steps[m]) (last event \(idleText) before the newest in the log)"
            }
        } else {
            // Completed steps that can be undone, in the order they first ran.
            let needed = steps.indices
                .filter { s.stepCounts[$0] > 0 && definition.compensation(ofStep: $0) != nil }
                .sorted { (s.stepEvents[$0].first?.position ?? 0) < (s.stepEvents[$1].first?.position ?? 0) }
            let missing = needed.filter { s.compensationCounts[$0] == 0 }
            let cause = s.failure.map { "after \($0.type)" } ?? "without a failure event"
            if needed.isEmpty && s.compensationOrder.isEmpty {
                s.status = .failed
                s.reason = "\(s.failure?.type ?? "failure") before any step to compensate"
            } else if missing.isEmpty {
                s.status = .compensated
                let actual = s.compensationOrder.filter { needed.contains($0) }
                let expected = Array(needed.reversed())
                if let k = zip(actual, expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                    let ran = actual[k]
                    let due = expected[k]
                    let ranType = definition.compensation(ofStep: ran) ?? steps[ran]
                    let dueType = definition.compensation(ofStep: due) ?? steps[due]
                    s.misordered = "\(ranType) (undoing \(steps[ran])) ran before \(dueType) (undoing \(steps[due]))"
                    s.reason = "compensated \(cause), out of order: " + (s.misordered ?? "")
                } else {
                    s.reason = "compensated \(cause), in reverse order"
                }
            } else {
                let names = missing.map { steps[$0] }.joined(separator: ", ")
                s.status = timedOut ? .failed : .running
                s.reason = timedOut
                    ? "\(s.failure?.type ?? "compensation started"); \(names) not compensated (no event for \(idleText))"
                    : "compensating \(cause): \(names) not compensated yet"
            }
        }
        return s
    }
}
