import EventLog
import Foundation
import Synchronization

/// The demo's writer: keeps appending a sample's history at a steady rate, each event durable
/// (fdatasync) before the next, with optimistic concurrency (each append expects the stream's
/// version the generator knows), and a poison event now and then.
///
/// `run()` is the thread's body (once: it takes the generator; a second call returns at once);
/// `stats` may be read from any thread.
final class LiveWriter: Sendable {
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
    /// The generator, until `run()` takes it.
    private let history: Mutex<SampleHistory?>
    private let rate: Double
    private let firstPoisonAfter: Int
    private let poisonEvery: Int
    private let stop: StopSignal
    private let current = Mutex(Stats())

    /// - Parameters:
    ///   - history: continues where the imported history stopped.
    ///   - rate: events per second.
    ///   - firstPoisonAfter, poisonEvery: a poison event after this many live events (< 0:
    ///     never), then every `poisonEvery` more (0: only the first).
    init(log: EventLog, history: SampleHistory, rate: Double, firstPoisonAfter: Int, poisonEvery: Int, stop: StopSignal) {
        var history = history
        history.followWallClock()
        self.log = log
        self.history = Mutex(history)
        self.rate = rate
        self.firstPoisonAfter = firstPoisonAfter
        self.poisonEvery = poisonEvery
        self.stop = stop
    }

    var stats: Stats {
        current.withLock { $0 }
    }

    func run() {
        guard var generator = history.withLock({ $0.take() }) else { return }
        let interval = 1 / rate
        var due = Monotonic.now()
        var nextPoison = firstPoisonAfter >= 0 ? firstPoisonAfter : Int.max
        var live = 0
        while true {
            let wait = due - Monotonic.now()
            if wait > 0 ? stop.sleep(wait) : stop.isRequested { return }
            let poisoned = live >= nextPoison
            let events = poisoned ? generator.poison() : generator.next()
            if poisoned { nextPoison = poisonEvery > 0 ? nextPoison + poisonEvery : Int.max }
            do {
                for (i, e) in events.enumerated() {
                    let result = try log.append(to: e.stream, [e.newEvent(keepTime: false)], expected: e.version == 1 ? .noStream : .exact(e.version - 1))
                    // The poisoned event of a poison action is its last (those before set it up).
                    record(result.lastPosition, poison: poisoned && i == events.count - 1)
                }
            } catch {
                current.withLock { $0.failure = "\(error)" }
                return
            }
            live += events.count
            due += interval * Double(events.count)
            let now = Monotonic.now()
            if now - due > 1 { due = now }  // a slow disk: go on at the rate rather than in a burst
        }
    }

    private func record(_ position: UInt64, poison: Bool) {
        current.withLock { s in
            s.appended += 1
            s.lastPosition = position
            if poison { s.poisonPositions.append(position) }
        }
    }
}
