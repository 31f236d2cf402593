import Testing
@testable import Demo

/// The simulated clock of generated histories: unchanged for the first actions (so every
/// committed sample and usual size is byte for byte as before), and a long history stays
/// within a few years instead of running on for centuries.
@Suite struct BusinessClockTests {
    static let bank = BusinessClock.Hours(opens: 8, closes: 18, weekends: false, meanGapSeconds: 600)
    static let yearSeconds: Int64 = 31_556_952

    /// `actions` advances from the same seed, with the given calm limit.
    static func run(_ actions: Int, calm: Int?, every: Int = 1, _ seen: (Int, Int64) -> Void = { _, _ in }) -> Int64 {
        var rng = SplitMix64(seed: 7)
        var clock = BusinessClock(hours: bank)
        if let calm { clock.calmActions = calm }
        for i in 1...actions {
            clock.advance(&rng)
            if i % every == 0 { seen(i, clock.seconds) }
        }
        return clock.seconds
    }

    @Test func theFirstActionsAreAsBeforeAndALongHistoryStaysWithinYears() {
        var plain: [Int64] = []
        var paced: [Int64] = []
        let n = 2_000_000
        let unscaled = Self.run(n, calm: .max, every: 1_000) { _, s in plain.append(s) }
        let scaled = Self.run(n, calm: nil, every: 1_000) { _, s in paced.append(s) }
        // Identical up to the calm limit (60,000 actions), then slower to advance.
        #expect(Array(plain.prefix(60)) == Array(paced.prefix(60)))
        #expect(plain[61] > paced[61])
        // Still moving forward, and never backwards.
        #expect(zip(paced, paced.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(paced.last ?? 0 > paced[60])
        let start = BusinessClock.defaultStart
        // Unscaled, two million actions (about 3 M events) run for decades; paced, under eight years.
        #expect(unscaled - start > 40 * Self.yearSeconds)
        #expect(scaled - start < 8 * Self.yearSeconds)
        // The simulated week survives: nothing lands on a weekend for a bank.
        let day = (scaled / 86_400 + 3) % 7
        #expect(day < 5)
    }
}
