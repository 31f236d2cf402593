@testable import Demo
import EventLog
import Foundation
import Replay
import Testing
import Platform

/// The live demo session: a log made from a sample, a writer, projections at four speeds and
/// an external consumer; then a clean stop.
@Suite("Demo session", .serialized)
struct DemoSessionTests {
    typealias F = DemoFixtures

    /// Options that show every behaviour within a second or two.
    static func quick(_ sample: String = "bank") -> DemoSession.Options {
        var o = DemoSession.Options(sample: sample, rate: 100, initialEvents: 60)
        o.timing.stallAfter = 0.4
        o.timing.stalledThreshold = 0.5
        o.timing.lagRun = 0.3
        o.timing.lagPause = 0.6
        o.timing.firstPoisonAfter = 20
        o.timing.poisonEvery = 100
        o.timing.consumerInterval = 0.2
        o.timing.saveIntervalMillis = 100
        return o
    }

    @Test func showsEveryDesignedBehaviourThenStopsCleanly() throws {
        let session = try DemoSession(options: Self.quick("bank"))
        let roles = session.sample.roles
        #expect(FileSystem.exists(session.configPath) && session.configPath == session.logPath + "/rewind.toml")
        #expect(session.logPath.hasPrefix(session.directory + "/") && session.importedEvents == 60)
        #expect(try FileSystem.readFile(session.configPath) == Array(session.sample.config.utf8))
        try session.start()
        #expect(throws: DemoError.self) { try session.start() }

        // Keeps up: caught up now and then. Lags: behind by more than a few events while the
        // writer goes on, and later moving again.
        var lags: [String: ConsumerLag] = [:]
        var keptUp = false, lagged = false, laggingMovedAfter = false
        var laggedAt: UInt64 = 0
        let seen = try F.waitUntil(15) {
            lags = Dictionary(uniqueKeysWithValues: try session.sampleLag().map { ($0.name, $0) })
            // (At 100 events/s a sample may fall between an append and its application.)
            if let l = lags[roles.keepsUp], l.status == .ok || (l.lagEvents ?? .max) <= 2 { keptUp = true }
            if let l = lags[roles.lagging], let behind = l.lagEvents, let at = l.position {
                if !lagged && behind > 10 && at > 60 { lagged = true; laggedAt = at }
                if lagged && at > laggedAt { laggingMovedAfter = true }
            }
            return keptUp && laggingMovedAfter && lags[roles.faults]?.status == .faulted && lags[roles.stalls]?.status == .stalled
                && (lags[roles.consumer]?.position ?? 0) > 60
        }
        #expect(seen, "\(lags.values.map { "\($0.name): \($0.status) \($0.position ?? 0)/\($0.head)" })")
        #expect(keptUp && lagged && laggingMovedAfter)
        // The poison event is where the faulting projection stopped.
        let poison = try #require(session.poisonPositions.first)
        #expect(lags[roles.faults]?.fault?.position == poison)
        #expect(lags[roles.faults]?.position == poison - 1)
        #expect(lags[roles.consumer]?.kind == .external)
        #expect(session.appendedEvents > 20)
        #expect(session.projections.map(\.role) == ["keeps up", "lags in bursts", "stalls", "faults on poison events"])

        // Another process (the dashboard, `rewind lag`) reads the same log and files.
        let reader = try EventLog.openReadOnly(at: session.logPath)
        #expect(reader.head > 60)
        #expect(throws: EventLogError.self) { _ = try EventLog.openWriter(at: session.logPath) }
        let fromFiles = try LagMonitor(log: reader, config: RewindConfig.load(forLog: session.logPath, configPath: nil),
                                       settings: .init(stallAfter: 0.5)).sample()
        #expect(fromFiles.first { $0.name == roles.faults }?.status == .faulted)
        #expect(fromFiles.contains { $0.kind == .external && $0.name == roles.consumer })
        reader.close()

        let status = session.status.joined(separator: "\n")
        for projection in [roles.keepsUp, roles.lagging, roles.stalls, roles.faults] { #expect(status.contains("projection \(projection): ")) }
        #expect(status.contains("100 events/s") && status.contains(session.logPath) && status.contains("faulted at position \(poison)"))

        let directory = session.directory
        #expect(!session.allThreadsFinished)
        session.stop()
        #expect(!session.isRunning)
        #expect(session.allThreadsFinished)
        #expect(!FileSystem.exists(directory))
        #expect(session.projections.allSatisfy { $0.progress.status == .stopped || $0.progress.status == .faulted })
        // Idempotent; that the writer is gone is `allThreadsFinished` above (its thread was joined).
        session.stop()
        #expect(session.isStopped)
    }

    @Test func theDemoLogHasSnapshotsAndOneThatDrifts() throws {
        let session = try DemoSession(options: Self.quick("bank"))
        defer { session.stop() }
        let manager = try SnapshotManager(log: session.log, config: session.config)
        let checks = manager.list()
        #expect(checks.count >= 3)
        let drifting = checks.filter { $0.problem?.label == "drift" }
        #expect(drifting.count == 1)
        let first = session.log.streams().map(\.name).sorted().first
        #expect(drifting.first?.stream == first)
    }

    @Test func keepLeavesTheLogForLaterAndItReopens() throws {
        var options = Self.quick("users")
        options.keep = true
        let session = try DemoSession(options: options)
        defer { try? FileSystem.removeTree(session.directory) }
        try session.start()
        let keepsUp = session.sample.roles.keepsUp
        F.waitUntil(5) {
            session.appendedEvents >= 10 && session.projections.contains { $0.progress.name == keepsUp && $0.progress.checkpoint > 60 }
        }
        session.stop()
        #expect(FileSystem.exists(session.configPath))
        let log = try EventLog.openWriter(at: session.logPath)  // the writer lock was released…
        defer { log.close() }
        #expect(log.head >= 70)
        try ProjectionStore(logPath: session.logPath).acquireLock(command: "test").release()  // …and the projections lock
        let saved = try #require(try ProjectionStore(logPath: session.logPath).loadHeader(keepsUp))
        #expect(saved.checkpoint > 60 && saved.status == .stopped)
        #expect(ExternalCheckpoints.read(logPath: session.logPath).first?.name == session.sample.roles.consumer)
    }

    @Test func stopWithoutStartRemovesTheDirectoryAndConcurrentStopsAreSafe() throws {
        let session = try DemoSession(options: Self.quick("orders"))
        #expect(FileSystem.isDirectory(session.directory))
        #expect(session.status.contains { $0.contains("not started") })
        let group = DispatchGroup()
        for _ in 0..<4 { DispatchQueue.global().async(group: group) { session.stop() } }
        #expect(group.wait(timeout: .now() + 5) == .success)
        #expect(!FileSystem.exists(session.directory))
        #expect(throws: DemoError.self) { try session.start() }
    }

    @Test func aGivenDirectoryIsUsedAndNeverRemoved() throws {
        let scratch = F.Scratch()
        var options = Self.quick("bookings")
        options.directory = scratch.path + "/my-demo"
        let session = try DemoSession(options: options)
        #expect(session.logPath == scratch.path + "/my-demo")
        session.stop()
        #expect(FileSystem.exists(scratch.path + "/my-demo/rewind.toml"))
        // A directory that holds a log already is refused, and left alone.
        #expect(throws: EventLogError.self) { _ = try DemoSession(options: options) }
        #expect(FileSystem.exists(scratch.path + "/my-demo/rewind.toml"))
    }

    @Test func badOptionsSayWhatToDo() {
        #expect { _ = try DemoSession(options: .init(sample: "shop")) } throws: { error in
            "\(error)".contains("no sample named 'shop'") && "\(error)".contains("bank, orders, bookings, users")
        }
        #expect { _ = try DemoSession(options: .init(rate: 0)) } throws: { "\($0)".contains("--rate 20") }
        #expect(DemoSession.samples == ["bank", "orders", "bookings", "users", "fulfilment"])
    }
}
