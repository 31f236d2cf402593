import Dispatch
import Synchronization

/// A value guarded by a lock, which threads can wait on until it satisfies a condition.
///
/// It replaces `NSCondition` plus hand-guarded stored properties: the state can only be reached
/// inside the lock, so the compiler checks what was a comment ("guarded by `lock`"), and the
/// type is `Sendable` without `@unchecked`.
///
/// Waking: every `update` (and every `wait(until:timeout:then:)`, which changes the state too)
/// wakes every thread waiting at that moment, which then looks at its condition again. A waiter
/// sleeps on a semaphore of its own (a futex), so an update with nobody waiting costs only the
/// lock. `read` and the plain `wait(until:timeout:)` change nothing and wake nobody.
///
/// Contracts: the closures run with the lock held: keep them short, and do not call back into
/// the same monitor from them (the lock is not recursive; that would deadlock). Timeouts are in
/// seconds on a monotonic clock.
public final class Monitor<State>: Sendable {
    private struct Storage {
        var state: State
        /// One semaphore per thread waiting now; signalled once by the update that wakes it.
        var waiters: [DispatchSemaphore] = []

        mutating func takeWaiters() -> [DispatchSemaphore] {
            guard !waiters.isEmpty else { return [] }
            defer { waiters = [] }
            return waiters
        }
    }

    private enum Turn<R> {
        case done(R, wake: [DispatchSemaphore])
        case sleep(DispatchSemaphore)
    }

    private let storage: Mutex<Storage>

    public init(_ initial: sending State) {
        storage = Mutex(Storage(state: initial))
    }

    /// Reads the state (lock held); wakes nobody.
    public func read<R>(_ body: (borrowing State) throws -> sending R) rethrows -> sending R {
        try storage.withLock { try body($0.state) }
    }

    /// Changes the state (lock held), then wakes every waiting thread to check its condition.
    @discardableResult
    public func update<R>(_ body: (inout State) throws -> sending R) rethrows -> sending R {
        let (result, waiters) = try storage.withLock { s -> (R, [DispatchSemaphore]) in
            (try body(&s.state), s.takeWaiters())
        }
        for w in waiters { w.signal() }
        return result
    }

    /// Waits until `condition` holds, or `timeout` seconds (nil: forever) have passed.
    /// - Returns: whether the condition held when it returned.
    public func wait(until condition: (borrowing State) -> Bool, timeout seconds: Double? = nil) -> Bool {
        waitThenRun(until: condition, timeout: seconds, wakesOthers: false) { _, satisfied in satisfied }
    }

    /// Waits until `condition` holds (or the timeout passes), then runs `body` in the same
    /// critical section, so nothing can change the state between the check and the change
    /// ("wait for a request, then take it"). `body` learns whether the condition held. Wakes
    /// the other waiters afterwards, as `update` does, unless `wakesOthers` is false: pass false
    /// when no other waiter can be waiting for what `body` changes (a wake-up per call on a hot
    /// path costs a context switch).
    public func wait<R>(until condition: (borrowing State) -> Bool, timeout seconds: Double? = nil, wakesOthers: Bool = true,
                        then body: (inout State, _ satisfied: Bool) throws -> sending R) rethrows -> sending R {
        try waitThenRun(until: condition, timeout: seconds, wakesOthers: wakesOthers, then: body)
    }

    private func waitThenRun<R>(until condition: (borrowing State) -> Bool, timeout seconds: Double?, wakesOthers: Bool,
                         then body: (inout State, Bool) throws -> sending R) rethrows -> sending R {
        let deadline = seconds.map { DispatchTime.now() + max(0, $0) }
        var semaphore: DispatchSemaphore?
        while true {
            let turn = try storage.withLock { s -> Turn<R> in
                // After a timeout the semaphore may still be listed: nobody will signal it now.
                if let semaphore, let i = s.waiters.firstIndex(where: { $0 === semaphore }) { s.waiters.remove(at: i) }
                let satisfied = condition(s.state)
                if satisfied || deadline.map({ DispatchTime.now() >= $0 }) == true {
                    let result = try body(&s.state, satisfied)
                    return .done(result, wake: wakesOthers ? s.takeWaiters() : [])
                }
                // Reused across turns: a signal that arrived after a timeout only causes one more
                // look at the condition.
                let next = semaphore ?? DispatchSemaphore(value: 0)
                s.waiters.append(next)
                return .sleep(next)
            }
            switch turn {
            case let .done(result, wake):
                for w in wake { w.signal() }
                return result
            case let .sleep(next):
                semaphore = next
                if let deadline { _ = next.wait(timeout: deadline) } else { next.wait() }
            }
        }
    }
}
