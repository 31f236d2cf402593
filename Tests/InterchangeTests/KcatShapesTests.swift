import EventLog
import Foundation
import Testing
import Interchange
import JSON

/// kcat shapes beyond one keyed, typed topic: topics without keys, one type per topic, keys in
/// the schema registry's wire format. Envelopes as kcat's `-J` documents them.
@Suite("import: kcat topics without keys, constants and wire-format keys")
struct KcatShapesTests {
    static func message(topic: String = "payments", partition: Int = 0, offset: Int, key: String = "null", headers: String = "[]", payload: String) -> String {
        #"{"topic":"\#(topic)","partition":\#(partition),"offset":\#(offset),"tstype":"create","ts":1768471200000,"broker":1,"headers":\#(headers),"key":\#(key),"payload":\#(JSONValue.string(payload).serialized())}"#
    }

    @Test func aTopicWithoutKeysTakesItsStreamFromTheTopic() throws {
        let text = [
            Self.message(partition: 0, offset: 0, headers: #"["type","PaymentReceived"]"#, payload: #"{"amount":5}"#),
            Self.message(partition: 1, offset: 0, headers: #"["type","PaymentReceived"]"#, payload: #"{"amount":7}"#),
        ].joined(separator: "\n")
        let scratch = ImportScratch()
        let byTopic = try scratch.records(.kcat, text, options: try .with(stream: "{topic}")).compactMap(\.event)
        #expect(byTopic.map(\.stream) == ["payments", "payments"])
        let byPartition = try scratch.records(.kcat, text, options: try .with(stream: "{topic}-{partition}")).compactMap(\.event)
        #expect(byPartition.map(\.stream) == ["payments-0", "payments-1"])
        let plain = try scratch.records(.kcat, text, options: try .with(stream: "topic")).compactMap(\.event)
        #expect(plain.map(\.stream) == ["payments", "payments"])
        let offsets = try scratch.records(.kcat, text, options: try .with(stream: "p-{offset}", type: "const:X")).compactMap(\.event)
        #expect(offsets.map(\.stream) == ["p-0", "p-0"])
    }

    @Test func withoutKeyOrTypeTheFirstErrorNamesBothOptions() throws {
        let line = Self.message(offset: 3, payload: #"{"amount":5}"#)
        let error = try #require(try ImportScratch().records(.kcat, line).first?.error)
        #expect(error.reason.hasPrefix("no stream for message payments/0@3"))
        #expect(error.reason.contains("--stream-from") && error.reason.contains("'{topic}'"))
        #expect(error.reason.contains("no event type") && error.reason.contains("--type-from const:TYPE"))
        // Both options at once, with values that work for this topic.
        #expect(NeededOption.advice(error.needs)?.contains("run again with: --stream-from '{topic}' --type-from const:Payments") == true)
        let hinted = Self.message(offset: 4, headers: #"["event_kind","PaymentReceived"]"#, payload: #"{"account":"a-1"}"#)
        let guessed = try #require(try ImportScratch().records(.kcat, hinted).first?.error)
        #expect(guessed.needs.map(\.suggestion) == ["'{topic}'", "header:event_kind"])
    }

    @Test func oneTypePerTopicComesFromAConstant() throws {
        let line = Self.message(offset: 0, key: #""order-9""#, payload: #"{"total":12}"#)
        let e = try #require(try ImportScratch().records(.kcat, line, options: try .with(type: "const:OrderPlaced")).first?.event)
        #expect(e.type == "OrderPlaced" && e.stream == "order-9" && e.data == ["total": 12])
        // A template of a constant and a placeholder, and constants where they make no sense.
        let templated = try #require(try ImportScratch().records(.kcat, line, options: try .with(type: "{topic}.{const:v1}")).first?.event)
        #expect(templated.type == "payments.v1")
        #expect(throws: ImportUsageError.self) { try ImportFormat.kcat.check(try .with(id: "const:x")) }
        #expect(throws: ImportUsageError.self) { try ImportFormat.kcat.check(try .with(version: "const:1")) }
        #expect(throws: ImportUsageError.self) { try ImportFormat.jsonl.check(try .with(type: "const:T")) }
        #expect(throws: ImportUsageError.self) { try ImportFormat.marten.check(try .with(stream: "{topic}")) }
    }

    @Test func aWireFormatKeyLosesItsPrefixAndKeepsTheSchemaID() throws {
        // Magic byte 0, schema id 7 (big-endian), then the JSON Schema serializer's key text.
        let json = Self.message(offset: 0, key: #""\u0000\u0000\u0000\u0000\u0007\"account-1\"""#, headers: #"["type","MoneyDeposited"]"#, payload: "{}")
        // Schema id 0x00000186 = 390, then an Avro string: zig-zag length 9 (0x12), "account-2".
        let avro = Self.message(offset: 1, key: #""\u0000\u0000\u0000\u0001\u0086\u0012account-2""#, headers: #"["type","MoneyDeposited"]"#, payload: "{}")
        let events = try ImportScratch().records(.kcat, json + "\n" + avro).compactMap(\.event)
        #expect(events.map(\.stream) == ["account-1", "account-2"])
        #expect(events[0].metadata["kafka"]?["key"] == "account-1" && events[0].metadata["kafka"]?["keySchemaId"] == 7)
        #expect(events[1].metadata["kafka"]?["keySchemaId"] == 390)
    }

    @Test func aWireFormatPayloadOfJSONIsReadAsJSON() throws {
        let line = Self.message(offset: 0, key: #""a-1""#, headers: #"["type","T"]"#, payload: "\u{0}\u{0}\u{0}\u{0}\u{3}{\"x\":1}")
        let e = try #require(try ImportScratch().records(.kcat, line).first?.event)
        #expect(e.data == ["x": 1] && e.event.contentType == .json)
        #expect(e.metadata["kafka"]?["valueSchemaId"] == 3)
    }

    @Test func aKeyThatMerelyStartsWithNULIsNotStripped() throws {
        // Fewer than 4 bytes after the magic byte: not the wire format, refused as before.
        let line = Self.message(offset: 0, key: #""\u0000ab""#, headers: #"["type","T"]"#, payload: "{}")
        let e = try #require(try ImportScratch().records(.kcat, line).first?.event)
        #expect(e.stream == "\u{0}ab" && e.metadata["kafka"]?["keySchemaId"] == nil)
    }
}
