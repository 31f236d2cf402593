import EventLog
import Foundation

/// The demo's writer: keeps appending a sample's history at a steady rate, each event durable
/// (fdatasync) before the next, with optimistic concurrency (each append expects the stream's
/// version the generator knows), and a poison event now and then.
///
/// `run()` is the thread's body; `stats` may be read from any thread.
final class LiveWriter: @unchecked Sendable {
    struct Stats: Sendable, Equatable {
        /// Events appended since the writer started.
        var appended = 0
        /// The positions of the poison events appended.
        var poisonPositions: [UInt64] = []
        /// The head after the last append.
        var lastPosition: UInt64 = 0
        /// Why the writer stopped early (an append failed), if it did.
        var failure: String?
    }

    private let log: EventLog
    private var history: SampleHistory
    private let rate: Double
    private let firstPoisonAfter: Int
    private let poisonEvery: Int
    private let stop: StopSignal
    private let lock = NSLock()
    private var current = Stats()

    /// - Parameters:
    ///   - history: continues where the imported history stopped.
    ///   - rate: events per second.
    ///   - firstPoisonAfter, poisonEvery: a poison event after this many live events (< 0:
    ///     never), then every `poisonEvery` more (0: only the first).
    init(log: EventLog, history: SampleHistory, rate: Double, firstPoisonAfter: Int, poisonEvery: Int, stop: StopSignal) {
        self.log = log
        self.history = history
        self.rate = rate
        self.firstPoisonAfter = firstPoisonAfter
        self.poisonEvery = poisonEvery
        self.stop = stop
        self.history.followWallClock()
    }

    var stats: Stats {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    func run() {
        let interval = 1 / rate
        var due = Monotonic.now()
        var nextPoison = firstPoisonAfter >= 0 ? firstPoisonAfter : Int.max
        var live = 0
        while true {
            let wait = due - Monotonic.now()
            if wait > 0 ? stop.sleep(wait) : stop.isRequested { return }
            let poisoned = live >= nextPoison
            let events = poisoned ? history.poison() : history.next()
            if poisoned { nextPoison = poisonEvery > 0 ? nextPoison + poisonEvery : Int.max }
            do {
                for (i, e) in events.enumerated() {
                    let result = try log.append(to: e.stream, [e.newEvent(keepTime: false)], expected: e.version == 1 ? .noStream : .exact(e.version - 1))
                    // The poisoned event of a poison action is its last (those before set it up).
                    record(result.lastPosition, poison: poisoned && i == events.count - 1)
                }
            } catch {
                lock.lock()
                current.failure = "\(error)"
                lock.unlock()
                return
            }
            live += events.count
            due += interval * Double(events.count)
            let now = Monotonic.now()
            if now - due > 1 { due = now }  // a slow disk: go on at the rate rather than in a burst
        }
    }

    private func record(_ position: UInt64, poison: Bool) {
        lock.lock()
        current.appended += 1
        current.lastPosition = position
        if poison { current.poisonPositions.append(position) }
        lock.unlock()
    }
}
