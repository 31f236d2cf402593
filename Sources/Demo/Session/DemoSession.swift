import EventLog
import Foundation
import Replay
import Interchange
import JSON
import Platform
import Synchronization

/// The live demo without a screen: a fresh log made from a sample, a writer appending to it at
/// a steady rate, and the sample's projections running at different speeds — one keeps up,
/// one lags and catches up in bursts, one stalls, one faults on a poison event — plus an
/// external consumer reporting its checkpoint. The dashboard (or `rewind demo --headless`)
/// shows it; `rewind lag LOG` in another terminal sees the same thing from the files.
///
/// Lifecycle: `init` makes the log and imports the history (nothing runs yet); `start()`
/// starts the threads (writer, one projection runner per speed, consumer); `stop()` stops and
/// joins all of them, closes the log and removes the temporary directory unless `keep`.
///
/// Threads: every member may be used from any thread. `stop()` is idempotent (a second call,
/// even concurrent, waits for the first to finish) and takes locks and joins threads, so call
/// it from an ordinary thread or a dispatch signal source (as `rewind demo` does for Ctrl-C and
/// SIGTERM), never from inside a raw `signal(2)` handler, where only async-signal-safe calls
/// are allowed. A session released without `stop()` stops itself then (its threads do not
/// keep it alive).
public final class DemoSession: Sendable {
    public static var samples: [String] { SampleCatalog.names }

    public let options: Options
    public let sample: Sample
    public let config: RewindConfig
    /// The log, open for writing (the writer lock is this process's); other processes open it
    /// read-only.
    public let log: EventLog
    /// The directory the session made (the log is in it, or is it); removed by `stop()`
    /// unless `keep` or a `directory` was given.
    public let directory: String
    /// Events imported before the live writer started.
    public let importedEvents: UInt64

    private let removesDirectory: Bool
    /// The copy into PostgreSQL (`options.postgres`), if asked for.
    let postgresMirror: PostgresMirror?
    /// With `postgresMirror`: the `rewind.toml` that `rewind open URL` reads (the sample's
    /// projections, aggregates and sagas), and whether this demo wrote it or found one there.
    let postgresConfig: (path: String, written: Bool)?
    private let stopSignal = StopSignal()
    private let mirrorStop = StopSignal()
    private let running: Monitor<Running>

    enum Phase { case ready, running, stopping, stopped }

    /// What `start()` made and `stop()` ends.
    private struct Running {
        var phase = Phase.ready
        /// The generator, until `start()` hands it to the writer.
        var history: SampleHistory?
        var writer: LiveWriter?
        var threads: [JoinableThread] = []
        /// The copy into PostgreSQL: stopped after the writer, so it copies the last event too.
        var mirrorThread: JoinableThread?
        var runners: [(role: String, runner: ProjectionRunner)] = []
        var projectionLock: ProjectionStore.Lock?
        var monitor: LagMonitor?
    }

    public var logPath: String { log.path }
    public var configPath: String { RewindConfig.defaultPath(forLog: log.path) }

    /// Makes a fresh log from the sample in a new temporary directory (or `options.directory`),
    /// writes its `rewind.toml` inside (`LOG/rewind.toml`, where every command looks), and
    /// imports the sample's history in one transaction.
    /// - Throws: `DemoError` for a bad option or an unknown sample; `EventLogError`,
    ///   `ConfigError` or `IOError` when the log cannot be made (the directory is removed again).
    public init(options: Options) throws {
        guard options.rate > 0, options.rate.isFinite, options.rate <= 5_000 else {
            throw DemoError("the rate must be between 0 and 5000 events per second, not \(options.rate); try --rate 20")
        }
        if let n = options.initialEvents, n < 0 { throw DemoError("the initial history needs a number of events ≥ 0, not \(n)") }
        do { sample = try SampleCatalog.named(options.sample) } catch { throw DemoError(error.description) }
        self.options = options
        // Connect and check the tables first: a database that cannot take the demo fails fast.
        let mirror = try options.postgres.map { try PostgresMirror(url: $0) }
        postgresMirror = mirror
        if let mirror {
            postgresConfig = try Self.placeConfig(sample.config, in: options.postgresStateDirectory ?? mirror.defaultStateDirectory)
        } else {
            postgresConfig = nil
        }

        let root: String
        if let given = options.directory {
            root = given
            removesDirectory = false
        } else {
            let tmp = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            root = try FileSystem.makeTemporaryDirectory(prefix: (tmp.hasSuffix("/") ? tmp : tmp + "/") + "rewind-demo-")
            removesDirectory = !options.keep
        }
        directory = root
        let logPath = options.directory == nil ? root + "/" + sample.name : root
        var opened: EventLog?
        let history: SampleHistory
        do {
            try EventLog.create(at: logPath)
            let configPath = RewindConfig.defaultPath(forLog: logPath)
            try FileSystem.writeAtomically(Array(sample.config.utf8), to: configPath)
            config = try Self.parsedConfig(of: sample, path: configPath)
            for name in [sample.roles.keepsUp, sample.roles.lagging, sample.roles.stalls, sample.roles.faults]
            where !config.projections.contains(where: { $0.name == name }) {
                throw DemoError("the \(sample.name) sample's rewind.toml has no projection \(name) for the demo; this is a bug in the sample")
            }
            let log = try EventLog.openWriter(at: logPath, options: .init(durability: .fsync, command: "rewind demo"))
            opened = log
            var generator = sample.history(seed: options.seed)
            importedEvents = try Self.importHistory(&generator, count: options.initialEvents ?? sample.defaultEvents, into: log)
            try Self.takeSnapshots(of: log, config: config, workDirectory: root)
            history = generator
            self.log = log
        } catch {
            opened?.close()
            if options.directory == nil { try? FileSystem.removeTree(root) }
            throw error
        }
        running = Monitor(Running(history: history))
    }

    deinit {
        stop()
    }

    /// Puts the sample's `rewind.toml` in a database's local state directory, so that
    /// `rewind open URL` shows the demo's projections and sagas; a file already there (the
    /// user's) is kept as it is.
    static func placeConfig(_ config: String, in stateDirectory: String) throws -> (path: String, written: Bool) {
        let path = RewindConfig.defaultPath(forLog: stateDirectory)
        if FileSystem.exists(path) { return (path, false) }
        do {
            try FileSystem.makeDirectory(stateDirectory)
            // Through the directory's jail, as every other write of derived data: a link
            // planted where the file goes is refused, never followed.
            try FileJail(root: stateDirectory).writeAtomically(Array(config.utf8), to: "rewind.toml")
        } catch {
            throw DemoError("cannot write the sample's rewind.toml to \(path) (\(error)); give another state directory with --state-dir")
        }
        return (path, true)
    }

    /// The sample's configuration, parsed (every jq expression compiled and checked) once per
    /// process: libjq 1.6 takes about 25 ms a compile, and a sample has dozens of them.
    private static func parsedConfig(of sample: Sample, path: String) throws -> RewindConfig {
        // Parsed with the lock held, so that sessions started together parse a sample once.
        var config = try parsedConfigs.withLock { parsed in
            let config = try parsed[sample.name] ?? RewindConfig.parse(sample.config, path: path)
            parsed[sample.name] = config
            return config
        }
        config.path = path
        return config
    }

    private static let parsedConfigs = Mutex<[String: RewindConfig]>([:])

    /// Writes the first `count` events of `history` to a temporary JSON Lines file in the log
    /// directory, 10,000 at a time (a large history never sits in memory whole), and imports it
    /// as `rewind import` would: checked, then one transaction and one fsync.
    private static func importHistory(_ history: inout SampleHistory, count: Int, into log: EventLog) throws -> UInt64 {
        guard count > 0 else { return 0 }
        let jail = FileJail(root: log.path)
        let name = ".demo-history-\(FileJail.randomSuffix()).jsonl"
        let file = jail.path(name)
        defer { try? jail.remove(name) }
        let handle = try jail.open(name, flags: [.writeOnly, .create, .exclusive])
        var offset = 0
        var left = count
        while left > 0 {
            let chunk = history.take(min(left, 10_000))
            left -= chunk.count
            let bytes = SampleEvent.jsonLines(chunk)
            try handle.write(bytes, at: offset)
            offset += bytes.count
        }
        handle.close()
        return try JSONLinesImporter().run(file: file, named: "the \(count)-event sample history", into: log).events
    }

    /// Snapshots for the dashboard's snapshots pane: every 10 events of every stream, and for
    /// the first stream a "production" snapshot that disagrees with the events (imported, so it
    /// is marked drift, with the difference), as a copied production system's might.
    private static func takeSnapshots(of log: EventLog, config: RewindConfig, workDirectory: String) throws {
        let streams = log.streams().map(\.name).sorted()
        guard let first = streams.first else { return }
        let manager = try SnapshotManager(log: log, config: config)
        _ = try manager.create(streams: streams, policy: SnapshotPolicy(everyEvents: 10))
        let last = log.version(of: first)
        let version = max(1, last / 2)
        guard case .object(var state) = try manager.timeline(for: first).state(at: version).state,
              let key = state.keys.first(where: { if case .integer = state[$0] { return true }; return false }),
              case .integer(let n)? = state[key] else { return }
        state[key] = .integer(n + 100)
        let line = JSONValue.object(["stream": .string(first), "version": .integer(Int64(version)), "state": .object(state)])
        let file = workDirectory + "/.demo-production-snapshot.jsonl"
        defer { try? FileSystem.remove(file) }
        try FileSystem.writeAtomically(Array(line.serialized().utf8), to: file, durable: false)
        _ = try manager.importSnapshots(file: file)
    }

    // MARK: Running

    /// Starts the live writer, the projection runners (one per speed, sharing the projections
    /// lock of the log) and the simulated external consumer, each on its own thread.
    /// - Throws: `DemoError` when the session was started already; a runner's set-up error.
    public func start() throws {
        try running.update { r in
            guard r.phase == .ready, let history = r.history else {
                throw DemoError(r.phase == .ready ? "the session has no history" : "a demo session starts once; make a new one")
            }
            let timing = options.timing
            let store = ProjectionStore(logPath: log.path)
            let held = try store.acquireLock(command: "rewind demo")
            r.projectionLock = held
            let roles = sample.roles
            let others = config.projections.map(\.name).filter { ![roles.keepsUp, roles.lagging, roles.stalls, roles.faults].contains($0) }
            let plans: [(role: String, names: [String], pacer: (@Sendable (UInt64) -> Double)?, saveMillis: Int)] = [
                ("keeps up", [roles.keepsUp] + others, nil, min(timing.saveIntervalMillis, 200)),
                ("lags in bursts", [roles.lagging], Pacers.bursts(run: timing.lagRun, pause: timing.lagPause, rate: max(50, options.rate * timing.lagBurstFactor)), timing.saveIntervalMillis),
                ("stalls", [roles.stalls], Pacers.stall(after: timing.stallAfter), timing.saveIntervalMillis),
                ("faults on poison events", [roles.faults], nil, timing.saveIntervalMillis),
            ]
            do {
                for plan in plans {
                    let runnerOptions = ProjectionRunner.Options(
                        follow: true, saveEveryMillis: plan.saveMillis, pollInterval: 0.05, command: "rewind demo", pacer: plan.pacer, sharedLock: held)
                    let runner = try ProjectionRunner(log: log, config: config, names: plan.names, options: runnerOptions)
                    try runner.start()
                    r.runners.append((plan.role, runner))
                }
            } catch {
                for (_, runner) in r.runners { runner.stop(); runner.wait() }
                r.runners = []
                held.release()
                r.projectionLock = nil
                throw error
            }
            r.monitor = LagMonitor(log: log, config: config, runners: r.runners.map(\.runner), settings: .init(stallAfter: timing.stalledThreshold))
            let writer = LiveWriter(log: log, history: history, rate: options.rate, firstPoisonAfter: timing.firstPoisonAfter,
                                    poisonEvery: timing.poisonEvery, stop: stopSignal)
            r.writer = writer
            r.history = nil
            let consumer = SimulatedConsumer(name: roles.consumer, log: log, interval: timing.consumerInterval, stop: stopSignal)
            r.threads.append(JoinableThread(name: "rewind-demo-writer") { writer.run() })
            r.threads.append(JoinableThread(name: "rewind-demo-consumer") { consumer.run() })
            if let mirror = postgresMirror {
                let runners = r.runners.map(\.runner)
                let log = self.log
                let stop = mirrorStop
                r.mirrorThread = JoinableThread(name: "rewind-demo-postgres") {
                    mirror.run(log: log, progress: { runners.flatMap { $0.progress() } }, stop: stop)
                }
            }
            r.phase = .running
        }
    }

    /// Stops the writer, the runners (each saves its checkpoint) and the consumer, joins their
    /// threads, closes the log and removes the temporary directory unless `keep`. Idempotent;
    /// see the type's notes for where it may be called from.
    public func stop() {
        // A second caller waits while the first stops, then finds the session stopped.
        let work: (threads: [JoinableThread], mirror: JoinableThread?, runners: [ProjectionRunner])? = running.wait(until: { $0.phase != .stopping }) { r, _ in
            guard r.phase != .stopped else { return nil }
            r.phase = .stopping
            return (r.threads, r.mirrorThread, r.runners.map(\.runner))
        }
        guard let work else { return }

        stopSignal.request()
        for t in work.threads { t.join() }
        mirrorStop.request()
        work.mirror?.join()
        for r in work.runners { r.stop() }
        for r in work.runners { r.wait() }
        running.read { $0.projectionLock }?.release()
        log.close()
        if removesDirectory { try? FileSystem.removeTree(directory) }

        running.update { $0.phase = .stopped }
    }

    /// True between `start()` and `stop()`.
    public var isRunning: Bool {
        running.read { $0.phase == .running }
    }

    /// Samples every consumer's lag now (projections from their runners' live progress), for
    /// a dashboard or a status table. Empty before `start()`.
    /// - Throws: only when the log cannot be read.
    public func sampleLag() throws -> [ConsumerLag] {
        guard let monitor = lagMonitor else { return [] }
        return try monitor.sample()
    }

    /// The lag monitor over this session's runners (history for sparklines); nil before `start()`.
    public var lagMonitor: LagMonitor? {
        running.read { $0.monitor }
    }

    /// Every projection's live progress, with the speed it was given ("keeps up", "lags in
    /// bursts", "stalls", "faults on poison events").
    public var projections: [(role: String, progress: ProjectionProgress)] {
        let runners = running.read { $0.runners }
        return runners.flatMap { entry in entry.runner.progress().map { (entry.role, $0) } }
    }

    /// The positions of the poison events the writer appended so far.
    public var poisonPositions: [UInt64] { writerStats?.poisonPositions ?? [] }

    /// Events the live writer appended so far.
    public var appendedEvents: Int { writerStats?.appended ?? 0 }

    var writerStats: LiveWriter.Stats? {
        running.read { $0.writer }?.stats
    }

    /// True when every thread the session started has ended (the writer, the consumer and
    /// every runner's): what `stop()` promises, for tests.
    var allThreadsFinished: Bool {
        let (threads, mirror, runners) = running.read { ($0.threads, $0.mirrorThread, $0.runners.map(\.runner)) }
        return threads.allSatisfy(\.isFinished) && (mirror?.isFinished ?? true) && runners.allSatisfy(\.isFinished)
    }

    var consumerName: String { sample.roles.consumer }
    var isStopped: Bool {
        running.read { $0.phase == .stopped }
    }
}

/// A demo session could not be made or started; the message says what to do.
public struct DemoError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
