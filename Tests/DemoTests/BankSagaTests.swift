@testable import Demo
import EventLog
import Replay
import Testing

/// The bank sample's transfer saga (`[sagas.transfer]`), which the live demo shows in its sagas
/// pane (`S`): the committed history holds an instance of every status the demo promises
/// (completed, compensated, failed, stuck), computed here from the events alone, with rules
/// written out for this saga (no `SagaFold`); the engine's answer must be the same, instance by
/// instance. And the live writer holds a transfer soon after it starts, which the timeout then
/// turns from running to stuck while you watch.
@Suite("bank transfer saga")
struct BankSagaTests {
    typealias F = DemoFixtures

    /// The sample's saga timeout (`timeout = "30s"`).
    static let timeoutMicros: Int64 = 30_000_000

    /// Each transfer's status, by the saga's rules spelled out for two steps and one
    /// compensation: credited is completed; rejected then refunded is compensated; rejected and
    /// never refunded is failed once the timeout passed (else still compensating: running);
    /// sent alone is stuck once the timeout passed (else running).
    static func statuses(_ events: [SampleEvent]) -> [String: SagaStatus] {
        let types: Set = ["TransferSent", "TransferReceived", "TransferRejected", "TransferRefunded"]
        var seen: [String: [String]] = [:]
        var last: [String: Int64] = [:]
        var newest = Int64.min
        for e in events {
            newest = max(newest, e.timeMicros)
            guard types.contains(e.type), let id = e.meta("correlationId") else { continue }
            seen[id, default: []].append(e.type)
            last[id] = e.timeMicros
        }
        var out: [String: SagaStatus] = [:]
        for (id, types) in seen {
            let quiet = newest - (last[id] ?? newest) > timeoutMicros
            switch types {
            case ["TransferSent", "TransferReceived"]: out[id] = .completed
            case ["TransferSent", "TransferRejected", "TransferRefunded"]: out[id] = .compensated
            case ["TransferSent", "TransferRejected"]: out[id] = quiet ? .failed : .running
            case ["TransferSent"]: out[id] = quiet ? .stuck : .running
            default: Issue.record("transfer \(id) has an unplanned sequence \(types)")
            }
        }
        return out
    }

    @Test func theCommittedHistoryHasATransferOfEveryStatusTheDemoShowsAndTheEngineAgrees() throws {
        let events = Sample.bank.events()
        let expected = Self.statuses(events)
        for status in [SagaStatus.completed, .compensated, .failed, .stuck] {
            #expect(expected.values.contains(status), "no \(status) transfer in the bank history")
        }

        let scratch = F.Scratch()
        let (log, config) = try F.makeLog(scratch, sample: .bank, events: events)
        defer { log.close() }
        let definition = try #require(config.sagas.first { $0.name == "transfer" })
        #expect(definition.timeoutMicros == Self.timeoutMicros)
        let report = try #require(try SagaScan.run([definition], log: log).first)
        let engine = Dictionary(uniqueKeysWithValues: report.instances.map { ($0.id, $0.status) })
        #expect(engine == expected)
        // Compensated in order: one step, one compensation.
        #expect(report.instances.filter { $0.status == .compensated }.allSatisfy { $0.misordered == nil })
    }

    @Test func theLiveWriterHoldsATransferWithinFifteenSecondsAtTheDefaultRate() {
        var history = Sample.bank.history()
        let imported = history.take(Sample.bank.defaultEvents)
        history.followWallClock()
        // The default demo writes 20 events a second.
        let live = history.take(15 * 20)
        let statuses = Self.statuses(imported + live)
        let liveTransfers = Set(live.compactMap { $0.type == "TransferSent" ? $0.meta("correlationId") : nil })
        let held = liveTransfers.filter { id in
            live.filter { $0.meta("correlationId") == id }.map(\.type) == ["TransferSent"]
        }
        #expect(!held.isEmpty, "no transfer held in the first 15 s of the live demo")
        // Just written, so running: the 30 s timeout makes it stuck while the demo goes on.
        #expect(held.allSatisfy { statuses[$0] == .running || statuses[$0] == .stuck })
        #expect(liveTransfers.contains { statuses[$0] == .compensated }, "no refunded transfer in the first 15 s")
    }
}
