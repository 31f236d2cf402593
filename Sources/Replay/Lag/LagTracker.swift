/// What is known of one consumer at one moment, before any lag is computed: its checkpoint,
/// when it last reported moving, and its troubles.
public struct LagObservation: Sendable, Equatable {
    public var name: String
    public var kind: ConsumerLag.Kind
    /// The checkpoint; nil when it could not be read (then `problem` says why).
    public var position: UInt64?
    /// When the consumer last moved its checkpoint, by its own account (`updatedAt` of its
    /// file, or a runner's progress); nil when unknown.
    public var updatedAtMicros: Int64?
    public var fault: ProjectionFault?
    /// Makes the status `unknown`: the checkpoint is unreadable or not meaningful (a stale
    /// definition, a projection file with no definition).
    public var problem: String?
    public var note: String?

    public init(name: String, kind: ConsumerLag.Kind, position: UInt64?, updatedAtMicros: Int64? = nil, fault: ProjectionFault? = nil,
                problem: String? = nil, note: String? = nil) {
        self.name = name
        self.kind = kind
        self.position = position
        self.updatedAtMicros = updatedAtMicros
        self.fault = fault
        self.problem = problem
        self.note = note
    }
}

/// Turns observations taken over time into lag figures, and keeps a bounded history of samples
/// per consumer (for `lag --watch` and a dashboard's sparklines). Pure: no clock, no files —
/// time and event times are passed in, so tests drive it with exact samples.
///
/// Definitions (docs/PROJECTIONS.md):
/// - lag in events = head − position;
/// - lag in seconds = recorded time of the head event − recorded time of the event at the
///   position (event 1 for position 0), at least 0; 0 when caught up;
/// - rate = (position now − position at the oldest sample within `rateWindow`) ÷ the seconds
///   between them, once they are at least `minimumRateSpan` apart;
/// - ETA = lag in events ÷ rate (0 when caught up; unknown without a positive rate);
/// - status: faulted (a fault) > unknown (a problem, no position, or a position past the head)
///   > ok (lag 0) > stalled (behind, and the checkpoint has not moved for `stallAfter`:
///   measured from the later of the consumer's own `updatedAt` and the last sample that saw it
///   move; behind with neither known is stalled) > catching-up.
///
/// A value type, not thread-safe by itself; `LagMonitor` wraps it in a lock.
public struct LagTracker: Sendable {
    public struct Settings: Sendable, Equatable {
        /// Behind and not moving for this long (seconds) is stalled.
        public var stallAfter: Double
        /// Rates are measured over the samples of this many recent seconds.
        public var rateWindow: Double
        /// No rate from samples closer together than this (seconds).
        public var minimumRateSpan: Double
        /// Samples kept per consumer (the oldest go first).
        public var historyLimit: Int
        /// A moving consumer that would reach the head within this many seconds counts as ok.
        public var keepingUpSeconds: Double = 1

        public init(stallAfter: Double = 10, rateWindow: Double = 10, minimumRateSpan: Double = 0.5, historyLimit: Int = 300) {
            self.stallAfter = stallAfter
            self.rateWindow = rateWindow
            self.minimumRateSpan = minimumRateSpan
            self.historyLimit = max(2, historyLimit)
        }
    }

    /// One point of a consumer's history.
    public struct Sample: Sendable, Equatable {
        public var atMicros: Int64
        public var position: UInt64?
        public var head: UInt64
        public var lagEvents: UInt64?
        public var lagSeconds: Double?
        public var rate: Double?
    }

    struct Key: Hashable, Sendable {
        var kind: ConsumerLag.Kind
        var name: String
    }

    struct History: Sendable {
        var samples: [Sample] = []
        var lastMovedMicros: Int64?
    }

    public let settings: Settings
    private var histories: [Key: History] = [:]

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// The samples kept for a consumer, oldest first.
    public func history(of name: String, kind: ConsumerLag.Kind) -> [Sample] {
        histories[Key(kind: kind, name: name)]?.samples ?? []
    }

    /// Records one observation of every consumer at `now` and returns their lag, in the
    /// observations' order. Consumers no longer observed are forgotten.
    ///
    /// - Parameters:
    ///   - head: the log's head at `now`.
    ///   - timeOf: the recorded time (µs) of the event at a position, nil when unknown.
    public mutating func record(_ observations: [LagObservation], head: UInt64, now: Int64, timeOf: (UInt64) -> Int64?) -> [ConsumerLag] {
        var seen = Set<Key>()
        let result = observations.map { o -> ConsumerLag in
            let key = Key(kind: o.kind, name: o.name)
            seen.insert(key)
            var h = histories[key] ?? History()
            let lag = measure(o, head: head, now: now, history: &h, timeOf: timeOf)
            histories[key] = h
            return lag
        }
        for key in histories.keys where !seen.contains(key) { histories[key] = nil }
        return result
    }

    private func measure(_ o: LagObservation, head: UInt64, now: Int64, history h: inout History, timeOf: (UInt64) -> Int64?) -> ConsumerLag {
        var lag = ConsumerLag(name: o.name, kind: o.kind, position: o.position, head: head, lagEvents: nil, lagSeconds: nil, rate: nil,
                              etaSeconds: nil, status: .unknown, updatedAtMicros: o.updatedAtMicros, fault: o.fault, problem: o.problem, note: o.note)
        guard let position = o.position else {
            h.samples.append(Sample(atMicros: now, position: nil, head: head))
            trim(&h)
            lag.status = o.fault != nil ? .faulted : .unknown
            return lag
        }
        // Movement: a checkpoint that went back (a rebuild) starts a new history.
        if let last = h.samples.last(where: { $0.position != nil }), let before = last.position {
            if position < before { h.samples.removeAll(); h.lastMovedMicros = now }
            else if position != before { h.lastMovedMicros = now }
        }
        let moved = [h.lastMovedMicros, o.updatedAtMicros].compactMap { $0 }.max()
        lag.updatedAtMicros = moved

        if position <= head {
            let behind = head - position
            lag.lagEvents = behind
            if behind == 0 {
                lag.lagSeconds = 0
            } else if let tHead = timeOf(head), let tAt = timeOf(max(position, 1)) {
                lag.lagSeconds = Double(max(0, tHead - tAt)) / 1e6
            }
        } else if lag.problem == nil {
            lag.problem = "its checkpoint \(position) is past the head of the log (\(head)); is it a checkpoint of another copy of the log?"
        }
        lag.rate = rate(position: position, now: now, samples: h.samples)
        // A faulted consumer will not catch up by itself: no ETA.
        if let behind = lag.lagEvents, o.fault == nil {
            if behind == 0 { lag.etaSeconds = 0 } else if let r = lag.rate, r > 0 { lag.etaSeconds = Double(behind) / r }
        }

        if o.fault != nil {
            lag.status = .faulted
        } else if lag.problem != nil || lag.lagEvents == nil {
            lag.status = .unknown
        } else if lag.lagEvents == 0 {
            lag.status = .ok
        } else if let moved, Double(now - moved) / 1e6 < settings.stallAfter {
            // Moving, and at its rate the rest takes under `keepingUpSeconds`: it keeps up with a
            // busy log (a consumer saving every few hundred ms is never exactly at the head).
            lag.status = (lag.etaSeconds ?? .infinity) <= settings.keepingUpSeconds ? .ok : .catchingUp
        } else {
            lag.status = .stalled
        }
        h.samples.append(Sample(atMicros: now, position: position, head: head, lagEvents: lag.lagEvents, lagSeconds: lag.lagSeconds, rate: lag.rate))
        trim(&h)
        return lag
    }

    /// Positions per second since the oldest sample in the window.
    private func rate(position: UInt64, now: Int64, samples: [Sample]) -> Double? {
        let windowStart = now - Int64(settings.rateWindow * 1e6)
        guard let oldest = samples.first(where: { $0.atMicros >= windowStart && $0.position != nil }), let from = oldest.position,
              from <= position else { return nil }
        let seconds = Double(now - oldest.atMicros) / 1e6
        guard seconds >= settings.minimumRateSpan else { return nil }
        return Double(position - from) / seconds
    }

    private func trim(_ h: inout History) {
        if h.samples.count > settings.historyLimit { h.samples.removeFirst(h.samples.count - settings.historyLimit) }
    }
}
