import Foundation
import Platform
import Replay
import Synchronization

/// A thread that answers the dashboard's requests from one `LogSource`.
///
/// The dashboard runs three of them, each with a source of its own: the interactive worker
/// (what a key waits for: states, events), the catalog worker (the streams list) and the
/// background worker (slow work: blame, densities, lag, snapshot checks), so slow work never
/// delays a key. The input thread submits `Request`s; a worker serves the most urgent first (see
/// `Request.Kind`), a newer request of a kind replacing one still waiting, and posts each answer
/// to the outbox as a `Message`.
///
/// The source, and with it everything that touches libjq (reducers, upcasters, projections'
/// definitions), is handed to the worker's thread when it starts and used by that thread only,
/// which is what libjq requires; the compiler checks it (the source is `sending`).
public final class LogWorker: Sendable {
    private struct Queue {
        var slots: [Request.Kind: Request] = [:]
        var stopping = false
        /// True while a request is being served.
        var busy = false
        /// The worker thread's identity for `JQWatchdog`, while it runs.
        var threadID: UInt?

        var isIdle: Bool { !busy && slots.isEmpty }
    }

    private let queue = Monitor(Queue())
    /// Read on every turn of the app's loop, so kept out of the lock: true while requests wait
    /// or one is being served.
    private let working = Atomic<Bool>(false)
    private let outbox: Outbox
    /// The source until `start()`'s thread takes it.
    private let unstarted: Mutex<LogSource?>

    public init(source: sending LogSource, outbox: Outbox) {
        self.unstarted = Mutex(source)
        self.outbox = outbox
    }

    /// Starts the worker's thread (once; later calls do nothing).
    public func start() {
        let t = Thread { [self] in
            guard let source = unstarted.withLock({ $0.take() }) else { return }
            loop(source)
        }
        t.name = "rewind-log-worker"
        t.stackSize = 8 << 20
        t.start()
    }

    public func submit(_ request: Request) {
        queue.update {
            $0.slots[request.kind] = request
            working.store(true, ordering: .sequentiallyConsistent)
        }
    }

    /// Stops after the request in progress, which is cut short when a jq handler runs (quitting
    /// must not wait for a handler's time budget); idempotent.
    public func stop() {
        requestStop()
        _ = queue.wait(until: { !$0.busy })
    }

    /// Asks the worker to stop and cuts a running handler short, without waiting (to stop
    /// several workers at once, then `stop()` each); idempotent.
    public func requestStop() {
        queue.update {
            $0.stopping = true
            if let thread = $0.threadID { JQWatchdog.shared.cancelEvaluations(onThread: thread) }
        }
    }

    /// True while requests wait or one is being served.
    public var hasWork: Bool {
        working.load(ordering: .sequentiallyConsistent)
    }

    /// Blocks until every submitted request has been answered, or `timeout` seconds passed.
    /// - Returns: whether the worker is idle.
    public func waitUntilIdle(timeout: Double = 10) -> Bool {
        queue.wait(until: { $0.isIdle }, timeout: timeout)
    }

    private func loop(_ source: LogSource) {
        let me = JQWatchdog.currentThread
        queue.update { $0.threadID = me }
        while true {
            // Taking a request only makes the worker busy, which no waiter waits for: wake nobody.
            let request: Request?? = queue.wait(until: { !$0.slots.isEmpty || $0.stopping }, wakesOthers: false) { q, _ in
                if q.stopping {
                    // Under the lock `requestStop()` cancels with: a cancellation never outlives
                    // the thread (thread identities are reused).
                    q.threadID = nil
                    JQWatchdog.shared.forgetThread(me)
                    return .none
                }
                let kind = q.slots.keys.min() ?? .refresh
                q.busy = true
                return .some(q.slots.removeValue(forKey: kind))
            }
            guard let next = request else { return }
            if case .find(let query)?? = request {
                // Posts as it goes; stops when a newer search (or a cancel) waits, or on quit.
                source.find(query, post: outbox.post, shouldStop: { [queue] in queue.read { $0.slots[.find] != nil || $0.stopping } })
            } else if let next {
                outbox.post(source.serve(next))
            }
            // The answer is posted before the worker looks idle, so `hasWork || !outbox.isEmpty`
            // never misses it.
            queue.update {
                $0.busy = false
                working.store(!$0.slots.isEmpty, ordering: .sequentiallyConsistent)
            }
        }
    }
}
