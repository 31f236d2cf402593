import Foundation
import Platform
import Testing

/// The one monotonic and one wall clock, and sleeps measured by them.
@Suite struct ClockTests {
    @Test func monotonicClockNeverGoesBackAndCountsASleep() {
        var last = MonotonicClock.nanoseconds
        for _ in 0..<1000 {
            let now = MonotonicClock.nanoseconds
            #expect(now >= last)
            last = now
        }
        let start = MonotonicClock.nanoseconds
        Sleep.milliseconds(5)
        #expect(MonotonicClock.elapsed(since: start) >= .milliseconds(5))
        Sleep.for(.microseconds(1500))
        #expect(MonotonicClock.elapsed(since: start) >= .microseconds(6500))
    }

    @Test func wallClockIsMicrosecondsSinceTheUnixEpoch() {
        let before = Int64(Date().timeIntervalSince1970 * 1e6)
        let now = WallClock.nowMicros()
        let after = Int64(Date().timeIntervalSince1970 * 1e6)
        // Foundation reads the same clock; allow for its rounding to a Double.
        #expect(now >= before - 1000 && now <= after + 1000)
        #expect(abs(WallClock.seconds - Double(now) / 1e6) < 1)
    }

    @Test func processIdAndLiveness() {
        #expect(CurrentProcess.id > 0)
        #expect(ProcessSignal.isAlive(CurrentProcess.id))
        #expect(!ProcessSignal.isAlive(2_147_483_646))
        #expect(!ProcessSignal.isAlive(0))
    }
}
