import EventLog
import Foundation
import Platform

/// Runs projections: applies each one's handlers to the log in global order from its
/// checkpoint, saves checkpoint and state together, and (when following) keeps applying
/// events as the log grows.
///
/// One pass over the log serves every projection: each event goes to the projections whose
/// checkpoint is before it, through the upcaster once, and then to the handlers of those
/// whose source and handlers take it. A projection whose handler fails is faulted: it stops
/// at that event (state and checkpoint just before it, saved with the fault) while the others
/// go on. A projection whose saved state was built by another definition is stale and does
/// not run unless `Options.rebuildStale` (or it is named in `Options.rebuild`).
///
/// Threads: `run()` works on the calling thread; `start()` on a thread of its own. Either way
/// the jq programs and states live only on that thread. `progress()`, `stop()` and `wait()`
/// may be called from any thread. A runner runs once.
///
/// Files: takes `LOG/projections/LOCK` for the whole run (a second runner on the same log is
/// refused; runners in one process may share it, see `Options.sharedLock`), and writes `LOG/projections/NAME.json` every `saveEveryEvents` events or
/// `saveEveryMillis`, whichever comes first, at once on a fault, and when it stops.
public final class ProjectionRunner: Sendable {
    public struct Options: Sendable {
        /// Keep applying new events until `stop()`; otherwise stop at the head seen at the start.
        public var follow = false
        /// Save a projection at least every this many positions of progress…
        public var saveEveryEvents = 100_000
        /// …and at least this often while it has unsaved progress.
        public var saveEveryMillis = 1000
        /// Projections to rebuild: their saved state is ignored and they start from position 1.
        public var rebuild: Set<String> = []
        /// Rebuild stale projections (another definition built their state) instead of refusing them.
        public var rebuildStale = false
        /// How long a follower waits for new events before it looks at `stop()` again (seconds).
        public var pollInterval = 0.1
        /// Named in the lock file, so that a second runner's error says who holds it.
        public var command = "rewind project run"
        /// Paces the runner (nil: full speed). Called on the runner's thread before each event is
        /// offered to the projections, with the event's position; returns how many seconds to
        /// wait before asking again, or 0 (or less) to go on now. Before a wait the runner
        /// publishes its progress and saves what is due, so a paused projection looks paused
        /// from outside; `stop()` ends a wait at once. The live demo uses it for projections
        /// that lag, catch up in bursts or stall; a rate limit is `{ _ in nextSlot - now }`.
        public var pacer: (@Sendable (_ position: UInt64) -> Double)?
        /// The runner lock, already taken with `ProjectionStore.acquireLock` by the caller, for
        /// several runners in one process that each run other projections of the same log (each
        /// at its own pace, on its own thread). The runner then neither takes nor releases it,
        /// and on start removes only its own projections' leftover temp files. The caller keeps
        /// the lock until every runner sharing it has stopped. nil: the runner takes the lock
        /// itself for the whole run (one runner per log).
        public var sharedLock: ProjectionStore.Lock?
        /// The time budget and memory ceiling of every handler, partition key and upcaster run
        /// (`[limits]`; the convenience initialiser takes them from the configuration).
        public var limits: JQLimits = .standard

        public init(follow: Bool = false, saveEveryEvents: Int = 100_000, saveEveryMillis: Int = 1000, rebuild: Set<String> = [],
                    rebuildStale: Bool = false, pollInterval: Double = 0.1, command: String = "rewind project run",
                    pacer: (@Sendable (_ position: UInt64) -> Double)? = nil, sharedLock: ProjectionStore.Lock? = nil) {
            self.follow = follow
            self.saveEveryEvents = max(1, saveEveryEvents)
            self.saveEveryMillis = max(0, saveEveryMillis)
            self.rebuild = rebuild
            self.rebuildStale = rebuildStale
            self.pollInterval = pollInterval
            self.command = command
            self.pacer = pacer
            self.sharedLock = sharedLock
        }
    }

    /// The runner could not be set up as asked.
    public struct SetupError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public let log: any EventStore
    public let definitions: [ProjectionDefinition]
    public let upcasters: [UpcasterDefinition]
    public let options: Options
    public let store: ProjectionStore

    /// What other threads see of the run, and what they ask of it.
    private struct Control {
        var snapshots: [String: ProjectionProgress] = [:]
        var stopRequested = false
        var started = false
        var finished = false
        var failure: (any Error)?
    }

    private let control: Monitor<Control>

    /// - Parameters:
    ///   - log: read through, never written; shared with other users of the handle.
    ///   - projections: the definitions to run (names must be unique and usable as file names).
    public init(log: any EventStore, projections: [ProjectionDefinition], upcasters: [UpcasterDefinition] = [], options: Options = Options()) throws {
        var seen = Set<String>()
        for d in projections {
            if let problem = ProjectionDefinition.problem(withName: d.name) { throw SetupError(message: problem) }
            guard seen.insert(d.name).inserted else { throw SetupError(message: "projection '\(d.name)' is defined twice") }
        }
        self.log = log
        self.definitions = projections
        self.upcasters = upcasters
        self.options = options
        self.store = ProjectionStore(logPath: log.path)
        var initial = Control()
        for d in projections { initial.snapshots[d.name] = ProjectionProgress(name: d.name, status: .starting) }
        self.control = Monitor(initial)
    }

    /// Convenience: every projection of `config` (or those named), with its upcasters.
    public convenience init(log: any EventStore, config: RewindConfig, names: [String] = [], options: Options = Options()) throws {
        let chosen = names.isEmpty ? config.projections : config.projections.filter { names.contains($0.name) }
        var options = options
        options.limits = config.limits
        try self.init(log: log, projections: chosen, upcasters: config.upcasters, options: options)
    }

    // MARK: Control (any thread)

    /// Runs on the calling thread until caught up (or, following, until `stop()`).
    /// - Throws: what stopped the whole runner: `ProjectionStore.LockedError`, a log or file
    ///   error, an upcaster that does not compile. Faults of single projections do not throw;
    ///   see `progress()`.
    public func run() throws {
        try claim()
        execute()
        if let failure = wait() { throw failure }
    }

    /// Runs on a new thread and returns at once; `wait()` for the end.
    /// - Throws: `SetupError` when this runner was already started.
    public func start() throws {
        try claim()
        let thread = Thread { [self] in execute() }
        thread.name = "rewind-projections"
        thread.stackSize = 16 << 20  // jq recurses on deep values
        thread.start()
    }

    /// Asks the runner to save and stop; returns at once (the runner stops within about
    /// 256 events or `pollInterval`, and at once when a pacer holds it).
    public func stop() {
        control.update { $0.stopRequested = true }
    }

    /// Waits until the runner has stopped; returns what stopped it, if it failed.
    @discardableResult
    public func wait() -> (any Error)? {
        _ = control.wait(until: { $0.finished })
        return control.read { $0.failure }
    }

    /// Waits up to `seconds`; true when the runner has stopped.
    public func wait(timeout seconds: Double) -> Bool {
        control.wait(until: { $0.finished }, timeout: seconds)
    }

    public var isFinished: Bool {
        control.read { $0.finished }
    }

    /// A snapshot of every projection, in definition order.
    public func progress() -> [ProjectionProgress] {
        control.read { c in definitions.compactMap { c.snapshots[$0.name] } }
    }

    private var isStopRequested: Bool {
        control.read { $0.stopRequested }
    }

    /// Waits up to `seconds` for `stop()`; true when it was asked.
    private func waitForStop(seconds: Double) -> Bool {
        control.wait(until: { $0.stopRequested }, timeout: seconds)
    }

    private func claim() throws {
        let first = control.update { c in
            defer { c.started = true }
            return !c.started
        }
        guard first else { throw SetupError(message: "a projection runner runs once; make a new one") }
    }

    private func execute() {
        var error: (any Error)?
        do { try runLoop() } catch let e { error = e }
        control.update { c in
            if let error {
                c.failure = error
                for (name, var s) in c.snapshots where s.status != .faulted && s.status != .stale {
                    s.status = .failed
                    s.message = "\(error)"
                    c.snapshots[name] = s
                }
            }
            c.finished = true
        }
    }

    // MARK: The loop (the runner's thread)

    private func runLoop() throws {
        let held = options.sharedLock == nil ? try store.acquireLock(command: options.command) : nil
        defer { held?.release() }
        if options.sharedLock == nil {
            store.removeTemporaryFiles()
        } else {
            store.removeTemporaryFiles(of: definitions.map(\.name))
        }
        let upcaster = try Upcaster(upcasters, limits: options.limits)
        if !log.isWritable { try log.refresh() }
        var target = log.head
        let projectors = load(head: target)
        do {
            try follow(projectors, upcaster: upcaster, target: &target)
        } catch {
            // The states in memory still match their checkpoints: keep what was done.
            for p in projectors where p.isDirty { try? p.save(to: store, status: .stopped, now: WallClock.nowMicros()) }
            throw error
        }
        let end = WallClock.nowMicros()
        for p in projectors where p.isDirty || p.savedStatus != (p.isActive ? .stopped : .faulted) {
            try p.save(to: store, status: .stopped, now: end)
        }
        publish(projectors, head: max(target, log.head), stopped: true)
    }

    /// Builds a projector per definition; those that cannot run get their snapshot instead.
    private func load(head: UInt64) -> [Projector] {
        var projectors: [Projector] = []
        let now = WallClock.nowMicros()
        for d in definitions {
            do {
                let p = try Projector(definition: d, upcasters: upcasters, store: store, head: head,
                                      fresh: options.rebuild.contains(d.name), rebuildStale: options.rebuildStale, now: now,
                                      limits: options.limits)
                projectors.append(p)
            } catch let stale as Projector.Stale {
                let header = try? store.loadHeader(d.name)
                update(d.name) {
                    $0.status = .stale
                    $0.message = stale.message
                    $0.head = head
                    $0.checkpoint = header?.checkpoint ?? 0
                    $0.savedCheckpoint = $0.checkpoint
                    $0.savedAtMicros = header?.updatedAtMicros
                }
            } catch {
                let handler = "\(error)".contains(": init") ? "init" : "definition"
                update(d.name) {
                    $0.status = .faulted
                    $0.head = head
                    $0.fault = ProjectionFault(position: nil, stream: nil, version: nil, eventType: nil, handler: handler, message: "\(error)")
                }
            }
        }
        publish(projectors, head: head, stopped: false)
        return projectors
    }

    /// Reads the log from the lowest checkpoint to `target`, then (following) waits for more.
    private func follow(_ projectors: [Projector], upcaster: Upcaster, target: inout UInt64) throws {
        var wants = [Bool](repeating: false, count: projectors.count)
        var checkpoints = projectors.map(\.checkpoint)
        let tickEvery = max(1, min(256, options.saveEveryEvents))
        var lastPublish: Int64 = 0
        while true {
            var lowest = UInt64.max
            for p in projectors where p.isActive { lowest = min(lowest, p.checkpoint) }
            guard lowest != .max else { return }  // nothing left that can run
            if lowest < target {
                var sinceTick = 0
                var stopping = false
                let end = target
                try log.readAll(from: lowest + 1) { view in
                    if view.position > end { return false }
                    if let pacer = options.pacer, try !pace(view.position, pacer, projectors, &checkpoints, head: end, lastPublish: &lastPublish) {
                        stopping = true
                        return false
                    }
                    let faulted = dispatch(view, projectors, &wants, upcaster)
                    sinceTick += 1
                    if sinceTick >= tickEvery || faulted {
                        sinceTick = 0
                        try tick(projectors, &checkpoints, head: end, lastPublish: &lastPublish)
                        // A run stopped because we are quitting: stop here, whoever asked.
                        if isStopRequested || projectors.contains(where: \.interrupted) { stopping = true; return false }
                    }
                    return true
                }
                try tick(projectors, &checkpoints, head: target, lastPublish: &lastPublish, publishNow: true)
                if stopping { return }
            } else if options.follow {
                try tick(projectors, &checkpoints, head: target, lastPublish: &lastPublish)
                if isStopRequested { return }
                target = try log.waitForEvents(after: target, timeout: options.pollInterval)
            } else {
                return
            }
            if isStopRequested { return }
        }
    }

    /// Asks the pacer about the event at `position` and waits as long as it says; false when
    /// `stop()` was called meanwhile.
    private func pace(_ position: UInt64, _ pacer: @Sendable (UInt64) -> Double, _ projectors: [Projector], _ checkpoints: inout [UInt64],
                      head: UInt64, lastPublish: inout Int64) throws -> Bool {
        var delay = pacer(position)
        guard delay > 0 else { return true }
        try tick(projectors, &checkpoints, head: head, lastPublish: &lastPublish, publishNow: true)
        while delay > 0 {
            if waitForStop(seconds: min(delay, 1)) { return false }
            try tick(projectors, &checkpoints, head: head, lastPublish: &lastPublish)
            delay = pacer(position)
        }
        return true
    }

    /// Offers one event to every projection; true when one of them faulted on it.
    @inline(__always)
    private func dispatch(_ view: EventView, _ projectors: [Projector], _ wants: inout [Bool], _ upcaster: Upcaster) -> Bool {
        let position = view.position
        var type: String?
        var anyWants = false
        for i in projectors.indices {
            let p = projectors[i]
            wants[i] = false
            guard p.isActive, p.checkpoint < position else { continue }
            if p.wants(stream: view.stream) {
                let t = type ?? view.type
                type = t
                if p.handles(t) {
                    wants[i] = true
                    anyWants = true
                    continue
                }
            }
            p.skip(to: position)
        }
        guard anyWants, let type else { return false }
        var upcast: (data: [UInt8], schemaVersion: UInt32)?
        if !upcaster.isEmpty {
            do { upcast = try upcaster.upcast(view) } catch is JQInterrupted {
                for i in projectors.indices where wants[i] { projectors[i].markInterrupted() }
                return true
            } catch {
                for i in projectors.indices where wants[i] { projectors[i].fail(view, type: type, upcasterError: error) }
                return true
            }
        }
        var faulted = false
        for i in projectors.indices where wants[i] {
            projectors[i].apply(view, type: type, upcast: upcast)
            if !projectors[i].isActive || projectors[i].interrupted { faulted = true }
        }
        return faulted
    }

    /// Notes movement, saves what is due (a fault at once), and publishes progress now and then.
    private func tick(_ projectors: [Projector], _ checkpoints: inout [UInt64], head: UInt64, lastPublish: inout Int64, publishNow: Bool = false) throws {
        let now = WallClock.nowMicros()
        let interval = Int64(options.saveEveryMillis) * 1000
        for (i, p) in projectors.enumerated() {
            if p.checkpoint != checkpoints[i] {
                checkpoints[i] = p.checkpoint
                p.lastMovedMicros = now
            }
            guard p.isDirty else { continue }
            let due = !p.isActive
                || p.checkpoint &- p.savedCheckpoint >= UInt64(options.saveEveryEvents)
                || now - (p.savedAtMicros ?? .min / 2) >= interval
            if due { try p.save(to: store, status: .running, now: now) }
        }
        if publishNow || now - lastPublish >= 50_000 {
            lastPublish = now
            publish(projectors, head: max(head, log.head), stopped: false)
        }
    }

    private func publish(_ projectors: [Projector], head: UInt64, stopped: Bool) {
        // Built outside the lock: the projectors belong to this thread.
        let fresh = projectors.map { p in
            let status: ProjectionProgress.Status =
                !p.isActive ? .faulted : stopped ? .stopped : p.checkpoint >= head ? .caughtUp : .catchingUp
            return ProjectionProgress(
                name: p.name, status: status, checkpoint: p.checkpoint, head: head, savedCheckpoint: p.savedCheckpoint,
                applied: p.applied, partitions: p.partitionCount, lastMovedMicros: p.lastMovedMicros, savedAtMicros: p.savedAtMicros,
                fault: p.fault, message: p.note)
        }
        control.update { c in
            for s in fresh { c.snapshots[s.name] = s }
        }
    }

    private func update(_ name: String, _ change: (inout ProjectionProgress) -> Void) {
        control.update { c in
            var s = c.snapshots[name] ?? ProjectionProgress(name: name, status: .starting)
            change(&s)
            c.snapshots[name] = s
        }
    }
}
