/// One sample data set: its name, what it shows, its `rewind.toml`, how the live demo uses its
/// projections, and a deterministic generator of its history.
///
/// `Samples/NAME/events.jsonl` is `jsonLines()` (the default size and seed) and
/// `Samples/NAME/rewind.toml` is `config`; a test keeps files and code equal.
public struct Sample: Sendable {
    /// The seed of the committed files and of `rewind generate` without `--seed`.
    public static let defaultSeed: UInt64 = 42

    public let name: String
    /// What it shows, in one line.
    public let summary: String
    /// Events in `Samples/NAME/events.jsonl`.
    public let defaultEvents: Int
    /// The text of its `rewind.toml`.
    public let config: String
    /// Which projection the live demo runs at which speed.
    public let roles: DemoRoles
    let makeWorld: @Sendable (UInt64) -> any SampleWorld

    init(name: String, summary: String, defaultEvents: Int, config: String, roles: DemoRoles, makeWorld: @escaping @Sendable (UInt64) -> any SampleWorld) {
        self.name = name
        self.summary = summary
        self.defaultEvents = defaultEvents
        self.config = config
        self.roles = roles
        self.makeWorld = makeWorld
    }

    /// The endless history from `seed`: `take(n)` gives what `events(count:seed:)` gives.
    public func history(seed: UInt64 = Sample.defaultSeed) -> SampleHistory {
        SampleHistory(world: makeWorld(seed))
    }

    /// The first `count` events of the history from `seed`. A pure function: the same
    /// arguments give the same events, ids and times.
    public func events(count: Int? = nil, seed: UInt64 = Sample.defaultSeed) -> [SampleEvent] {
        var h = history(seed: seed)
        return h.take(count ?? defaultEvents)
    }

    /// `events(count:seed:)` as JSON Lines, the bytes of `Samples/NAME/events.jsonl` for the
    /// defaults.
    public func jsonLines(count: Int? = nil, seed: UInt64 = Sample.defaultSeed) -> [UInt8] {
        SampleEvent.jsonLines(events(count: count, seed: seed))
    }
}

/// How the live demo (`DemoSession`) runs a sample's projections: one at each speed, plus a
/// simulated external consumer.
public struct DemoRoles: Sendable, Equatable {
    /// Runs continuously and keeps up with the writer.
    public var keepsUp: String
    /// Pauses for a few seconds, then catches up fast: a saw-tooth lag.
    public var lagging: String
    /// Runs for a while, then stops advancing for good (a hung consumer).
    public var stalls: String
    /// Faults on the writer's poison events.
    public var faults: String
    /// What the poison event is, for people.
    public var poison: String
    /// The external consumer that writes `LOG/checkpoints/NAME.json`.
    public var consumer: String
}

/// Every sample, by name.
public enum SampleCatalog {
    public static let all: [Sample] = [.bank, .orders, .bookings, .users, .fulfilment]

    public static var names: [String] { all.map(\.name) }

    /// The sample named `name`.
    /// - Throws: `SampleError.unknown` naming the samples there are.
    public static func named(_ name: String) throws(SampleError) -> Sample {
        guard let sample = all.first(where: { $0.name == name }) else { throw .unknown(name) }
        return sample
    }
}

/// A sample asked for by a name that is not one.
public enum SampleError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknown(String)

    public var description: String {
        switch self {
        case .unknown(let name):
            return "there is no sample named '\(name)'; the samples are \(SampleCatalog.names.joined(separator: ", ")) ('rewind generate --list' describes them)"
        }
    }
}
