import EventLog
import Foundation
@testable import Replay
import Testing
import JSON

extension ReplayLayerTests {
    @Suite("Time travel")
    struct TimeTravelTests {
        static let ledger = AggregateDefinition(
            name: "ledger", streams: "ledger-*", initExpression: "{balance: 0, count: 0, last: null, tags: {}}",
            handlers: [
                "Deposited": ".balance += $e.data.amount | .count += 1 | .last = $e.data.note",
                "Withdrawn": ".balance -= $e.data.amount | .count += 1",
                "Tagged": ".tags[$e.data.tag] = $e.version",
            ])

        /// A stream of `count` events with times that mostly grow (some go back), interleaved
        /// with another stream so that global positions have gaps.
        static func buildLedger(_ fixture: ReplayTestLog, stream: String, count: Int, seed: UInt64) throws {
            var rng = ReplayRandom(seed: seed)
            var time: Int64 = 1_768_471_200_000_000  // 2026-01-15T10:00:00Z
            for i in 0..<count {
                time += Int64(rng.next() % 120_000_000)
                let stamp = rng.next() % 25 == 0 ? time - 600_000_000 : time
                let type: String, data: String
                switch rng.next() % 5 {
                case 0: (type, data) = ("Withdrawn", #"{"amount":\#(rng.next() % 50)}"#)
                case 1: (type, data) = ("Tagged", #"{"tag":"t\#(rng.next() % 4)"}"#)
                default: (type, data) = ("Deposited", #"{"amount":\#(rng.next() % 100),"note":"n\#(i)"}"#)
                }
                try fixture.append(stream, type, data, time: stamp)
                if rng.next() % 3 == 0 { try fixture.append("noise-\(rng.next() % 3)", "Noise", #"{"i":\#(i)}"#, time: stamp) }
            }
        }

        /// The state at `version` by the plainest replay: initial state, every event, in order.
        static func fullReplay<R: Reducer>(_ reducer: R, _ log: EventLog, _ stream: String, through version: UInt64) throws -> JSONValue {
            var state = try reducer.initialState()
            if version > 0 {
                try log.readStream(stream, limit: Int(version)) { try reducer.apply(&state, $0, data: nil, schemaVersion: nil); return true }
            }
            return try reducer.json(of: state)
        }

        @Test(arguments: [false, true])
        func randomVersionsEqualAFullReplay(jq: Bool) throws {
            let fixture = try ReplayTestLog()
            try Self.buildLedger(fixture, stream: "ledger-1", count: 700, seed: jq ? 1 : 2)
            let config = jq ? RewindConfig(aggregates: [Self.ledger]) : RewindConfig()
            let timeline = try StreamTimeline(log: fixture.log, stream: "ledger-1", config: config, options: .init(checkpointInterval: 32))
            let reducer = try ReducerFactory.reducer(for: "ledger-1", log: fixture.log, config: config)
            var rng = ReplayRandom(seed: 99)
            var versions: [UInt64] = [0, 1, 31, 32, 33, 700, 699]
            for _ in 0..<120 { versions.append(rng.next() % 701) }
            for v in versions {
                let got = try timeline.state(at: v)
                #expect(got.version == v)
                #expect(got.state == (try Self.fullReplay(reducer, fixture.log, "ledger-1", through: v)), "version \(v)")
                #expect(got.event?.version == (v == 0 ? nil : v))
            }
            // Once the cache covers the stream, a jump replays fewer than K events.
            try timeline.warm()
            for _ in 0..<50 {
                let v = rng.next() % 701
                _ = try timeline.state(at: v)
                #expect(timeline.lastReplayedEvents < 32)
            }
            #expect(timeline.checkpointInterval == 32)
            #expect(timeline.checkpointCount == 700 / 32 + 1)
        }

        @Test func timesAndPositionsPickTheSameVersionAsAScan() throws {
            let fixture = try ReplayTestLog()
            try Self.buildLedger(fixture, stream: "ledger-2", count: 400, seed: 3)
            let events = try fixture.events("ledger-2")
            let timeline = try StreamTimeline(log: fixture.log, stream: "ledger-2", config: RewindConfig(aggregates: [Self.ledger]))
            var rng = ReplayRandom(seed: 5)
            let first = events[0].originalMicros, last = events[events.count - 1].originalMicros
            for _ in 0..<200 {
                let t = first - 1_000_000 + Int64(rng.next() % UInt64(last - first + 2_000_000))
                // Reference: the leading versions stamped at or before t.
                let expected = UInt64(events.prefix { $0.originalMicros <= t }.count)
                #expect(try timeline.version(atTime: t) == expected, "time \(t)")
                let p = rng.next() % (events[events.count - 1].position + 5)
                #expect(try timeline.version(atPosition: p) == UInt64(events.filter { $0.position <= p }.count), "position \(p)")
            }
            #expect(try timeline.version(atTime: first - 1) == 0)
            #expect(try timeline.version(atTime: .max) == UInt64(events.count))
            // Exact instants and positions land on their event.
            let e = events[123]
            if events.prefix(123).allSatisfy({ $0.originalMicros <= e.originalMicros }) {
                #expect(try timeline.state(atTime: e.originalMicros).version == 124)
            }
            #expect(try timeline.state(atPosition: e.position).version == 124)
            #expect(try timeline.state(atPosition: e.position).state == (try timeline.state(at: 124)).state)
        }

        @Test func theStrideFollowsReplayCostAndTheMemoryBudget() throws {
            let fixture = try ReplayTestLog()
            var batch: [NewEvent] = []
            for i in 0..<6000 { batch.append(NewEvent(type: "Set", data: Array(#"{"i":\#(i),"payload":"\#(String(repeating: "p", count: 40))"}"#.utf8))) }
            try fixture.log.append(to: "big-1", batch)
            // K is the largest power of two whose replay fits the budget (16 at least).
            let roomy = try StreamTimeline(log: fixture.log, stream: "big-1", options: .init(replayBudgetMicros: 100_000))
            try roomy.warm()
            #expect(roomy.checkpointInterval >= 256)
            #expect(roomy.checkpointInterval & (roomy.checkpointInterval - 1) == 0)
            #expect(try roomy.state(at: 4321).state["i"] == 4320)
            let stingy = try StreamTimeline(log: fixture.log, stream: "big-1", options: .init(replayBudgetMicros: 0.001))
            try stingy.warm()
            #expect(stingy.checkpointInterval == 16)
            #expect(stingy.checkpointCount == 6000 / 16 + 1)
            // A tiny memory budget widens the interval and keeps fewer checkpoints.
            let tight = try StreamTimeline(log: fixture.log, stream: "big-1", options: .init(checkpointInterval: 16, memoryBudgetBytes: 8_000))
            try tight.warm()
            #expect(tight.checkpointInterval > 16)
            #expect(tight.checkpointMemoryBytes <= 8_000)
            #expect(try tight.state(at: 5999).state["i"] == 5998)
        }

        @Test func versionsBeyondTheStreamAndUnknownStreamsAreRefused() throws {
            let fixture = try ReplayTestLog()
            try fixture.append("s-1", "A", #"{"a":1}"#)
            let timeline = try StreamTimeline(log: fixture.log, stream: "s-1")
            #expect(throws: ReplayError.versionBeyondStream(stream: "s-1", version: 2, last: 1)) { _ = try timeline.state(at: 2) }
            #expect(throws: ReplayError.unknownStream("nope")) { _ = try StreamTimeline(log: fixture.log, stream: "nope") }
            #expect(ReplayError.versionBeyondStream(stream: "s-1", version: 2, last: 1).description.contains("use 0…1"))
            // The log grows under the timeline: new versions become reachable.
            try fixture.append("s-1", "B", #"{"b":2}"#)
            #expect(try timeline.state(at: 2).state == ["a": 1, "b": 2])
            #expect(timeline.lastVersion == 2)
        }

        @Test func blameOfAGenericFoldIsPerTopLevelKey() throws {
            let fixture = try ReplayTestLog()
            try fixture.append("g-1", "A", #"{"x":1,"y":{"deep":1}}"#)
            try fixture.append("g-1", "B", #"{"y":{"deep":2}}"#)
            try fixture.append("g-1", "C", #"{"z":3}"#)
            let timeline = try StreamTimeline(log: fixture.log, stream: "g-1")
            let blame = try timeline.blame(at: 3)
            #expect(blame.entries == [
                .init(path: JSONPath([.key("x")]), version: 1), .init(path: JSONPath([.key("y")]), version: 2), .init(path: JSONPath([.key("z")]), version: 3),
            ])
            #expect(try timeline.blame(at: 1).entries.map(\.version) == [1, 1])
            #expect(blame.horizon == 0)
        }

        @Test func blameOfAJqStateFollowsNestedFieldsAndEmptiedContainers() throws {
            let fixture = try ReplayTestLog()
            let definition = AggregateDefinition(name: "shape", streams: "shape-*", initExpression: "{a: {x: 0, y: 0}, list: [], keep: true}", handlers: [
                "SetX": ".a.x = $e.data.v", "SetY": ".a.y = $e.data.v", "Push": ".list += [$e.data.v]", "Clear": ".list = []",
                "Same": ".a.x = .a.x",
            ])
            try fixture.append("shape-1", "SetX", #"{"v":1}"#)  // 1
            try fixture.append("shape-1", "Push", #"{"v":"p"}"#)  // 2
            try fixture.append("shape-1", "SetY", #"{"v":2}"#)  // 3
            try fixture.append("shape-1", "Push", #"{"v":"q"}"#)  // 4
            try fixture.append("shape-1", "Same", #"{}"#)  // 5: changes nothing
            try fixture.append("shape-1", "SetX", #"{"v":9}"#)  // 6
            try fixture.append("shape-1", "Clear", #"{}"#)  // 7
            let timeline = try StreamTimeline(log: fixture.log, stream: "shape-1", config: RewindConfig(aggregates: [definition]))
            func versions(_ blame: Blame) -> [String: UInt64?] {
                Dictionary(uniqueKeysWithValues: blame.entries.map { ($0.path.description, $0.version) })
            }
            #expect(versions(try timeline.blame(at: 5)) == [".a.x": 1, ".a.y": 3, ".list[0]": 2, ".list[1]": 4, ".keep": 0])
            #expect(versions(try timeline.blame(at: 7)) == [".a.x": 6, ".a.y": 3, ".list": 7, ".keep": 0])
            // The entries come in print order.
            #expect(try timeline.blame(at: 4).entries.map(\.path.description) == [".a.x", ".a.y", ".list[0]", ".list[1]", ".keep"])
            // With a window, older changes are reported as unknown (at or before the horizon).
            let windowed = try StreamTimeline(log: fixture.log, stream: "shape-1", config: RewindConfig(aggregates: [definition]), options: .init(blameWindow: 2))
            let late = try windowed.blame(at: 7)
            #expect(late.horizon == 5)
            #expect(versions(late) == [".a.x": 6, ".a.y": nil, ".list": 7, ".keep": nil])
        }

        @Test func whatIfSkipsEventsWithoutTouchingTheLog() throws {
            let fixture = try ReplayTestLog()
            try fixture.append("ledger-9", "Deposited", #"{"amount":100,"note":"a"}"#)
            try fixture.append("ledger-9", "Withdrawn", #"{"amount":30}"#)
            try fixture.append("ledger-9", "Deposited", #"{"amount":5,"note":"b"}"#)
            try fixture.append("ledger-9", "Tagged", #"{"tag":"vip"}"#)
            let timeline = try StreamTimeline(log: fixture.log, stream: "ledger-9", config: RewindConfig(aggregates: [Self.ledger]))
            let result = try timeline.whatIf(at: 4, skipping: [2, 9])
            #expect(result.skipped == [2])
            #expect(result.actual["balance"] == 75)
            #expect(result.hypothetical["balance"] == 105)
            #expect(result.hypothetical["count"] == 2)
            #expect(result.changes.map(\.path.description) == [".balance", ".count"])
            // Skipping the last event of the range, and nothing at all.
            #expect(try timeline.whatIf(at: 4, skipping: [4]).hypothetical["tags"] == [:])
            #expect(try timeline.whatIf(at: 4, skipping: []).changes.isEmpty)
            // The log and the real history are untouched.
            #expect(fixture.log.version(of: "ledger-9") == 4)
            #expect(try timeline.state(at: 4).state["balance"] == 75)
        }

        @Test func whatIfSurfacesAHandlerThatNeededTheSkippedEvent() throws {
            let fixture = try ReplayTestLog()
            let definition = AggregateDefinition(name: "strict", streams: "strict-*", initExpression: "null", handlers: [
                "Opened": "{balance: 0}", "Deposited": "if . == null then error(\"not opened\") else .balance += $e.data.amount end",
            ])
            try fixture.append("strict-1", "Opened", "{}")
            try fixture.append("strict-1", "Deposited", #"{"amount":3}"#)
            let timeline = try StreamTimeline(log: fixture.log, stream: "strict-1", config: RewindConfig(aggregates: [definition]))
            #expect {
                _ = try timeline.whatIf(at: 2, skipping: [1])
            } throws: { error in
                (error as? HandlerError)?.version == 2 && (error as? HandlerError)?.message.contains("not opened") == true
            }
            #expect(try timeline.state(at: 2).state == ["balance": 3])
        }

        @Test func aPoisonEventStopsReplayButEarlierVersionsStillLoad() throws {
            let fixture = try ReplayTestLog()
            try fixture.append("ledger-5", "Deposited", #"{"amount":1,"note":"x"}"#)
            try fixture.append("ledger-5", "Deposited", #"{"amount":"NaN","note":"y"}"#)
            try fixture.append("ledger-5", "Deposited", #"{"amount":2,"note":"z"}"#)
            let timeline = try StreamTimeline(log: fixture.log, stream: "ledger-5", config: RewindConfig(aggregates: [Self.ledger]), options: .init(checkpointInterval: 1))
            #expect(throws: HandlerError.self) { _ = try timeline.state(at: 3) }
            #expect(try timeline.state(at: 1).state["balance"] == 1)
        }
    }
}
