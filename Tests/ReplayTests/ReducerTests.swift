import EventLog
import Foundation
@testable import Replay
import Testing
import JSON

/// Every suite of the replay layer (reducers, time travel, snapshots) nests in this one, so that
/// they run one at a time: libjq values are not thread-safe.
@Suite("Replay layer", .serialized)
struct ReplayLayerTests {}

extension ReplayLayerTests {
    @Suite("Reducers")
    struct ReducerTests {
        static let account = AggregateDefinition(
            name: "account", streams: "account-*", initExpression: "{balanceCents: 0, opened: false}",
            handlers: [
                "AccountOpened": ".opened = true | .currency = $e.data.currency",
                "MoneyDeposited": ".balanceCents += $e.data.amountCents",
                "MoneyWithdrawn": ".balanceCents -= $e.data.amountCents",
            ])

        @Test func jqAggregateFoldsEventsThroughItsHandlers() throws {
            let fixture = try ReplayTestLog()
            try fixture.append("account-1", "AccountOpened", #"{"currency":"EUR"}"#)
            try fixture.append("account-1", "MoneyDeposited", #"{"amountCents":500}"#)
            try fixture.append("account-1", "Unhandled", #"{"x":1}"#)
            try fixture.append("account-1", "MoneyWithdrawn", #"{"amountCents":120}"#)
            let reducer = try JQAggregate(Self.account)
            var state = try reducer.initialState()
            #expect(reducer.json(of: state) == ["balanceCents": 0, "opened": false])
            try fixture.log.readStream("account-1") { view in
                try reducer.apply(&state, view, data: nil, schemaVersion: nil)
                return true
            }
            let json = reducer.json(of: state)
            #expect(json == ["balanceCents": 380, "opened": true, "currency": "EUR"])
            // Key order is the handlers' order of creation.
            #expect(json.serialized() == #"{"balanceCents":380,"opened":true,"currency":"EUR"}"#)
            #expect(reducer.name == "account")
            #expect(reducer.json(of: reducer.state(from: json)) == json)
        }

        @Test func anyHandlerCatchesTypesWithoutTheirOwnAndEmptyKeepsTheState() throws {
            let fixture = try ReplayTestLog()
            try fixture.append("s-1", "A", #"{"n":1}"#)
            try fixture.append("s-1", "B", #"{"n":2}"#)
            try fixture.append("s-1", "Skip", #"{"n":3}"#)
            let reducer = try JQAggregate(AggregateDefinition(name: "any", streams: "s-*", initExpression: "{seen: []}", handlers: [
                "A": ".seen += [\"A\"]", "Skip": "empty", "$any": ".seen += [$e.type + ($e.data.n | tostring)]",
            ]))
            var state = try reducer.initialState()
            try fixture.log.readStream("s-1") { try reducer.apply(&state, $0, data: nil, schemaVersion: nil); return true }
            #expect(reducer.json(of: state) == ["seen": ["A", "B2"]])
        }

        @Test func handlerErrorNamesTheEventAndLeavesTheStateIntact() throws {
            let fixture = try ReplayTestLog()
            try fixture.append("account-9", "MoneyDeposited", #"{"amountCents":100}"#)
            try fixture.append("account-9", "MoneyDeposited", #"{"amountCents":"lots"}"#)
            let reducer = try JQAggregate(Self.account)
            var state = try reducer.initialState()
            var failure: HandlerError?
            try fixture.log.readStream("account-9") { view in
                do { try reducer.apply(&state, view, data: nil, schemaVersion: nil) } catch let e as HandlerError { failure = e }
                return true
            }
            let error = try #require(failure)
            #expect(error.stream == "account-9")
            #expect(error.version == 2)
            #expect(error.eventType == "MoneyDeposited")
            #expect(error.handler == "MoneyDeposited")
            #expect(error.description.contains("aggregate account"))
            #expect(error.description.contains("cannot be added") || error.message.contains("cannot"))
            // The state before the poison event is untouched and still usable.
            #expect(reducer.json(of: state) == ["balanceCents": 100, "opened": false])
        }

        @Test func upcastedEventsReachBothReducersInTheirNewShape() throws {
            let fixture = try ReplayTestLog()
            try fixture.append("user-1", "UserRegistered", #"{"name":"ann"}"#, schemaVersion: 1)
            try fixture.append("user-1", "UserRegistered", #"{"name":"bob","email":"b@x"}"#, schemaVersion: 2)
            let upcasters = [UpcasterDefinition(eventType: "UserRegistered", steps: [1: ". + {email: null, upcasted: $e.version}"])]
            // The generic fold keeps upcasted values inline (they exist nowhere in the log).
            let fold = StreamTimeline.Options()
            let config = RewindConfig(upcasters: upcasters)
            let generic = try StreamTimeline(log: fixture.log, stream: "user-1", config: config, options: fold)
            #expect(try generic.state(at: 1).state == ["name": "ann", "email": nil, "upcasted": 1])
            #expect(try generic.state(at: 2).state == ["name": "bob", "email": "b@x", "upcasted": 1])
            // The jq aggregate sees the new shape and schema version in $e.
            let users = AggregateDefinition(name: "users", streams: "user-*", initExpression: "{}", handlers: [
                "UserRegistered": ". + {(($e.version | tostring)): {email: $e.data.email, schema: $e.schemaVersion}}",
            ])
            let jq = try StreamTimeline(log: fixture.log, stream: "user-1", config: RewindConfig(aggregates: [users], upcasters: upcasters))
            #expect(try jq.state(at: 2).state == ["1": ["email": nil, "schema": 2], "2": ["email": "b@x", "schema": 2]])
            // Without the upcaster, the stored shape.
            let raw = try StreamTimeline(log: fixture.log, stream: "user-1", config: RewindConfig(aggregates: [users]))
            #expect(try raw.state(at: 1).state == ["1": ["email": nil, "schema": 1]])
        }

        @Test func upcasterFailureIsReportedWithTheEvent() throws {
            let fixture = try ReplayTestLog()
            try fixture.append("user-2", "UserRegistered", #"{"name":"ann"}"#, schemaVersion: 1)
            let config = RewindConfig(upcasters: [UpcasterDefinition(eventType: "UserRegistered", steps: [1: ".name + 1"])])
            let timeline = try StreamTimeline(log: fixture.log, stream: "user-2", config: config)
            #expect {
                _ = try timeline.state(at: 1)
            } throws: { error in
                guard let e = error as? UpcastError else { return false }
                return e.stream == "user-2" && e.version == 1 && e.fromSchema == 1
            }
            #expect(try timeline.state(at: 0).state == [:])
        }

        @Test func factoryChoosesTheFirstMatchingAggregateElseTheGenericFold() throws {
            let fixture = try ReplayTestLog()
            try fixture.append("account-1", "AccountOpened", #"{"currency":"EUR"}"#)
            try fixture.append("order-1", "OrderPlaced", #"{"total":3}"#)
            let other = AggregateDefinition(name: "everything", streams: "*", initExpression: "0", handlers: ["$any": ". + 1"])
            let config = RewindConfig(aggregates: [Self.account, other])
            #expect(ReducerFactory.kind(for: "account-1", config: config) == .aggregate("account"))
            #expect(ReducerFactory.kind(for: "order-1", config: config) == .aggregate("everything"))
            #expect(ReducerFactory.kind(for: "order-1", config: RewindConfig()) == .genericFold)
            let reducer = try ReducerFactory.reducer(for: "account-1", log: fixture.log, config: config)
            #expect(reducer.name == "account")
            #expect(try ReducerFactory.reducer(for: "order-1", log: fixture.log, config: RewindConfig()) is GenericFold)
            let timeline = try StreamTimeline(log: fixture.log, stream: "order-1", config: config)
            #expect(timeline.reducerKind == .aggregate("everything"))
            #expect(try timeline.state(at: 1).state == 1)
        }

        @Test func fingerprintsChangeWithHandlersAndUpcasters() throws {
            let a = try JQAggregate(Self.account)
            var changed = Self.account
            changed.handlers["MoneyDeposited"] = ".balanceCents += $e.data.amountCents * 2"
            let b = try JQAggregate(changed)
            #expect(a.fingerprint != b.fingerprint)
            #expect(a.fingerprint == (try JQAggregate(Self.account)).fingerprint)
            let up = [UpcasterDefinition(eventType: "X", steps: [1: ". + {a: 1}"])]
            #expect(ReducerFactory.fingerprint(reducer: a.fingerprint, upcasters: []) == a.fingerprint)
            #expect(ReducerFactory.fingerprint(reducer: a.fingerprint, upcasters: up) != a.fingerprint)
            #expect(ReducerFactory.fingerprint(reducer: GenericFold.fingerprintValue, upcasters: up) != GenericFold.fingerprintValue)
        }

        @Test func applyingReturnsTheNextStateAndKeepsTheOld() throws {
            let fixture = try ReplayTestLog()
            try fixture.append("account-3", "MoneyDeposited", #"{"amountCents":7}"#)
            let reducer = try JQAggregate(Self.account)
            let before = try reducer.initialState()
            var after: JQState?
            try fixture.log.readStream("account-3") { after = try reducer.applying(before, $0); return false }
            #expect(reducer.json(of: before)["balanceCents"] == 0)
            #expect(try reducer.json(of: #require(after))["balanceCents"] == 7)
        }
    }
}

// MARK: - Fixtures

/// A fresh log in a temporary directory, open for writing, removed when released.
final class ReplayTestLog: Sendable {
    let directory: String
    let path: String
    let log: EventLog

    init() throws {
        directory = NSTemporaryDirectory() + "rewind-replay-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/log"
        try EventLog.create(at: path)
        log = try EventLog.openWriter(at: path, options: .init(durability: .noSync, command: "replay-tests"))
    }

    deinit {
        log.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Appends one event; returns its version.
    @discardableResult
    func append(_ stream: String, _ type: String, _ json: String, schemaVersion: UInt32 = 1, time: Int64? = nil) throws -> UInt64 {
        try log.append(to: stream, [NewEvent(type: type, data: Array(json.utf8), schemaVersion: schemaVersion, originalMicros: time)]).lastVersion
    }

    func appendBinary(_ stream: String, _ type: String, _ bytes: [UInt8]) throws {
        try log.append(to: stream, [NewEvent(type: type, data: bytes, contentType: .binary)])
    }

    /// Every event of `stream`, materialized.
    func events(_ stream: String) throws -> [RecordedEvent] {
        try log.events(in: stream)
    }
}

/// SplitMix64, for reproducible property tests.
struct ReplayRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The generic fold's rules, written the slow and obvious way, to compare against.
enum ReferenceFold {
    static func fold(_ events: [RecordedEvent]) -> JSONValue {
        var state = JSONObject()
        for e in events {
            if e.contentType == .binary {
                state[e.type] = .string(Data(e.data).base64EncodedString())
                continue
            }
            if e.data.isEmpty { continue }
            guard let value = try? JSONValue.parse(e.data) else {
                state[e.type] = .string(String(decoding: e.data, as: UTF8.self))
                continue
            }
            if case .object(let members) = value {
                for (key, member) in members { state[key] = member }
            } else {
                state[e.type] = value
            }
        }
        return .object(state)
    }
}
