import Replay
import Platform

/// Simulated wall-clock time for a generated history: events come during opening hours, more
/// around midday and late afternoon, now and then in bursts (a payday, a flash sale), rarely
/// in the evening, and not at night; weekends are quiet or closed.
///
/// Whole seconds, integer arithmetic only, so a seed always gives the same times.
///
/// A long history speeds up: past `calmActions` actions (about 85,000 bank events), the gap
/// between two actions shrinks with the square of how far the history has gone, to one second
/// at the least. The first actions, and so every committed sample and every history of a
/// usual size, are unchanged; without it, 10,000,000 bank events ran past the year 2300
/// (the clock's pace is years per 100,000 events), and a million ended in 2067 (now 2032).
struct BusinessClock: Sendable {
    /// What a business's day looks like.
    struct Hours: Sendable {
        /// Opening and closing hour (UTC).
        var opens: Int
        var closes: Int
        /// Open on Saturdays and Sundays too.
        var weekends: Bool
        /// The usual gap between two actions while open, in seconds.
        var meanGapSeconds: Int
    }

    /// Monday 2026-01-05 08:00:00 UTC: where every sample's history starts.
    static let defaultStart: Int64 = 1_767_600_000

    let hours: Hours
    /// Seconds since the Unix epoch.
    private(set) var seconds: Int64
    private var burstLeft = 0
    /// Actions so far (`advance` calls).
    private(set) var actions = 0
    /// Where a long history starts to speed up.
    var calmActions = 60_000
    /// Actions happen now (wall clock), not in simulated business hours.
    var followsWallClock = false

    init(hours: Hours, startSeconds: Int64 = BusinessClock.defaultStart) {
        self.hours = hours
        self.seconds = startSeconds
    }

    var micros: Int64 { seconds * 1_000_000 }

    /// Moves to the time of the next business action.
    mutating func advance(_ rng: inout SplitMix64) {
        if followsWallClock {
            seconds = max(seconds, WallClock.nowMicros() / 1_000_000)
            return
        }
        actions += 1
        if burstLeft > 0 {
            burstLeft -= 1
            seconds += Int64(rng.int(1...25))
            keepWithinHours(&rng)
            return
        }
        if rng.chance(3) {
            burstLeft = rng.int(4...14)
            seconds += Int64(rng.int(5...60))
            keepWithinHours(&rng)
            return
        }
        let mean = hours.meanGapSeconds
        var gap = rng.int(max(1, mean / 5)...(mean * 9 / 5))
        if rng.chance(12) { gap *= rng.int(2...4) }  // a quiet spell
        let hour = hourOfDay
        if hour == 12 || hour == 17 { gap = max(1, gap / 2) }  // lunch and after-work peaks
        if actions > calmActions { gap = max(1, gap * calmActions / actions * calmActions / actions) }
        seconds += Int64(gap)
        keepWithinHours(&rng)
    }

    /// Moves on by `seconds` within one action, opening hours or not.
    mutating func pass(seconds: Int) { self.seconds += Int64(seconds) }

    private var hourOfDay: Int { Int((seconds % 86_400) / 3600) }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    private var weekday: Int { Int((seconds / 86_400 + 3) % 7) }

    private var isOpenDay: Bool { hours.weekends || weekday < 5 }

    /// After closing: now and then an evening action, otherwise the next opening.
    private mutating func keepWithinHours(_ rng: inout SplitMix64) {
        let hour = hourOfDay
        if isOpenDay && hour >= hours.opens && hour < hours.closes { return }
        if isOpenDay && hour >= hours.closes && hour < 23 && rng.chance(8) { return }
        var day = seconds / 86_400
        if hour >= hours.opens { day += 1 }
        seconds = day * 86_400 + Int64(hours.opens) * 3600
        while !isOpenDay { seconds += 86_400 }
        seconds += Int64(rng.int(0...1800))
    }
}
