@testable import Demo
import Foundation
import Synchronization
import Testing

/// The pacers, on a clock the test moves.
@Suite("Demo pacers")
struct PacersTests {
    final class Clock: Sendable {
        private let now = Mutex(1_000.0)
        func read() -> Double { now.withLock { $0 } }
        func advance(_ s: Double) { now.withLock { $0 += s } }
    }

    @Test func burstsRunAtTheRateThenPauseThenRunAgain() {
        let clock = Clock()
        let pace = Pacers.bursts(run: 2, pause: 3, rate: 10, clock: clock.read)
        // Running: one event per 0.1 s.
        #expect(pace(1) == 0)
        #expect(abs(pace(2) - 0.1) < 1e-9)
        clock.advance(0.1)
        #expect(pace(2) == 0)
        // Events granted in the first two seconds: about rate × run.
        var granted = 1
        while clock.read() < 1_002 - 1e-9 {
            let d = pace(3)
            if d == 0 { granted += 1 } else { clock.advance(d) }
        }
        #expect((19...21).contains(granted))
        // Paused: the wait is the rest of the pause.
        #expect(abs(pace(4) - 3) < 1e-6)
        clock.advance(1)
        #expect(abs(pace(4) - 2) < 1e-6)
        clock.advance(2)
        #expect(pace(4) == 0)  // the next run
    }

    @Test func stallGoesAtFullSpeedThenNeverAgain() {
        let clock = Clock()
        let pace = Pacers.stall(after: 5, clock: clock.read)
        for p in 1...100 { #expect(pace(UInt64(p)) == 0) }
        clock.advance(5)
        #expect(pace(101) > 0)
        clock.advance(3_600)
        #expect(pace(101) > 0)
    }
}
