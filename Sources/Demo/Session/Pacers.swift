import Foundation
import Synchronization

/// The pacers the live demo gives its slower projections (`ProjectionRunner.Options.pacer`):
/// each answers "how long before the event at this position may be applied?".
///
/// Called on a runner's thread; thread-safe anyway (a `Mutex`), as `@Sendable` requires.
enum Pacers {
    /// Lags and catches up in bursts: runs for `run` seconds at most `rate` events a second,
    /// then pauses for `pause` seconds, and again; the first run starts at once.
    static func bursts(run: Double, pause: Double, rate: Double, clock: @escaping @Sendable () -> Double = Monotonic.now) -> @Sendable (UInt64) -> Double {
        let state = BurstState(run: run, pause: pause, interval: 1 / max(rate, 0.001), start: clock())
        return { _ in state.delay(now: clock()) }
    }

    /// Stalls: full speed until `after` seconds have passed, then never another event (it asks
    /// again every half second, so `stop()` is prompt and a dashboard sees it alive but stuck).
    static func stall(after: Double, clock: @escaping @Sendable () -> Double = Monotonic.now) -> @Sendable (UInt64) -> Double {
        let start = clock()
        return { _ in clock() - start >= after ? 0.5 : 0 }
    }

    private final class BurstState: Sendable {
        let run: Double
        let cycle: Double
        let interval: Double
        let start: Double
        /// When the next event may go, within a run.
        private let nextSlot: Mutex<Double>

        init(run: Double, pause: Double, interval: Double, start: Double) {
            self.run = max(0.001, run)
            self.cycle = self.run + max(0, pause)
            self.interval = interval
            self.start = start
            self.nextSlot = Mutex(start)
        }

        func delay(now: Double) -> Double {
            let t = (now - start).truncatingRemainder(dividingBy: cycle)
            if t >= run { return cycle - t }  // paused until the next run
            return nextSlot.withLock { slot in
                if now < slot { return min(slot - now, run - t) }
                slot = max(slot, now - interval) + interval
                return 0
            }
        }
    }
}
