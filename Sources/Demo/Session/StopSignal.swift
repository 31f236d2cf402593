import Foundation
import Platform

/// A "please stop" flag that sleeping threads wake up for: the demo's writer and consumer
/// sleep on it between appends, so `DemoSession.stop()` never waits out a sleep.
///
/// Thread-safe; copies share one flag. It takes a lock, so it is not for a raw signal(2)
/// handler (see `DemoSession`).
struct StopSignal: Sendable {
    private let requested = Monitor(false)

    func request() {
        requested.update { $0 = true }
    }

    var isRequested: Bool {
        requested.read { $0 }
    }

    /// Sleeps up to `seconds`; true when a stop was requested (at once, or meanwhile).
    func sleep(_ seconds: Double) -> Bool {
        requested.wait(until: { $0 }, timeout: max(0, seconds))
    }
}

/// A thread that can be joined: `join()` returns once its body has returned. Copies share the
/// thread.
struct JoinableThread: Sendable {
    private let finished = Monitor(false)

    /// Starts `body` on a new thread named `name`.
    init(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [finished] in
            body()
            finished.update { $0 = true }
        }
        thread.name = name
        thread.start()
    }

    var isFinished: Bool {
        finished.read { $0 }
    }

    func join() {
        _ = finished.wait(until: { $0 })
    }
}

/// Seconds on a monotonic clock, for pacing (never jumps with the wall clock).
enum Monotonic {
    static func now() -> Double { MonotonicClock.seconds }
}
