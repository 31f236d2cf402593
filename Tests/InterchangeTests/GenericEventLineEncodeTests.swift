import Foundation
import EventLog
import JSON
import Testing
@testable import Interchange

/// `GenericEventLine.encode` (member by member, data copied without building it) prints exactly
/// what printing the line's object built here from parsed values prints, for every kind of
/// event `rewind export` meets; `GenericEventLine.object` reads back that object.
@Suite("export: the JSON Lines writer")
struct GenericEventLineEncodeTests {
    /// Data texts: compact, PostgreSQL's jsonb spacing, and every shape the compact copier
    /// refuses (escapes, fractions, exponents, -0, long integers, repeated keys, deep nesting,
    /// terminal hazards), and texts that are not JSON at all.
    static let data: [String] = [
        #"{"n":1,"sku":"SKU-1","qty":2}"#,
        #"{"n": 1, "amount": 12.5, "note": "event number 1", "tags": [1, 2, {"a": null}]}"#,
        "  [ true , false , null ]\n",
        #""just text""#, "42", "-7", "0", "-0", "1.0", "1e3", "123456789012345678901234",
        #"{"x":"\u00e9\n\"q\""}"#, #"{"x":1,"x":2}"#,
        #"{"k":"Zürich 東京 😀"}"#,
        String(repeating: "[", count: 70) + String(repeating: "]", count: 70),
        "{" + (0..<20).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}",
        "{\"bidi\":\"a\u{202E}b\",\"c1\":\"\u{85}\"}",
        "", "{", "[1 2]", "nope", "{\"a\":1} trailing", "\u{FEFF}{}",
    ]
    static let metadata: [String] = [
        "", "{}", #"{"correlationId":"c-1","causationId":null}"#, #"{ "a" : [ 1 ] }"#, "not json", "[]",
    ]
    static let names: [String] = ["account-1", "a \"quoted\" \\ name", "tab\there", "Łódź-7", "esc\u{1B}[31m", "rtl\u{202E}x"]

    /// The line's members the slow way: data and metadata parsed into values.
    static func expectedObject(_ e: EventView, position: Bool) -> JSONObject {
        var object = JSONObject()
        object["stream"] = .string(e.stream)
        object["type"] = .string(e.type)
        var binary = e.contentType == .binary
        if !binary, let data = try? JSONValue.parse(e.data) {
            object["data"] = data
        } else {
            binary = true
            object["data"] = .string(Data(e.data).base64EncodedString())
        }
        if e.metadata.isEmpty {
            object["metadata"] = .object([:])
        } else if let metadata = try? JSONValue.parse(e.metadata) {
            object["metadata"] = metadata
        } else {
            object["metadata"] = .object(["undecodable": .string(Data(e.metadata).base64EncodedString())])
        }
        object["id"] = .string(e.id.description)
        object["time"] = .string(RFC3339.format(microsecondsSinceEpoch: e.originalMicros))
        object["version"] = .integer(Int64(e.version))
        object["schemaVersion"] = .integer(Int64(e.schemaVersion))
        if position { object["position"] = .integer(Int64(e.position)) }
        if e.recordedMicros != e.originalMicros {
            object["recordedTime"] = .string(RFC3339.format(microsecondsSinceEpoch: e.recordedMicros))
        }
        if binary { object["contentType"] = .string("binary") }
        return object
    }

    static func expected(_ e: EventView, position: Bool) -> [UInt8] {
        JSONValue.object(expectedObject(e, position: position)).serializedBytes()
    }

    @Test func everyLineIsWhatPrintingTheObjectGives() throws {
        var encoder = EventViewEncoder()
        var writer = JSONObjectWriter()  // one writer for every line, as export keeps it
        var count = 0
        for (d, data) in Self.data.enumerated() {
            for (m, metadata) in Self.metadata.enumerated() {
                let name = Self.names[(d + m) % Self.names.count]
                let binary = (d * 7 + m) % 11 == 0
                let imported = m % 2 == 1
                try encoder.withView(
                    stream: name, version: UInt64(d + 1), position: UInt64(d * 100 + m + 1),
                    id: EventID(high: UInt64(d), low: UInt64(m)), type: Self.names[m % Self.names.count],
                    recordedMicros: 1_780_000_000_000_000 + Int64(d), originalMicros: imported ? 1_700_000_000_000_000 : 1_780_000_000_000_000 + Int64(d),
                    schemaVersion: UInt32(m), contentType: binary ? .binary : .json,
                    metadata: Array(metadata.utf8), data: Array(data.utf8)
                ) { view in
                    for position in [true, false] {
                        let line = GenericEventLine.encode(view, position: position, into: &writer) { $0 }
                        #expect(line == Self.expected(view, position: position), "data \(data.debugDescription), metadata \(metadata.debugDescription)")
                        #expect(GenericEventLine.encode(view, position: position) == line)
                        #expect(GenericEventLine.object(view, position: position) == Self.expectedObject(view, position: position))
                        #expect((try? JSONValue.parse(line)) != nil)
                        count += 1
                    }
                }
            }
        }
        #expect(count == Self.data.count * Self.metadata.count * 2)
    }

    /// Random JSON texts with random whitespace: the copy and the printed value agree.
    @Test func randomDataPrintsAlike() throws {
        var rng = Seeded(seed: 0x5EED)
        var encoder = EventViewEncoder()
        var writer = JSONObjectWriter()
        for i in 0..<2_000 {
            let text = Self.randomJSON(&rng, depth: 0)
            try encoder.withView(
                stream: "s-\(i)", version: 1, position: UInt64(i + 1), id: EventID(high: 1, low: UInt64(i)), type: "T",
                recordedMicros: 0, originalMicros: 0, metadata: [UInt8](), data: Array(text.utf8)
            ) { view in
                let line = GenericEventLine.encode(view, into: &writer) { $0 }
                #expect(line == Self.expected(view, position: true), "\(text)")
            }
        }
    }

    /// A seeded generator (Knuth's MMIX LCG; its high bits are the random ones).
    struct Seeded {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func below(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        mutating func next() -> UInt64 { UInt64(below(1 << 30)) << 34 | UInt64(below(1 << 30)) << 4 }
    }

    static func space(_ rng: inout Seeded) -> String {
        ["", "", "", " ", "\n", "\t ", "  "][rng.below(7)]
    }

    static func randomJSON(_ rng: inout Seeded, depth: Int) -> String {
        let w = space(&rng)
        switch rng.below(depth > 4 ? 6 : 9) {
        case 0: return w + "null"
        case 1: return w + (rng.below(2) == 0 ? "true" : "false")
        case 2: return w + String(Int64(bitPattern: rng.next()) >> rng.below(64))
        case 3: return w + ["1.5", "-0", "0.1", "1e-7", "2E+3", "100.0", "-12.25e1"][rng.below(7)]
        case 4: return w + ["\"plain\"", "\"é ü\"", "\"q\\\"x\"", "\"\\u0041\"", "\"tab\\t\"", "\"\u{2028}\"", "\"\""][rng.below(7)]
        case 5: return w + "\"k\(rng.below(1000))\""
        case 6, 7:
            let n = rng.below(5)
            let keys = (0..<n).map { _ in "\"" + ["a", "b", "c", "d", "é", "x y"][rng.below(6)] + "\"" }
            let members = keys.map { $0 + space(&rng) + ":" + randomJSON(&rng, depth: depth + 1) }
            return w + "{" + members.joined(separator: space(&rng) + ",") + space(&rng) + "}"
        default:
            let n = rng.below(5)
            return w + "[" + (0..<n).map { _ in randomJSON(&rng, depth: depth + 1) }.joined(separator: ",") + space(&rng) + "]"
        }
    }
}
