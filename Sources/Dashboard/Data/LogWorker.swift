import EventLog
import Foundation
import Replay

/// The one thread that reads the log and replays state for the dashboard.
///
/// The input thread submits `Request`s; the worker serves the most urgent first (see
/// `Request.Kind`), a newer request of a kind replacing one still waiting, and posts each answer
/// to the outbox as a `Message`. Everything that touches libjq (reducers, upcasters,
/// projections' definitions) runs on this thread only, which is what libjq requires.
public final class LogWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var slots: [Request.Kind: Request] = [:]
    private var stopping = false
    private var thread: Thread?
    private let outbox: Outbox
    private let source: LogSource
    /// Set when the worker has nothing queued and is not working (tests wait for it).
    private var busy = false

    public init(source: LogSource, outbox: Outbox) {
        self.source = source
        self.outbox = outbox
    }

    public func start() {
        let t = Thread { [weak self] in self?.loop() }
        t.name = "rewind-log-worker"
        t.stackSize = 8 << 20
        thread = t
        t.start()
    }

    public func submit(_ request: Request) {
        condition.lock()
        slots[request.kind] = request
        // Broadcast: `waitUntilIdle` callers wait on the same condition.
        condition.broadcast()
        condition.unlock()
    }

    /// Stops after the request in progress; idempotent.
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        // The worker broadcasts when it goes idle.
        while busy { condition.wait() }
        condition.unlock()
    }

    /// True while requests wait or one is being served.
    public var hasWork: Bool {
        condition.lock()
        defer { condition.unlock() }
        return busy || !slots.isEmpty
    }

    /// Blocks until every submitted request has been answered (for tests and benchmarks).
    public func waitUntilIdle(timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while busy || !slots.isEmpty {
            if !condition.wait(until: deadline) { return !(busy || !slots.isEmpty) }
        }
        return true
    }

    private func loop() {
        while true {
            condition.lock()
            while slots.isEmpty && !stopping { condition.wait() }
            if stopping { condition.unlock(); return }
            let kind = slots.keys.min() ?? .refresh
            let request = slots.removeValue(forKey: kind)
            busy = true
            condition.unlock()
            if let request {
                outbox.post(source.serve(request))
            }
            condition.lock()
            busy = false
            condition.broadcast()
            condition.unlock()
        }
    }
}
