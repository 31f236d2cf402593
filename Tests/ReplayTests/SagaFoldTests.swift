import EventLog
import Foundation
import Platform
import Replay
import Testing

/// The saga engine on hand-made logs (real file logs): every status, compensations in and out
/// of order, repeated and misordered steps, bounded memory, stream-glob instances. Expected
/// statuses are written out by hand from each instance's story, not computed by the engine.
@Suite("saga fold")
struct SagaFoldTests {
    final class Scratch: Sendable {
        let path: String
        init() throws { path = try FileSystem.makeTemporaryDirectory(prefix: "/tmp/rewind-saga-test-") }
        deinit { try? FileSystem.removeTree(path) }
        var log: String { path + "/log" }
    }

    /// 2026-01-05 08:00 UTC: minute 0 of every story.
    static let base: Int64 = 1_767_600_000 * 1_000_000

    static let definition = SagaDefinition(
        name: "fulfil", instances: .correlation, steps: ["Reserved", "Charged", "Shipped", "Notified"],
        compensations: [("Released", "Reserved"), ("Refunded", "Charged")], failed: ["Declined", "ShipFailed"],
        timeoutMicros: 30 * 60 * 1_000_000)

    /// Writes `events` (stream, type, correlation or nil, minute) in order to a fresh log.
    static func makeLog(_ scratch: Scratch, _ events: [(String, String, String?, Int)]) throws -> EventLog {
        try EventLog.create(at: scratch.log, segmentBytes: 16_384)
        let log = try EventLog.openWriter(at: scratch.log, options: .init(durability: .noSync, command: "saga-tests"))
        for (stream, type, correlation, minute) in events {
            let metadata = correlation.map { "{\"correlationId\":\"\($0)\"}" } ?? "{}"
            _ = try log.append(to: stream, [NewEvent(type: type, data: Array("{}".utf8), metadata: Array(metadata.utf8),
                                                     originalMicros: base + Int64(minute) * 60_000_000)])
        }
        return log
    }

    /// One saga's report over a log of `events`.
    static func report(_ events: [(String, String, String?, Int)], _ definition: SagaDefinition = definition) throws -> SagaReport {
        let scratch = try Scratch()
        let log = try makeLog(scratch, events)
        defer { log.close() }
        return try #require(try SagaScan.run([definition], log: log).first)
    }

    /// The stories, each an instance (correlation id) told in event order; the newest event of
    /// the log is at minute 100 (an event of another type), so the timeout (30 minutes) ends
    /// at minute 70.
    static let stories: [(String, String, String?, Int)] = [
        ("inv", "Reserved", "ok", 0), ("pay", "Charged", "ok", 1), ("ship", "Shipped", "ok", 2), ("note", "Notified", "ok", 3),
        ("inv", "Reserved", "comp", 4), ("pay", "Charged", "comp", 5), ("ship", "ShipFailed", "comp", 6), ("pay", "Refunded", "comp", 7), ("inv", "Released", "comp", 8),
        ("inv", "Reserved", "bad", 4), ("pay", "Charged", "bad", 5), ("ship", "ShipFailed", "bad", 6), ("inv", "Released", "bad", 7), ("pay", "Refunded", "bad", 8),
        ("inv", "Reserved", "stuck", 10), ("pay", "Charged", "stuck", 11),
        ("inv", "Reserved", "fail", 5), ("pay", "Charged", "fail", 6), ("ship", "ShipFailed", "fail", 7), ("inv", "Released", "fail", 8),
        ("pay", "Declined", "early", 20),
        ("inv", "Reserved", "repeat", 30), ("inv", "Reserved", "repeat", 31), ("pay", "Charged", "repeat", 32), ("ship", "Shipped", "repeat", 33), ("note", "Notified", "repeat", 34),
        ("pay", "Charged", "order", 40), ("inv", "Reserved", "order", 41), ("ship", "Shipped", "order", 42), ("note", "Notified", "order", 43),
        ("inv", "Reserved", nil, 50),                      // no correlation: belongs to no instance
        ("inv", "Reserved", "run", 90),
        ("inv", "Reserved", "compensating", 95), ("pay", "Declined", "compensating", 96),
        ("audit", "Audited", "ok", 100),                   // not a saga type: only moves the newest time
    ]

    @Test func everyStatusOnHandMadeStories() throws {
        let report = try Self.report(Self.stories)
        let expected: [(String, SagaStatus, Int)] = [
            ("ok", .completed, 4), ("comp", .compensated, 2), ("bad", .compensated, 2), ("stuck", .stuck, 2), ("fail", .failed, 2),
            ("early", .failed, 0), ("repeat", .completed, 4), ("order", .completed, 4), ("run", .running, 1), ("compensating", .running, 1),
        ]
        #expect(report.instances.map(\.id) == expected.map(\.0), "instances in the order of their first event")
        for (id, status, done) in expected {
            let i = try #require(report.instance(id))
            #expect(i.status == status, "\(id): \(i.status) (\(i.reason))")
            #expect(i.stepsDone == done, "\(id)")
        }
        #expect(report.newestMicros == Self.base + 100 * 60_000_000)
        #expect(report.counts.map(\.count) == [3, 2, 2, 1, 2])
        #expect(report.filtered(.stuck).map(\.id) == ["stuck"])
    }

    @Test func compensationsInReverseOrderAreInOrderAndTheMisorderedOneIsNamed() throws {
        let report = try Self.report(Self.stories)
        let comp = try #require(report.instance("comp"))
        #expect(comp.misordered == nil)
        #expect(comp.reason == "compensated after ShipFailed, in reverse order")
        #expect(comp.compensationOrder == [1, 0])
        let bad = try #require(report.instance("bad"))
        #expect(bad.compensationOrder == [0, 1])
        #expect(bad.misordered == "Released (undoing Reserved) ran before Refunded (undoing Charged)")
        #expect(bad.reason.contains("out of order"))
        #expect(bad.failure?.type == "ShipFailed" && bad.failure?.stream == "ship")
        #expect(bad.compensationEvents[0].map(\.stream) == ["inv"] && bad.compensationEvents[1].map(\.stream) == ["pay"])
    }

    @Test func stuckFailedAndRunningSayWhy() throws {
        let report = try Self.report(Self.stories)
        #expect(try #require(report.instance("stuck")).reason == "no event for 1h29m after Charged, waiting for Shipped")
        #expect(try #require(report.instance("fail")).reason == "ShipFailed; Charged not compensated (no event for 1h32m)")
        #expect(try #require(report.instance("early")).reason == "Declined before any step to compensate")
        #expect(try #require(report.instance("run")).reason == "waiting for Charged (last event 10m before the newest in the log)")
        #expect(try #require(report.instance("compensating")).reason == "compensating after Declined: Reserved not compensated yet")
    }

    @Test func repeatedAndMisorderedStepsAreAnomaliesNotCrashes() throws {
        let report = try Self.report(Self.stories)
        let repeated = try #require(report.instance("repeat"))
        #expect(repeated.stepCounts == [2, 1, 1, 1] && repeated.anomalies == ["Reserved ran more than once"])
        #expect(repeated.stepEvents[0].map(\.version) == [9, 10], "both events behind the step, at their versions in stream inv")
        let order = try #require(report.instance("order"))
        #expect(order.anomalies == ["Reserved ran after Charged"])
        #expect(try #require(report.instance("ok")).anomalies.isEmpty)
    }

    @Test func aStepRepeatedThousandsOfTimesKeepsBoundedEvents() throws {
        let n = Int(ProcessInfo.processInfo.environment["REWIND_SAGA_REPEATS"] ?? "") ?? 2_000
        let events = (0..<n).map { ("inv", "Reserved", Optional("loop"), $0 / 100) } + [("inv", "Released", "loop", n), ("inv", "Released", "loop", n)]
        let i = try #require(try Self.report(events).instance("loop"))
        #expect(i.stepCounts[0] == n && i.stepEvents[0].count == SagaInstance.maxEvents)
        #expect(i.compensationCounts[0] == 2 && i.compensationEvents[0].count == 2)
        #expect(i.anomalies.count <= SagaInstance.maxAnomalies)
        #expect(i.status == .compensated, "a compensation without a failure event still compensates")
        #expect(i.reason == "compensated without a failure event, in reverse order")
    }

    @Test func streamGlobInstancesAreOnePerMatchingStream() throws {
        let definition = SagaDefinition(name: "orders", instances: .streams("order-*"), steps: ["Placed", "Paid"], timeoutMicros: 60_000_000)
        let report = try Self.report([
            ("order-1", "Placed", "x", 0), ("order-2", "Placed", "x", 0), ("order-1", "Paid", "y", 0),
            ("invoice-1", "Placed", nil, 1), ("order-3", "Other", nil, 5),
        ], definition)
        #expect(report.instances.map(\.id) == ["order-1", "order-2"])
        #expect(report.instances.map(\.status) == [.completed, .stuck])
        #expect(try #require(report.instance("order-2")).reason == "no event for 5m after Placed, waiting for Paid")
    }

    @Test func anEmptyLogHasNoInstances() throws {
        let report = try Self.report([])
        #expect(report.instances.isEmpty && report.counts.allSatisfy { $0.count == 0 })
    }

    @Test func durationsParseAndPrint() {
        #expect(SagaDuration.micros("15m") == 900_000_000)
        #expect(SagaDuration.micros("1h30m") == 5_400_000_000)
        #expect(SagaDuration.micros("2d") == 172_800_000_000)
        for bad in ["", "15", "m", "0s", "1.5h", "15 m", "-5m", "999999999999999999999s", "367d", "1w"] {
            #expect(SagaDuration.micros(bad) == nil, "\(bad)")
        }
        #expect(SagaDuration.text(micros: 5_400_000_000) == "1h30m")
        #expect(SagaDuration.text(micros: 90_061_000_000) == "1d1h1m1s")
    }
}
