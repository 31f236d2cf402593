import EventLog
import Foundation
import JSON
import Platform
@testable import Replay
import Testing

/// `ProjectionTimeline`: states at random positions, from its cache, against folds written
/// here without jq (and against `ProjectionStateAt.fold` for faults).
@Suite("Projection timeline")
struct ProjectionTimelineTests {
    typealias F = ProjectionFixtures

    /// Positions asked per test (PROJECTION_TIMELINE_QUESTIONS; CI-sized by default).
    static let questions = Int(ProcessInfo.processInfo.environment["PROJECTION_TIMELINE_QUESTIONS"] ?? "") ?? 60

    /// What `orders` should hold after `events`, without jq.
    static func expectedOrders(_ events: ArraySlice<(String, String, String)>) -> JSONValue {
        var count: Int64 = 0
        var total: Int64 = 0
        for (stream, type, data) in events where stream.hasPrefix("order-") && type == "OrderPlaced" {
            count += 1
            total += (try? JSONValue.parse(data))?["total"]?.int64Value ?? 0
        }
        return ["count": .integer(count), "total": .integer(total)]
    }

    /// A deterministic generator, so a failure names positions that can be asked again.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: [UInt64(16), 64])
    func statesAtRandomPositionsMatchAnIndependentFold(stride: UInt64) throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 1500, accounts: 9, seed: 4)
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        let balances = try ProjectionTimeline(log: log, definition: F.balances, upcasters: [], options: .init(stride: stride))
        let orders = try ProjectionTimeline(log: log, definition: F.orders, upcasters: [], options: .init(stride: stride))
        #expect(balances.isPartitioned && !orders.isPartitioned)
        var rng = Seeded(state: stride)
        let positions = [0, 1, 1500, 700, 699, 701, 3] + (0..<Self.questions).map { _ in UInt64.random(in: 0...1500, using: &rng) }
        for p in positions {
            let prefix = Array(events.prefix(Int(p)))
            let b = try balances.state(at: p)
            #expect(b.position == p)
            #expect(b.state == F.expectedBalances(prefix), "balances at \(p)")
            #expect(b.partitions.count == (b.state.objectValue?.count ?? -1))
            #expect(b.fault == nil)
            #expect(try orders.state(at: p).state == Self.expectedOrders(prefix[...]), "orders at \(p)")
            // One partition: its state alone, null when no event has reached it yet.
            let key = "account-\(p % 9)"
            let one = try balances.state(at: p, key: key)
            #expect(one.state == (F.expectedBalances(prefix)[key] ?? .null), "\(key) at \(p)")
            #expect(one.partitions.count == (F.expectedBalances(prefix)[key] == nil ? 0 : 1))
        }
        // The cache was used: after the first pass, no question folds more than a stride.
        #expect(balances.checkpointCount > 1500 / Int(stride) / 2)
        _ = try balances.state(at: 1499)
        _ = try balances.state(at: 5)
        #expect(balances.lastFolded < stride)
        // Past the head: the head.
        #expect(try balances.state(at: 9999).position == 1500)
    }

    @Test func aFaultGivesTheStateBeforeThePoisonEventAtEveryLaterPosition() throws {
        let scratch = F.Scratch()
        var events = F.bankEvents(count: 300, seed: 2)
        events.insert(("order-1", "OrderPlaced", "{\"total\":\"ten\"}"), at: 200)  // position 201
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        let timeline = try ProjectionTimeline(log: log, definition: F.orders, upcasters: [], options: .init(stride: 16))
        var rng = Seeded(state: 7)
        let positions: [UInt64] = [250, 200, 201, 199, 301, 0] + (0..<Self.questions).map { _ in UInt64.random(in: 0...301, using: &rng) }
        for p in positions {
            let answer = try timeline.state(at: p)
            let reference = try ProjectionStateAt.fold(log: log, definition: F.orders, upcasters: [], through: p, useSaved: false)
            #expect(answer.state == reference.state, "orders at \(p)")
            #expect(answer.fault == reference.fault, "fault at \(p)")
            #expect(answer.position == p)
            #expect(answer.state == Self.expectedOrders(events.prefix(Int(min(p, 200)))[...]))
            #expect((answer.fault?.position == 201) == (p >= 201))
        }
        // The debugger: the poison event's step carries the fault and no after-state; past it, a fault before.
        let steps = try timeline.steps(from: 199, count: 5)
        #expect(steps.steps.last?.position == 201)
        #expect(steps.steps.last?.fault != nil && steps.steps.last?.after == nil)
        #expect(try timeline.steps(from: 230, count: 1).faultBefore?.position == 201)
    }

    @Test func upcastedEventsGiveTheSameStatesAsTheFold() throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 600, accounts: 5, seed: 19)
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        let upcasters = [UpcasterDefinition(eventType: "MoneyDeposited", steps: [1: ".amountCents = .amountCents * 2"])]
        let timeline = try ProjectionTimeline(log: log, definition: F.balances, upcasters: upcasters, options: .init(stride: 32))
        #expect(timeline.fingerprint == F.balances.fingerprint(upcasters: upcasters))
        var rng = Seeded(state: 5)
        for p in [600] + (0..<Self.questions / 3).map({ _ in UInt64.random(in: 0...600, using: &rng) }) {
            let reference = try ProjectionStateAt.fold(log: log, definition: F.balances, upcasters: upcasters, through: p, useSaved: false)
            #expect(try timeline.state(at: p).state == reference.state, "balances at \(p)")
        }
        // The upcaster did change the answer (deposits count twice).
        #expect(try timeline.state(at: 600).state != F.expectedBalances(events))
    }

    @Test func aGrowingLogIsFoldedOnPastTheOldHead() throws {
        let scratch = F.Scratch()
        let all = F.bankEvents(count: 900, accounts: 5, seed: 11)
        let log = try F.makeLog(scratch, Array(all.prefix(400)))
        defer { log.close() }
        let reader = try EventLog.openReadOnly(at: scratch.log)
        defer { reader.close() }
        let timeline = try ProjectionTimeline(log: reader, definition: F.balances, upcasters: [], options: .init(stride: 32))
        #expect(try timeline.state(at: 900).position == 400)
        #expect(try timeline.state(at: 300).state == F.expectedBalances(Array(all.prefix(300))))
        for chunk in [(400, 650), (650, 900)] {
            try F.append(log, Array(all[chunk.0..<chunk.1]))
            #expect(F.waitUntil { ((try? reader.refresh()) != nil) && reader.head == UInt64(chunk.1) })
            for p in [chunk.1, chunk.0 + 1, chunk.1 - 17, 10] {
                #expect(try timeline.state(at: UInt64(p)).state == F.expectedBalances(Array(all.prefix(p))), "balances at \(p)")
            }
        }
        #expect(try timeline.handledPositions(in: 1...900).count == all.filter { $0.0.hasPrefix("account-") }.count)
    }

    @Test func aWidenedStrideKeepsAnswersExact() throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 2000, accounts: 40, seed: 3)
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        // Room for a few checkpoints only: the stride doubles as the fold goes.
        let timeline = try ProjectionTimeline(log: log, definition: F.balances, upcasters: [], options: .init(stride: 8, memoryBudgetBytes: 40_000))
        _ = try timeline.state(at: 2000)
        #expect(timeline.stride > 8)
        #expect(timeline.checkpointMemoryBytes <= 40_000)
        var rng = Seeded(state: 99)
        for p in (0..<Self.questions).map({ _ in UInt64.random(in: 0...2000, using: &rng) }) {
            #expect(try timeline.state(at: p).state == F.expectedBalances(Array(events.prefix(Int(p)))), "balances at \(p)")
        }
    }

    @Test func theStrideIsChosenByCostWhenNotGiven() throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 10_000, accounts: 50, seed: 8)
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        let timeline = try ProjectionTimeline(log: log, definition: F.balances, upcasters: [])
        _ = try timeline.state(at: 10_000)
        #expect(timeline.stride >= ProjectionTimeline.smallestStride && timeline.stride <= ProjectionTimeline.largestStride)
        #expect(timeline.stride.nonzeroBitCount == 1)
        for p: UInt64 in [9_999, 2_345, 1, 8193] {
            #expect(try timeline.state(at: p).state == F.expectedBalances(Array(events.prefix(Int(p)))), "balances at \(p)")
        }
    }

    @Test func handledPositionsAreTheEventsItsHandlersTake() throws {
        let scratch = F.Scratch()
        var events = F.bankEvents(count: 500, seed: 6)
        events.append(("account-1", "AccountClosed", "{}"))  // from its streams, but no handler
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        let timeline = try ProjectionTimeline(log: log, definition: F.balances, upcasters: [], options: .init(stride: 16))
        let expected = events.enumerated().filter { $0.element.0.hasPrefix("account-") && $0.element.1 != "AccountClosed" }.map { UInt64($0.offset + 1) }
        #expect(try timeline.handledPositions(in: 1...501) == expected)
        #expect(try timeline.handledPositions(in: 100...200) == expected.filter { (100...200).contains($0) })
        #expect(try timeline.handledPositions(in: 600...700) == [])
    }

    @Test func stepsFromTheCacheAreThoseOfProjectStep() throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 400, seed: 5)
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        let timeline = try ProjectionTimeline(log: log, definition: F.balances, upcasters: [], options: .init(stride: 16))
        _ = try timeline.state(at: 400)
        for (p, key) in [(UInt64(1), nil), (250, nil), (117, "account-3"), (399, nil)] as [(UInt64, String?)] {
            let cached = try timeline.steps(from: p, count: 6, key: key)
            let reference = try ProjectionSteps.run(log: log, definition: F.balances, upcasters: [], from: p, count: 6, key: key, useSaved: false)
            #expect(cached.steps == reference.steps, "steps from \(p)")
            for step in cached.steps {
                let after = try #require(step.after)
                #expect(step.changes == JSONValue.diff(from: step.before, to: after))
                #expect(!step.changes.isEmpty || step.before == after)
            }
        }
        // Stepping leaves the cache answering exact states.
        #expect(try timeline.state(at: 260).state == F.expectedBalances(Array(events.prefix(260))))
    }
}
