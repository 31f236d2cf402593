import EventLog
import Foundation
import Platform
import Synchronization

/// Samples the lag of every consumer of a log: the projections of the configuration (from a
/// running `ProjectionRunner` in this process when given one, else from their files), the
/// files of projections no longer defined, and the external consumers' `LOG/checkpoints/*.json`
/// and the consumers the store records itself (`EventStore.storeConsumers()`).
///
/// Call `sample()` on a timer (once a second for `lag --watch`); each call reads the sources,
/// computes the figures (`LagTracker` has the definitions) and extends each consumer's bounded
/// history. Thread-safe: a dashboard may sample on one thread and read `latest` or `history`
/// on another.
public final class LagMonitor: Sendable {
    public let log: any EventStore
    public let projections: [ProjectionDefinition]
    public let upcasters: [UpcasterDefinition]
    /// Runners in this process whose live progress replaces the files of their projections.
    public let runners: [ProjectionRunner]
    /// The first of `runners` (most callers have one).
    public var runner: ProjectionRunner? { runners.first }
    private let store: ProjectionStore
    private let clock: @Sendable () -> Int64
    private struct History {
        var tracker: LagTracker
        var latestLags: [ConsumerLag] = []
        /// When the event at a position was recorded, as read from the log (bounded).
        var times: [UInt64: Int64] = [:]
    }

    private let recorded: Mutex<History>

    /// - Parameters:
    ///   - runner: a runner of (some of) these projections in this process; its live progress
    ///     is used for the projections it runs, instead of their files.
    ///   - runners: more such runners (several runners sharing one log's lock, each running
    ///     other projections, as the live demo does).
    ///   - clock: the wall clock in microseconds (a test can pass its own).
    public init(log: any EventStore, projections: [ProjectionDefinition], upcasters: [UpcasterDefinition] = [], runner: ProjectionRunner? = nil,
                runners: [ProjectionRunner] = [], settings: LagTracker.Settings = LagTracker.Settings(), clock: @escaping @Sendable () -> Int64 = WallClock.nowMicros) {
        self.log = log
        self.projections = projections
        self.upcasters = upcasters
        self.runners = (runner.map { [$0] } ?? []) + runners
        self.store = ProjectionStore(logPath: log.path)
        self.clock = clock
        self.recorded = Mutex(History(tracker: LagTracker(settings: settings)))
    }

    public convenience init(log: any EventStore, config: RewindConfig, runner: ProjectionRunner? = nil, runners: [ProjectionRunner] = [],
                            settings: LagTracker.Settings = LagTracker.Settings()) {
        self.init(log: log, projections: config.projections, upcasters: config.upcasters, runner: runner, runners: runners, settings: settings)
    }

    /// Reads every source now and returns each consumer's lag: projections in definition
    /// order, then undefined projection files, then external consumers by name.
    /// - Throws: only when the log itself cannot be read (`EventLogError`).
    @discardableResult
    public func sample() throws -> [ConsumerLag] {
        if !log.isWritable { try log.refresh() }
        let head = log.head
        let observed = observations()
        let now = clock()
        return recorded.withLock { h in
            // Moved out while the tracker runs, which looks times up through the closure.
            var times = h.times
            h.times = [:]
            if times.count > 4096 { times.removeAll(keepingCapacity: true) }
            let lags = h.tracker.record(observed, head: head, now: now) { position in
                if let t = times[position] { return t }
                guard let t = try? log.event(at: position)?.recordedMicros else { return nil }
                times[position] = t
                return t
            }
            h.times = times
            h.latestLags = lags
            return lags
        }
    }

    /// What the last `sample()` returned.
    public var latest: [ConsumerLag] {
        recorded.withLock { $0.latestLags }
    }

    /// The samples kept for one consumer, oldest first (at most `settings.historyLimit`).
    public func history(of name: String, kind: ConsumerLag.Kind) -> [LagTracker.Sample] {
        recorded.withLock { $0.tracker.history(of: name, kind: kind) }
    }

    /// What every source says now, without computing lag.
    public func observations() -> [LagObservation] {
        var out: [LagObservation] = []
        let live = Dictionary(runners.flatMap { $0.progress() }.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for d in projections {
            if let p = live[d.name] {
                out.append(Self.observation(p))
            } else {
                out.append(observation(file: d))
            }
        }
        let defined = Set(projections.map(\.name))
        for name in store.savedNames() where !defined.contains(name) {
            var o = LagObservation(name: name, kind: .projection, position: nil)
            do {
                let header = try store.loadHeader(name)
                o.position = header?.checkpoint
                o.updatedAtMicros = header?.updatedAtMicros
                o.fault = header?.fault
            } catch {}
            o.problem = "\(store.path(of: name)) has no definition in the configuration; define [projections.\(name)] again, or delete the file"
            out.append(o)
        }
        for c in ExternalCheckpoints.read(logPath: log.path) {
            out.append(LagObservation(name: c.name, kind: .external, position: c.position, updatedAtMicros: c.updatedAtMicros, problem: c.problem))
        }
        // Consumers the store records itself (Marten's async daemon in mt_event_progression).
        do {
            for c in try log.storeConsumers() {
                out.append(LagObservation(name: c.name, kind: .external, position: c.position, updatedAtMicros: c.updatedAtMicros, note: c.note))
            }
        } catch {
            out.append(LagObservation(name: "(store)", kind: .external, position: nil, problem: "the store's consumers could not be read: \(error)"))
        }
        return out
    }

    /// A projection not run here: its file says where it is.
    private func observation(file d: ProjectionDefinition) -> LagObservation {
        var o = LagObservation(name: d.name, kind: .projection, position: 0)
        let header: ProjectionRecord?
        do { header = try store.loadHeader(d.name) } catch {
            o.position = nil
            o.problem = error.description
            return o
        }
        guard let header else {
            o.note = "never run; start it with 'rewind project run'"
            return o
        }
        o.position = header.checkpoint
        o.updatedAtMicros = header.updatedAtMicros
        o.fault = header.fault
        if header.fingerprint != d.fingerprint(upcasters: upcasters) {
            o.problem = "its saved state was built by another definition; rebuild it with 'rewind project rebuild LOG \(d.name)'"
        }
        return o
    }

    /// A projection run by a runner in this process.
    static func observation(_ p: ProjectionProgress) -> LagObservation {
        var o = LagObservation(name: p.name, kind: .projection, position: p.checkpoint, updatedAtMicros: p.lastMovedMicros ?? p.savedAtMicros, fault: p.fault)
        switch p.status {
        case .stale, .failed: o.problem = p.message ?? "the runner failed"
        default: o.note = p.message
        }
        return o
    }
}
