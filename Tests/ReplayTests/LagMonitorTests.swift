import EventLog
import Foundation
import Replay
import Synchronization
import Testing
import Platform

/// A clock the test moves by hand.
final class LagTestClock: Sendable {
    private let micros: Atomic<Int64>

    init(_ micros: Int64) { self.micros = Atomic(micros) }

    func advance(seconds: Double) {
        micros.add(Int64(seconds * 1e6), ordering: .sequentiallyConsistent)
    }

    func now() -> Int64 {
        micros.load(ordering: .sequentiallyConsistent)
    }
}

@Suite("Lag monitor and external checkpoints")
struct LagMonitorTests {
    typealias F = ProjectionFixtures

    static func write(_ text: String, to name: String, in log: String) throws {
        let dir = ExternalCheckpoints.directory(logPath: log)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name))
    }

    @Test func externalCheckpointsAreReadAndMalformedOnesReportedNotFatal() throws {
        let scratch = F.Scratch()
        let log = scratch.path
        #expect(ExternalCheckpoints.read(logPath: log).isEmpty)  // no directory yet
        try ExternalCheckpoints.write(name: "billing", position: 42, updatedAtMicros: 1_768_471_200_000_000, logPath: log)
        try Self.write("{\"position\": 7}", to: "no-time.json", in: log)
        try Self.write("{\"position\": -1, \"updatedAt\": \"2026-01-15T10:00:00Z\"}", to: "negative.json", in: log)
        try Self.write("{\"position\": 3, \"updatedAt\": \"yesterday\"}", to: "bad-time.json", in: log)
        try Self.write("{\"updatedAt\": \"2026-01-15T10:00:00Z\"}", to: "no-position.json", in: log)
        try Self.write("{\"position\": 1", to: "torn.json", in: log)
        try Self.write("", to: "empty.json", in: log)
        try Self.write("[1]", to: "array.json", in: log)
        try Self.write("{\"position\": 1}", to: "billing.json.tmp-123", in: log)
        try Self.write("{\"position\": 12.0, \"updatedAt\": \"2026-01-15T11:00:00+01:00\"}", to: "float.json", in: log)

        let all = ExternalCheckpoints.read(logPath: log)
        let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
        #expect(all.map(\.name) == ["array", "bad-time", "billing", "empty", "float", "negative", "no-position", "no-time", "torn"])
        #expect(byName["billing"]?.position == 42 && byName["billing"]?.updatedAtMicros == 1_768_471_200_000_000 && byName["billing"]?.problem == nil)
        #expect(byName["no-time"]?.position == 7 && byName["no-time"]?.updatedAtMicros == nil && byName["no-time"]?.problem == nil)
        #expect(byName["float"]?.position == 12 && byName["float"]?.updatedAtMicros == 1_768_471_200_000_000)
        for bad in ["negative", "bad-time", "no-position", "torn", "empty", "array"] {
            let c = try #require(byName[bad])
            #expect(c.position == nil)
            #expect(c.problem?.contains("is malformed") == true, "\(bad): \(c.problem ?? "no problem")")
            #expect(c.problem?.contains("{\"position\": N, \"updatedAt\": \"<RFC 3339>\"}") == true)
        }
        #expect(byName["bad-time"]?.problem?.contains("not an RFC 3339 time") == true)
        #expect(byName["empty"]?.problem?.contains("it is empty") == true)
    }

    @Test func monitorSamplesProjectionsOrphansAndExternalsWithRates() throws {
        let scratch = F.Scratch()
        let log = try F.makeLog(scratch, F.bankEvents(count: 100))
        defer { log.close() }
        try F.run(log, [F.balances, F.types])
        let clock = LagTestClock(WallClock.nowMicros())
        try ExternalCheckpoints.write(name: "mailer", position: 40, updatedAtMicros: clock.now(), logPath: log.path)
        try Self.write("{\"position\": \"x\"}", to: "broken.json", in: log.path)

        let never = F.orders.renamed("never")
        let monitor = LagMonitor(log: log, projections: [F.balances, never], settings: .init(stallAfter: 5), clock: { clock.now() })
        let first = try monitor.sample()
        #expect(first.map(\.name) == ["balances", "never", "types", "broken", "mailer"])
        let byName = Dictionary(uniqueKeysWithValues: first.map { ($0.name, $0) })
        #expect(byName["balances"]?.status == .ok && byName["balances"]?.lagEvents == 0 && byName["balances"]?.kind == .projection)
        #expect(byName["never"]?.status == .stalled && byName["never"]?.lagEvents == 100 && byName["never"]?.note?.contains("never run") == true)
        #expect(byName["types"]?.status == .unknown && byName["types"]?.problem?.contains("no definition") == true)
        #expect(byName["broken"]?.status == .unknown && byName["broken"]?.kind == .external)
        let mailer = try #require(byName["mailer"])
        #expect(mailer.status == .catchingUp && mailer.lagEvents == 60 && mailer.rate == nil)
        let t40 = try #require(try log.event(at: 40)).recordedMicros
        let t100 = try #require(try log.event(at: 100)).recordedMicros
        #expect(mailer.lagSeconds == Double(t100 - t40) / 1e6)

        clock.advance(seconds: 2)
        try ExternalCheckpoints.write(name: "mailer", position: 80, updatedAtMicros: clock.now(), logPath: log.path)
        let second = try monitor.sample()
        let m2 = try #require(second.first { $0.name == "mailer" })
        #expect(m2.rate == 20)
        #expect(m2.etaSeconds == 1)
        #expect(monitor.history(of: "mailer", kind: .external).map(\.position) == [40, 80])
        #expect(monitor.latest == second)

        // The mailer stops writing: stalled after 5 s.
        clock.advance(seconds: 6)
        #expect(try monitor.sample().first { $0.name == "mailer" }?.status == .stalled)
    }

    @Test func monitorUsesALiveRunnersProgress() throws {
        let scratch = F.Scratch()
        let writer = try F.makeLog(scratch, F.bankEvents(count: 30))
        defer { writer.close() }
        let runner = try ProjectionRunner(log: writer, projections: [F.balances], options: .init(follow: true, pollInterval: 0.02))
        let monitor = LagMonitor(log: writer, projections: [F.balances], runner: runner)
        try runner.start()
        #expect(F.waitUntil { runner.progress().first?.status == .caughtUp })
        try F.append(writer, F.bankEvents(count: 10, seed: 4))
        #expect(F.waitUntil { runner.progress().first?.checkpoint == 40 })
        let lag = try #require(try monitor.sample().first)
        #expect(lag.name == "balances" && lag.position == 40 && lag.head == 40 && lag.status == .ok)
        runner.stop()
        #expect(runner.wait() == nil)
    }
}
