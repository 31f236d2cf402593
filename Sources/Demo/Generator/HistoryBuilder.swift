import EventLog
import JSON

/// What every sample world writes with: the random generator, the simulated clock, and each
/// stream's version. `emit` stamps an event with its stream's next version, a UUID and the
/// current simulated time; the world's `step` reads the events back from `pending`.
struct HistoryBuilder: Sendable {
    var rng: SplitMix64
    var clock: BusinessClock
    private var versions: [String: UInt64] = [:]
    /// Emitted since the last `drain()`.
    private(set) var pending: [SampleEvent] = []

    init(seed: UInt64, hours: BusinessClock.Hours) {
        rng = SplitMix64(seed: seed)
        clock = BusinessClock(hours: hours)
    }

    /// The current version of `stream` (0: it does not exist yet).
    func version(of stream: String) -> UInt64 { versions[stream] ?? 0 }

    /// Moves the clock to the next business action.
    mutating func tick() { clock.advance(&rng) }

    /// A few seconds pass inside one action (a transfer's second leg, a webhook's delay).
    mutating func wait(_ range: ClosedRange<Int>) { clock.pass(seconds: rng.int(range)) }

    /// When something `range` seconds from now falls due (the next step of an order, a
    /// webhook's delay). Following the wall clock (the live demo), delays are 600 times shorter,
    /// so that a day-long wait for a delivery takes a couple of minutes on screen.
    mutating func due(in range: ClosedRange<Int>) -> Int64 {
        let delay = Int64(rng.int(range))
        return clock.seconds + (clock.followsWallClock ? delay / 600 : delay)
    }

    /// A fresh event id.
    mutating func eventID() -> EventID {
        let parts = rng.uuidParts()
        return EventID(high: parts.high, low: parts.low)
    }

    /// A short readable id with a prefix: "req-7KQ2M9", "tr-3XH8PA".
    mutating func nextID(_ prefix: String) -> String {
        prefix + "-" + rng.code(6)
    }

    /// Appends an event to `stream` at the current time and returns it.
    @discardableResult
    mutating func emit(_ stream: String, _ type: String, _ data: JSONObject, metadata: JSONObject, schemaVersion: UInt32 = 1) -> SampleEvent {
        let version = (versions[stream] ?? 0) + 1
        versions[stream] = version
        let event = SampleEvent(stream: stream, type: type, data: .object(data), metadata: .object(metadata), id: eventID(),
                                timeMicros: clock.micros, version: version, schemaVersion: schemaVersion)
        pending.append(event)
        return event
    }

    /// The events emitted since the last call.
    mutating func drain() -> [SampleEvent] {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending
    }
}

extension JSONValue {
    /// A whole number (the generators count in Int).
    static func int(_ n: Int) -> JSONValue { .integer(Int64(n)) }
}
