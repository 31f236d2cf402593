import EventLog
import Foundation
import Replay
import Testing
import Interchange

@Suite("import: kcat -J")
struct KcatSourceTests {
    static let deposit = #"{"topic":"bank","partition":2,"offset":7,"tstype":"create","ts":1768471200250,"broker":1,"headers":["type","MoneyDeposited","id","3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f","correlation_id","c-1","causation_id","e-0","trace","t-9"],"key":"account-1","payload":"{\"amountCents\":500}"}"#

    @Test func mapsKeyHeadersTimestampAndPayload() throws {
        let scratch = ImportScratch()
        let records = try scratch.records(.kcat, Self.deposit + "\n")
        let e = try #require(records.first?.event)
        #expect(e.stream == "account-1")
        #expect(e.type == "MoneyDeposited")
        #expect(e.id == EventID("3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f"))
        #expect(e.version == nil)
        #expect(e.time == "2026-01-15T10:00:00.250Z")
        #expect(e.data == ["amountCents": 500])
        #expect(e.metadata["correlationId"] == "c-1" && e.metadata["causationId"] == "e-0")
        #expect(e.metadata["kafka"] == ["topic": "bank", "partition": 2, "offset": 7, "key": "account-1", "headers": ["trace": "t-9"]])
        #expect(e.location == .line(1))
    }

    @Test func cloudEventsHeadersAndAHeaderMapAreUnderstood() throws {
        let line = #"{"topic":"bank","partition":0,"offset":1,"ts":1768471200000,"headers":{"ce_type":["AccountOpened"],"ce_id":"not-a-uuid"},"key":"account-2","payload":"{}"}"#
        let e = try #require(try ImportScratch().records(.kcat, line).first?.event)
        #expect(e.type == "AccountOpened")
        // Not a UUID: hashed to one, the same every time.
        #expect(e.id == EventID.nameBased("kcat-id", "not-a-uuid"))
    }

    @Test func withoutAnIdHeaderTheIdComesFromTopicPartitionAndOffset() throws {
        let line = #"{"topic":"bank","partition":3,"offset":42,"ts":1,"headers":["type","T"],"key":"s-1","payload":"{}"}"#
        let scratch = ImportScratch()
        let first = try #require(try scratch.records(.kcat, line).first?.event)
        let again = try #require(try scratch.records(.kcat, line).first?.event)
        #expect(first.id == again.id)
        #expect(first.id == EventID.nameBased("kcat", "bank", "3", "42"))
        #expect(first.id.description.dropFirst(14).hasPrefix("5"))  // version 5
        let other = line.replacingOccurrences(of: "\"offset\":42", with: "\"offset\":43")
        #expect(try scratch.records(.kcat, other).first?.event?.id != first.id)
    }

    @Test func optionsNameOtherPlaces() throws {
        let line = #"{"topic":"bank","partition":0,"offset":0,"ts":1,"headers":["aggregate","7"],"key":null,"payload":"{\"kind\":\"MoneyDeposited\",\"body\":{\"amountCents\":1},\"v\":3}"}"#
        let options = try ImportOptions.with(stream: "account-{header:aggregate}", type: "field:kind", data: "field:body", version: "field:v")
        let e = try #require(try ImportScratch().records(.kcat, line, options: options).first?.event)
        #expect(e.stream == "account-7" && e.type == "MoneyDeposited" && e.version == 3)
        #expect(e.data == ["amountCents": 1])
        #expect(throws: ImportUsageError.self) { try ImportFormat.kcat.check(try .with(stream: "column:x")) }
    }

    @Test func tombstonesAreIgnoredAndNonJSONPayloadsAreBinary() throws {
        let text = """
            {"topic":"bank","partition":0,"offset":0,"ts":1,"headers":["type","T"],"key":"s-1","payload":null}
            {"topic":"bank","partition":0,"offset":1,"ts":1,"headers":["type","T"],"key":"s-1","payload":"plain text"}
            """
        let records = try ImportScratch().records(.kcat, text)
        #expect(records[0].ignoredReason?.contains("tombstone") == true)
        let e = try #require(records[1].event)
        #expect(e.event.contentType == .binary && e.event.data == Array("plain text".utf8))
    }

    @Test func malformedMessagesNameTheirLineAndWhatIsMissing() throws {
        let text = """
            {"topic":"bank","partition":0,"offset":0,"ts":1,"headers":["type","T"],"key":"s-1","payload":"{}"}
            {"topic":"bank","partition":0,"offset":1,"headers":["type"],"key":"s-1","payload":"{}"}
            {"topic":"bank","offset":2,"key":"s-1","payload":"{}"}

            {"topic":"bank","partition":0,"offset":3,"ts":1,"key":"s-1","payload":"{}"}
            {"topic":"bank","partition":0,"offset":4,"ts":1,"headers":["type","T"],"key":null,"payload":"{}"}
            {"topic":
            """
        let errors = try ImportScratch().records(.kcat, text).compactMap(\.error)
        #expect(errors.map(\.location) == [.line(2), .line(3), .line(5), .line(6), .line(7)])
        #expect(errors[0].reason.contains("odd number"))
        #expect(errors[1].reason.contains("\"partition\""))
        #expect(errors[2].reason.contains("no 'type' or 'ce_type' header") && errors[2].reason.contains("--type-from"))
        #expect(errors[3].reason.contains("the message key is missing") && errors[3].reason.contains("--stream-from"))
        #expect(errors[4].reason.hasPrefix("invalid JSON"))
    }

    /// Found by the `import-kcat` fuzz target: `ts * 1000` trapped on overflow.
    @Test func aTimestampTooLargeForMillisecondsIsABadRecordNotATrap() throws {
        let line = #"{"topic":"bank","partition":0,"offset":0,"ts":92233720368547758,"headers":["type","T"],"key":"s-1","payload":"{}"}"#
        let errors = try ImportScratch().records(.kcat, line).compactMap(\.error)
        #expect(errors.count == 1)
        #expect(errors.first?.reason.contains("too large for epoch milliseconds") == true)
    }
}
