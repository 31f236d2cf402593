extension DemoSession {
    /// What to demo and how fast.
    public struct Options: Sendable {
        /// One of `DemoSession.samples`.
        public var sample: String = "bank"
        /// The writer's pace, in events per second.
        public var rate: Double = 20
        /// Keep the temporary directory after `stop()` (its path is in `status`).
        public var keep = false
        /// Where to make the log (a directory that holds no log yet; created if missing). It is
        /// never removed: `keep` is implied. nil: a fresh temporary directory (mkdtemp under
        /// $TMPDIR or /tmp), removed by `stop()` unless `keep`.
        public var directory: String? = nil
        /// Events of history imported before the live writer starts (default: the sample's
        /// committed size).
        public var initialEvents: Int?
        /// The seed of the history and of the live events.
        public var seed: UInt64 = Sample.defaultSeed
        /// How the slower projections and the poison events behave.
        public var timing = Timing()
        /// A PostgreSQL URL to copy the demo into, as Marten's tables (`rewind demo --postgres`):
        /// created when absent, refused when they exist with another shape or hold events.
        public var postgres: String?
        /// With `postgres`: the local state directory of that database, where the sample's
        /// `rewind.toml` goes (nil: the directory every command uses for the URL,
        /// `StateDirectory.default`; `rewind demo --state-dir`).
        public var postgresStateDirectory: String?

        public init(sample: String = "bank", rate: Double = 20, keep: Bool = false, directory: String? = nil, initialEvents: Int? = nil) {
            self.sample = sample
            self.rate = rate
            self.keep = keep
            self.directory = directory
            self.initialEvents = initialEvents
        }
    }

    /// The designed behaviours, in seconds and events. The defaults suit a person watching;
    /// tests make them short.
    public struct Timing: Sendable {
        /// The lagging projection runs this long…
        public var lagRun: Double = 4
        /// …at this many times the writer's rate (at least 50 events/s)…
        public var lagBurstFactor: Double = 4
        /// …then pauses this long, and again.
        public var lagPause: Double = 6
        /// The stalling projection stops advancing this long after `start()`, for good.
        public var stallAfter: Double = 8
        /// The writer appends a poison event after this many live events (< 0: never)…
        public var firstPoisonAfter: Int = 60
        /// …and then every this many more (0: only once).
        public var poisonEvery: Int = 600
        /// Behind and not moving for this long counts as stalled (in `status` and
        /// `lagMonitor`; `rewind lag` has its own `--stalled-after`, 10 s by default).
        public var stalledThreshold: Double = 10
        /// The external consumer writes its checkpoint this often.
        public var consumerInterval: Double = 1
        /// Projections save their checkpoint and state at least this often while they move
        /// (so that `rewind lag` in another process sees them move).
        public var saveIntervalMillis: Int = 250

        public init() {}
    }
}
