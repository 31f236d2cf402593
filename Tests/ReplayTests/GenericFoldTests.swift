import EventLog
import Foundation
@testable import Replay
import Testing
import JSON

extension ReplayLayerTests {
    @Suite("Generic fold")
    struct GenericFoldTests {
        /// Folds the whole stream and materializes the state.
        private func fold(_ fixture: ReplayTestLog, _ stream: String) throws -> (JSONValue, GenericFold, GenericFoldState) {
            let reducer = GenericFold(log: fixture.log, stream: stream)
            var state = reducer.initialState()
            try fixture.log.readStream(stream) { reducer.apply(&state, $0); return true }
            return (try reducer.json(of: state), reducer, state)
        }

        @Test func objectsMergeTopLevelKeysLaterEventsOverwrite() throws {
            let fixture = try ReplayTestLog()
            try fixture.append("order-1", "OrderPlaced", #"{"id":"o1","items":[{"sku":"A"}],"total":10,"address":{"city":"Oslo","zip":"0150"}}"#)
            try fixture.append("order-1", "AddressChanged", #"{"address":{"city":"Bergen"}}"#)
            try fixture.append("order-1", "OrderPaid", #"{"paid": true, "total": 12.5}"#)
            let (state, _, raw) = try fold(fixture, "order-1")
            #expect(state == ["id": "o1", "items": [["sku": "A"]], "total": 12.5, "address": ["city": "Bergen"], "paid": true])
            // Keys keep the position where they first appeared.
            #expect(raw.keys == ["id", "items", "total", "address", "paid"])
            #expect(state.serialized() == #"{"id":"o1","items":[{"sku":"A"}],"total":12.5,"address":{"city":"Bergen"},"paid":true}"#)
        }

        @Test func nonObjectDataGoesUnderTheEventType() throws {
            let fixture = try ReplayTestLog()
            try fixture.append("misc-1", "Tagged", #"["a","b"]"#)
            try fixture.append("misc-1", "Counted", "42")
            try fixture.append("misc-1", "Named", #""hello""#)
            try fixture.append("misc-1", "Counted", " 43 ")
            try fixture.appendBinary("misc-1", "Blob", [0, 1, 2, 255])
            try fixture.append("misc-1", "Nothing", "")
            let (state, _, _) = try fold(fixture, "misc-1")
            #expect(state == ["Tagged": ["a", "b"], "Counted": 43, "Named": "hello", "Blob": "AAEC/w=="])
        }

        @Test func malformedDataIsKeptAsTextUnderTheType() throws {
            let fixture = try ReplayTestLog()
            // The engine's append takes any bytes; imports validate, direct appends may not.
            try fixture.log.append(to: "bad-1", [NewEvent(type: "Broken", data: Array(#"{"a":1,"b"#.utf8))])
            try fixture.append("bad-1", "Fine", #"{"c":3}"#)
            try fixture.log.append(to: "bad-1", [NewEvent(type: "Trailing", data: Array(#"{"d":4} x"#.utf8))])
            let (state, _, _) = try fold(fixture, "bad-1")
            #expect(state == ["Broken": .string(#"{"a":1,"b"#), "c": 3, "Trailing": .string(#"{"d":4} x"#)])
        }

        @Test func escapedAndDuplicateKeysFollowJSONMeaning() throws {
            let fixture = try ReplayTestLog()
            try fixture.append("k-1", "A", #"{"a\u0062":1,"x":1,"x":2,"\"q\"":"v","ü\n":true}"#)
            try fixture.append("k-1", "B", #"{"ab":5,"x\t":0}"#)
            let (state, _, _) = try fold(fixture, "k-1")
            #expect(state == ["ab": 5, "x": 2, "\"q\"": "v", "ü\n": true, "x\t": 0])
            let events = try fixture.events("k-1")
            #expect(state == ReferenceFold.fold(events))
        }

        @Test func blameIsTheVersionThatLastSetEachKey() throws {
            let fixture = try ReplayTestLog()
            try fixture.append("c-1", "Created", #"{"name":"x","size":1}"#)
            try fixture.append("c-1", "Resized", #"{"size":2}"#)
            try fixture.append("c-1", "Renamed", #"{"name":"y"}"#)
            try fixture.append("c-1", "Resized", #"{"size":3}"#)
            let (_, reducer, state) = try fold(fixture, "c-1")
            let blame = reducer.blame(of: state)
            #expect(blame.map(\.key) == ["name", "size"])
            #expect(blame.map(\.version) == [3, 4])
            // Restored states do not know who set a key.
            let restored = try reducer.state(from: reducer.json(of: state))
            #expect(reducer.blame(of: restored).map(\.version) == [nil, nil])
            #expect(try reducer.json(of: restored) == reducer.json(of: state))
        }

        @Test func restoringRefusesAStateThatIsNotAnObject() throws {
            let fixture = try ReplayTestLog()
            let reducer = GenericFold(log: fixture.log, stream: "none")
            #expect(throws: ReplayError.self) { _ = try reducer.state(from: [1, 2]) }
        }

        @Test func matchesTheReferenceFoldOnRandomEvents() throws {
            let fixture = try ReplayTestLog()
            var rng = ReplayRandom(seed: 20_260_115)
            var streams: [String: Int] = [:]
            for _ in 0..<1500 {
                let stream = "r-\(rng.next() % 5)"
                let type = ["A", "B", "C"][Int(rng.next() % 3)]
                let roll = rng.next() % 20
                let value: JSONValue
                if roll == 0 {
                    value = RandomJSON.value(&rng, depth: 2)
                } else {
                    var members = JSONObject()
                    for _ in 0..<Int(rng.next() % 6) { members[RandomJSON.key(&rng)] = RandomJSON.value(&rng, depth: 3) }
                    value = .object(members)
                }
                try fixture.append(stream, type, value.serialized(pretty: rng.next() % 4 == 0))
                streams[stream, default: 0] += 1
            }
            for stream in streams.keys.sorted() {
                let events = try fixture.events(stream)
                let reducer = GenericFold(log: fixture.log, stream: stream)
                var state = reducer.initialState()
                var prefix: [RecordedEvent] = []
                var checked = 0
                try fixture.log.readStream(stream) { view in
                    reducer.apply(&state, view)
                    prefix.append(events[Int(view.version - 1)])
                    if view.version % 37 == 0 || view.version == UInt64(events.count) {
                        let got = try reducer.json(of: state)
                        #expect(got == ReferenceFold.fold(prefix), "\(stream)@\(view.version)")
                        checked += 1
                    }
                    return true
                }
                #expect(checked > 0)
            }
        }

        @Test func valuesSpreadOverManyBatchesAreAllReadBack() throws {
            let fixture = try ReplayTestLog()
            // 600 keys, each set by its own event, in batches far apart: the state re-reads them all.
            for i in 0..<600 {
                try fixture.append("wide-1", "Set", #"{"key\#(i)":\#(i),"last":\#(i)}"#)
                if i % 50 == 0 { try fixture.append("other-1", "Noise", #"{"n":\#(i)}"#) }
            }
            let (state, _, raw) = try fold(fixture, "wide-1")
            #expect(raw.count == 601)
            #expect(state["key0"] == 0)
            #expect(state["key599"] == 599)
            #expect(state["last"] == 599)
            #expect(state.objectValue?.keys.first == "key0")
        }

        @Test func scannerFindsTopLevelMembersOnly() {
            func members(_ text: String) -> [String]? {
                var found: [String] = []
                let bytes = Array(text.utf8)
                let ok = bytes.withUnsafeBytes { raw in
                    TopLevelScanner.scanObject(raw) { m in
                        let key = String(decoding: bytes[Int(m.keyStart)..<Int(m.keyStart + m.keyLength)], as: UTF8.self)
                        let value = String(decoding: bytes[Int(m.valueStart)..<Int(m.valueStart + m.valueLength)], as: UTF8.self)
                        found.append("\(key)=\(value)")
                    }
                }
                return ok ? found : nil
            }
            #expect(members(#"{"a":1,"b":{"c":[1,{"d":"}"}]},"e":"x\"y","f":null}"#) == ["a=1", #"b={"c":[1,{"d":"}"}]}"#, #"e="x\"y""#, "f=null"])
            #expect(members(" { } ") == [])
            #expect(members(#"{ "long key with spaces and more than sixteen bytes" : [ ] }"#) == ["long key with spaces and more than sixteen bytes=[ ]"])
            #expect(members("[1]") == nil)
            #expect(members(#"{"a":1"#) == nil)
            #expect(members(#"{"a":[1}"#) == nil)
            #expect(members(#"{"a":1,}"#) == nil)
            #expect(members(#"{"a" 1}"#) == nil)
            #expect(members(#"{"a":"unterminated}"#) == nil)
            #expect(members("") == nil)
            #expect(members("\u{FEFF}{\"a\":1}") == ["a=1"])
        }
    }
}

/// Random JSON for property tests: keys from a small pool (some escaped or non-ASCII), values
/// of every kind, nested.
enum RandomJSON {
    static let keys = ["a", "b", "amount", "amountCents", "currency", "note", "a_long_key_name_over_16", "ü", "x y", "\"q\"", "tab\t", ""]

    static func key(_ rng: inout ReplayRandom) -> String {
        keys[Int(rng.next() % UInt64(keys.count))]
    }

    static func value(_ rng: inout ReplayRandom, depth: Int) -> JSONValue {
        switch rng.next() % (depth > 0 ? 9 : 7) {
        case 0: return .null
        case 1: return .bool(rng.next() % 2 == 0)
        case 2: return .integer(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 60))
        case 3: return .double(Double(Int64(bitPattern: rng.next() % 1_000_000)) / 7)
        case 4: return .string(["", "EUR", "monthly transfer to savings", "quote \" backslash \\ ", "ünïcødé", "\u{1b}[31m"][Int(rng.next() % 6)])
        case 5: return .string(String(repeating: "x", count: Int(rng.next() % 40)))
        case 6: return .integer(Int64(rng.next() % 100))
        case 7: return .array((0..<Int(rng.next() % 4)).map { _ in value(&rng, depth: depth - 1) })
        default:
            var members = JSONObject()
            for _ in 0..<Int(rng.next() % 4) { members[key(&rng)] = value(&rng, depth: depth - 1) }
            return .object(members)
        }
    }
}
