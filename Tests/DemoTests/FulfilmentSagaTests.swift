import Demo
import EventLog
import Foundation
import JSON
import Replay
import Testing

/// The fulfilment sample's saga: each instance's status as the engine finds it equals a
/// classification made here from the generated events alone (by the exact sequence of types
/// the world writes for each outcome), and the committed sample has its exact counts, with one
/// out-of-order compensation and one stuck instance.
@Suite("fulfilment saga")
struct FulfilmentSagaTests {
    typealias F = DemoFixtures

    /// What an instance's types, in order, say its status is; `idleMicros` is how long before
    /// the newest event its last one happened.
    static func classify(_ types: [String], idleMicros: Int64) -> (status: SagaStatus, inOrder: Bool?) {
        switch types {
        case ["StockReserved", "PaymentCharged", "ShipmentDispatched", "CustomerNotified"]: return (.completed, nil)
        case ["StockReserved", "PaymentDeclined", "StockReleased"]: return (.compensated, true)
        case ["StockReserved", "PaymentCharged", "ShipmentFailed", "PaymentRefunded", "StockReleased"]: return (.compensated, true)
        case ["StockReserved", "PaymentCharged", "ShipmentFailed", "StockReleased", "PaymentRefunded"]: return (.compensated, false)
        default:
            let timeout: Int64 = 12 * 3_600 * 1_000_000
            let failedAlready = types.contains("PaymentDeclined") || types.contains("ShipmentFailed")
            return (idleMicros > timeout ? (failedAlready ? .failed : .stuck) : .running, nil)
        }
    }

    func check(events count: Int, seed: UInt64) throws -> SagaReport {
        let sample = Sample.fulfilment
        let events = sample.events(count: count, seed: seed)
        let scratch = F.Scratch()
        let (log, config) = try F.makeLog(scratch, sample: sample, events: events)
        defer { log.close() }
        let report = try #require(try SagaScan.run(config.sagas, log: log).first)

        let newest = try #require(events.map(\.timeMicros).max())
        var order: [String] = []
        var byInstance: [String: [SampleEvent]] = [:]
        for e in events {
            guard let id = e.metadata["correlationId"]?.stringValue else { continue }
            if byInstance[id] == nil { order.append(id) }
            byInstance[id, default: []].append(e)
        }
        #expect(report.instances.map(\.id) == order)
        for id in order {
            let mine = byInstance[id] ?? []
            let expected = Self.classify(mine.map(\.type), idleMicros: newest - (mine.map(\.timeMicros).max() ?? newest))
            let found = try #require(report.instance(id))
            #expect(found.status == expected.status, "\(id): \(mine.map(\.type)) → \(found.status) (\(found.reason))")
            if let inOrder = expected.inOrder { #expect((found.misordered == nil) == inOrder, "\(id)") }
        }
        return report
    }

    @Test func theCommittedSampleHasItsExactCounts() throws {
        let report = try check(events: Sample.fulfilment.defaultEvents, seed: Sample.defaultSeed)
        #expect(report.counts.map(\.count) == Self.committedCounts, "\(report.counts)")
        #expect(report.instances.filter { $0.misordered != nil }.count == 1)
        #expect(report.count(.stuck) == 1)
        #expect(report.instances.allSatisfy { $0.anomalies.isEmpty })
    }

    /// completed, compensated, failed, stuck, running in `Samples/fulfilment/events.jsonl`.
    static let committedCounts = [52, 22, 0, 1, 1]

    @Test(arguments: [UInt64(7), 1234])
    func otherSeedsAndSizesAgreeWithTheClassification(_ seed: UInt64) throws {
        let report = try check(events: 900, seed: seed)
        #expect(report.count(.stuck) == 1 && report.instances.filter { $0.misordered != nil }.count == 1)
    }
}
