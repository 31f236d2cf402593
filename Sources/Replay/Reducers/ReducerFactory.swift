import EventLog

/// Chooses and builds the reducer of a stream from `rewind.toml`.
public enum ReducerFactory {
    /// What folds `stream`: the first aggregate (in file order) whose `streams` glob matches,
    /// else the generic fold.
    public static func kind(for stream: String, config: RewindConfig) -> ReducerKind {
        config.aggregate(for: stream).map { .aggregate($0.name) } ?? .genericFold
    }

    /// The reducer for `stream`: a compiled `JQAggregate` when an aggregate matches, else a
    /// `GenericFold` reading `log`.
    /// - Throws: `JQError` when the aggregate's expressions do not compile.
    public static func reducer(for stream: String, log: any EventStore, config: RewindConfig) throws -> any Reducer {
        if let aggregate = config.aggregate(for: stream) {
            return try JQAggregate(aggregate, limits: config.limits)
        }
        return GenericFold(log: log, stream: stream)
    }

    /// The upcaster every event passes through before a reducer sees it, or nil when the
    /// configuration defines none.
    /// - Throws: `JQError` naming the event type and schema version of a bad step.
    public static func upcaster(for config: RewindConfig) throws -> Upcaster? {
        config.upcasters.isEmpty ? nil : try Upcaster(config.upcasters, limits: config.limits)
    }

    /// The fingerprint that snapshots record: the reducer's, combined with the upcasters' (they
    /// change what the reducer sees, so changing them makes snapshots stale too).
    public static func fingerprint(reducer: String, upcasters: [UpcasterDefinition]) -> String {
        guard !upcasters.isEmpty else { return reducer }
        var text = "reducer=\(reducer)\n"
        for definition in upcasters.sorted(by: { $0.eventType < $1.eventType }) {
            for (version, expression) in definition.steps.sorted(by: { $0.key < $1.key }) {
                text += "upcaster \(definition.eventType) \(version)=\(expression)\n"
            }
        }
        return Fingerprint.of(text)
    }
}

/// Feeds a stream's events, in version order, through the upcaster into a reducer: the one
/// replay loop every consumer uses (time travel, snapshots, the CLI, benchmarks).
///
/// Not thread-safe: belongs to the thread of its reducer.
struct ReplayFeed<R: Reducer> {
    let log: any EventStore
    let stream: String
    let reducer: R
    let upcaster: Upcaster?

    init(log: any EventStore, stream: String, reducer: R, upcaster: Upcaster?) {
        self.log = log
        self.stream = stream
        self.reducer = reducer
        self.upcaster = upcaster.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Applies one event, upcasted when a step applies.
    @inline(__always)
    func apply(_ state: inout R.State, _ view: EventView) throws {
        if let upcaster, let upcasted = try upcaster.upcast(view) {
            try upcasted.data.withUnsafeBytes { data in
                try reducer.apply(&state, view, data: data, schemaVersion: upcasted.schemaVersion)
            }
        } else {
            try reducer.apply(&state, view, data: nil, schemaVersion: nil)
        }
    }

    /// Applies versions `from...through` to `state` (which must be the state at `from - 1`).
    ///
    /// - Parameters:
    ///   - skipping: versions read but not applied (what-if).
    ///   - every: a power of two, or 0 for never: `checkpoint` is called with the state after each
    ///     version that is a multiple of it (read again after each checkpoint: it may change).
    /// - Returns: the number of events applied.
    /// - Throws: the reducer's or the upcaster's error; `state` is then the state just before
    ///   the failing event.
    @discardableResult
    func replay(
        _ state: inout R.State, from: UInt64, through: UInt64, skipping: Set<UInt64>? = nil,
        every: () -> UInt64 = { 0 }, checkpoint: (UInt64, R.State) -> Void = { _, _ in }
    ) throws -> Int {
        try run(&state, from: from, through: through, skipping: skipping, every: every, checkpoint: checkpoint, observing: false) { _, _ in }
    }

    /// `replay`, calling `observe` after each applied event (before `checkpoint`), for blame and
    /// for making snapshots.
    @discardableResult
    func replay(
        _ state: inout R.State, from: UInt64, through: UInt64, skipping: Set<UInt64>? = nil,
        every: () -> UInt64 = { 0 }, checkpoint: (UInt64, R.State) -> Void = { _, _ in },
        observe: (EventView, R.State) throws -> Void
    ) throws -> Int {
        try run(&state, from: from, through: through, skipping: skipping, every: every, checkpoint: checkpoint, observing: true, observe)
    }

    @inline(__always)
    private func run(
        _ state: inout R.State, from: UInt64, through: UInt64, skipping: Set<UInt64>?,
        every: () -> UInt64, checkpoint: (UInt64, R.State) -> Void,
        observing: Bool, _ observe: (EventView, R.State) throws -> Void
    ) throws -> Int {
        guard through >= from, from >= 1 else { return 0 }
        var applied = 0
        var expected = from
        var mask = every() &- 1
        try log.readStream(stream, from: from, limit: Int(clamping: through - from + 1)) { view in
            expected = view.version + 1
            if let skipping, skipping.contains(view.version) { return true }
            try apply(&state, view)
            applied += 1
            if observing { try observe(view, state) }
            if view.version & mask == 0 {
                checkpoint(view.version, state)
                mask = every() &- 1
            }
            return true
        }
        if expected <= through {
            throw ReplayError.missingEvent(stream: stream, version: expected)
        }
        return applied
    }
}
