/// A simulated business that makes its history one action at a time (open an account, ship an
/// order…), keeping what it needs to stay causally valid: no withdrawal from an account that
/// was never opened, no delivery of an order that was not shipped.
///
/// Worlds are values seeded once; the same seed gives the same actions, times and ids.
protocol SampleWorld: Sendable {
    init(seed: UInt64)

    /// Where the world writes its events (random numbers, clock, versions).
    var h: HistoryBuilder { get set }

    /// The events of the next action: at least one and at most `budget` (≥ 1).
    mutating func step(budget: Int) -> [SampleEvent]

    /// A poison event for the live demo: plausible, but with one malformed field that one
    /// projection's handler rejects (see `DemoRoles.poison`); the world's own bookkeeping
    /// ignores it, so the history stays valid around it.
    mutating func poison() -> [SampleEvent]
}

/// An endless, deterministic history of one sample: `take(n)` gives the first n events, and
/// further calls continue where it stopped (the live demo's writer does so).
public struct SampleHistory: Sendable {
    private var world: any SampleWorld
    /// Events handed out so far.
    public private(set) var produced = 0

    init(world: any SampleWorld) {
        self.world = world
    }

    /// The events of the next action (one, or two for a transfer), never more than `budget`.
    public mutating func next(budget: Int = .max) -> [SampleEvent] {
        let events = world.step(budget: max(1, budget))
        produced += events.count
        return events
    }

    /// Exactly `count` more events.
    public mutating func take(_ count: Int) -> [SampleEvent] {
        var out: [SampleEvent] = []
        out.reserveCapacity(max(0, count))
        while out.count < count { out += next(budget: count - out.count) }
        return out
    }

    /// From now on, actions happen at the current wall-clock time instead of simulated
    /// business hours (the live demo's writer; times inside the data follow too).
    public mutating func followWallClock() {
        world.h.clock.followsWallClock = true
    }

    /// A poison event (see `DemoRoles.poison`).
    public mutating func poison() -> [SampleEvent] {
        let events = world.poison()
        produced += events.count
        return events
    }
}
