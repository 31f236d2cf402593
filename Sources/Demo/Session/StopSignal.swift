import Foundation

/// A "please stop" flag that sleeping threads wake up for: the demo's writer and consumer
/// sleep on it between appends, so `DemoSession.stop()` never waits out a sleep.
///
/// Thread-safe. It takes a lock, so it is not for a raw signal(2) handler (see `DemoSession`).
final class StopSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var requested = false

    func request() {
        condition.lock()
        requested = true
        condition.broadcast()
        condition.unlock()
    }

    var isRequested: Bool {
        condition.lock()
        defer { condition.unlock() }
        return requested
    }

    /// Sleeps up to `seconds`; true when a stop was requested (at once, or meanwhile).
    func sleep(_ seconds: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: max(0, seconds))
        while !requested { if !condition.wait(until: deadline) { break } }
        return requested
    }
}

/// A thread that can be joined: `join()` returns once its body has returned.
final class JoinableThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var finished = false

    /// Starts `body` on a new thread named `name`.
    init(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            body()
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = name
        thread.start()
    }

    var isFinished: Bool {
        condition.lock()
        defer { condition.unlock() }
        return finished
    }

    func join() {
        condition.lock()
        defer { condition.unlock() }
        while !finished { condition.wait() }
    }
}

/// Seconds on a monotonic clock, for pacing (never jumps with the wall clock).
enum Monotonic {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
