import EventLog
import Foundation
import Replay
import Testing
import Interchange
import JSON

@Suite("import: Debezium change events")
struct DebeziumSourceTests {
    static let source = #""source":{"connector":"postgresql","db":"bank","schema":"public","table":"events","ts_ms":1768471205000,"lsn":42,"txId":7}"#

    static func change(_ op: String, after: String, before: String = "null") -> String {
        #"{"before":\#(before),"after":\#(after),\#(source),"op":"\#(op)","ts_ms":1768471205100}"#
    }

    static let row = #"{"id":"3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f","stream_id":"account-1","version":2,"type":"MoneyDeposited","data":"{\"amountCents\": 500}","metadata":"{\"correlationId\": \"c-1\", \"causationId\": \"e-1\"}","occurred_at":"2026-01-15T10:00:00.25Z"}"#

    @Test func envelopeOrPayloadOfAnEventsTableRow() throws {
        let text = #"{"schema":{"type":"struct","fields":[]},"payload":\#(Self.change("c", after: Self.row))}"# + "\n" + Self.change("r", after: Self.row)
        let events = try ImportScratch().records(.debezium, text).compactMap(\.event)
        #expect(events.count == 2)
        for e in events {
            #expect(e.stream == "account-1" && e.version == 2 && e.type == "MoneyDeposited")
            #expect(e.id == EventID("3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f"))
            #expect(e.data == ["amountCents": 500])
            #expect(e.time == "2026-01-15T10:00:00.250Z")
            #expect(e.metadata["correlationId"] == "c-1" && e.metadata["causationId"] == "e-1")
            #expect(e.metadata["debezium"]?["table"] == "events" && e.metadata["debezium"]?["lsn"] == 42)
        }
    }

    @Test func updatesDeletesTruncatesTombstonesAndSchemaChangesAreIgnoredWithAReason() throws {
        let text = [
            Self.change("u", after: Self.row, before: Self.row),
            Self.change("d", after: "null", before: Self.row),
            "null",
            #"{"schema":null,"payload":null}"#,
            Self.change("t", after: "null"),
            #"{"source":{},"databaseName":"bank","ddl":"CREATE TABLE x (id int)"}"#,
        ].joined(separator: "\n")
        let reasons = try ImportScratch().records(.debezium, text).map(\.ignoredReason)
        #expect(reasons.count == 6 && reasons.allSatisfy { $0 != nil })
        #expect(reasons[0]?.hasPrefix("an update (op u) of bank.public.events") == true)
        #expect(reasons[1]?.hasPrefix("a delete (op d)") == true)
        #expect(reasons[2]?.contains("tombstone") == true && reasons[3]?.contains("tombstone") == true)
        #expect(reasons[4]?.contains("truncate") == true && reasons[5]?.contains("schema change") == true)
    }

    @Test func outboxRowsMakeAggregateStreams() throws {
        let outbox = #"{"id":"5f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f","aggregatetype":"account","aggregateid":"42","type":"AccountOpened","payload":"{\"currency\": \"EUR\"}"}"#
        let e = try #require(try ImportScratch().records(.debezium, Self.change("c", after: outbox)).first?.event)
        #expect(e.stream == "account-42" && e.type == "AccountOpened" && e.version == nil)
        #expect(e.data == ["currency": "EUR"])
        // No time column: the commit time in source.ts_ms.
        #expect(e.time == "2026-01-15T10:00:05.000Z")
    }

    @Test func withoutAnIdColumnTheIdComesFromTheTableAndTheRow() throws {
        let row = #"{"seq":9,"stream":"s-1","type":"T","data":"{}"}"#
        let scratch = ImportScratch()
        let snapshot = try #require(try scratch.records(.debezium, Self.change("r", after: row)).first?.event)
        let streamed = try #require(try scratch.records(.debezium, Self.change("c", after: row)).first?.event)
        #expect(snapshot.id == streamed.id)
        let other = try #require(try scratch.records(.debezium, Self.change("c", after: row.replacingOccurrences(of: "9", with: "10"))).first?.event)
        #expect(other.id != snapshot.id)
    }

    @Test func optionsNameColumnsAndFieldsOfTheChange() throws {
        let row = #"{"agg":"7","kind":"Opened","body":{"x":1},"seq":"3","at":1768471200000123}"#
        let options = try ImportOptions.with(stream: "{field:source.table}-{column:agg}", type: "column:kind", data: "column:body", version: "column:seq", time: "column:at")
        let e = try #require(try ImportScratch().records(.debezium, Self.change("c", after: row), options: options).first?.event)
        #expect(e.stream == "events-7" && e.type == "Opened" && e.version == 3 && e.data == ["x": 1])
        #expect(e.event.originalMicros == 1_768_471_200_000_123)
        #expect(throws: ImportUsageError.self) { try ImportFormat.debezium.check(try .with(type: "header:type")) }
    }

    @Test func rowsWithoutTheNeededColumnsAreInvalidWithTheirLine() throws {
        let text = [
            Self.change("c", after: #"{"stream_id":"s-1","data":"{}"}"#),
            Self.change("c", after: "null"),
            #"{"before":null,"after":{}}"#,
            Self.change("x", after: Self.row),
        ].joined(separator: "\n")
        let errors = try ImportScratch().records(.debezium, text).compactMap(\.error)
        #expect(errors.map(\.location) == [.line(1), .line(2), .line(3), .line(4)])
        #expect(errors[0].reason.contains("no type column") && errors[0].reason.contains("--type-from column:NAME"))
        #expect(errors[1].reason.contains("without an \"after\" row"))
        #expect(errors[2].reason.contains("no \"op\""))
        #expect(errors[3].reason.contains("unknown op 'x'"))
    }
}

extension DebeziumSourceTests {
    @Test func aTopicDumpedWithKcatIsUnwrapped() throws {
        let change = Self.change("c", after: Self.row)
        let payloadText = JSONValue.string(change).serialized()
        let text = #"{"topic":"bank.public.events","partition":0,"offset":3,"ts":1,"key":null,"payload":\#(payloadText)}"# + "\n"
            + #"{"topic":"bank.public.events","partition":0,"offset":4,"ts":1,"key":null,"payload":null}"#
        let records = try ImportScratch().records(.debezium, text)
        #expect(records.first?.event?.stream == "account-1" && records.first?.event?.version == 2)
        #expect(records.last?.ignoredReason?.contains("tombstone") == true)
    }

    /// An events table without its type and its data columns: one error that names both
    /// options (with guesses from the row's columns), not one now and the other on the next run.
    @Test func anEventsTableMissingTypeAndDataGetsOneErrorNamingBothOptions() throws {
        let row = #"{"stream_id":"account-1","event_kind":"MoneyDeposited","body":"{\"amountCents\": 5}"}"#
        let bare = #"{"stream_id":"account-1","seq":4}"#
        let text = Self.change("c", after: row) + "\n" + Self.change("c", after: bare)
        let errors = try ImportScratch().records(.debezium, text).compactMap(\.error)
        #expect(errors.map(\.location) == [.line(1), .line(2)])
        #expect(errors[0].reason.contains("no event type") && errors[0].reason.contains("no data column"))
        #expect(errors[0].needs.map(\.option) == ["--type-from", "--data-from"])
        #expect(errors[0].needs.map(\.suggestion) == ["column:event_kind", "column:body"])
        #expect(errors[1].needs.map(\.suggestion) == ["column:NAME", "column:NAME"])
        let advice = try #require(NeededOption.advice(NeededOption.collected(from: errors)))
        #expect(advice.contains("run again with: --type-from column:event_kind --data-from column:body"))
        // With the two options, the first row imports.
        let options = try ImportOptions.with(type: "column:event_kind", data: "column:body")
        let records = try ImportScratch().records(.debezium, Self.change("c", after: row), options: options)
        #expect(records.first?.event?.type == "MoneyDeposited" && records.first?.event?.data == ["amountCents": 5])
    }

    /// The same overflow as kcat's `ts` (found by its fuzz target), in `source.ts_ms`.
    @Test func aCommitTimeTooLargeForMillisecondsIsABadRecordNotATrap() throws {
        let row = #"{"seq":9,"stream":"s-1","type":"T","data":"{}"}"#
        let line = #"{"before":null,"after":\#(row),"source":{"ts_ms":92233720368547758},"op":"c"}"#
        let errors = try ImportScratch().records(.debezium, line).compactMap(\.error)
        #expect(errors.count == 1)
        #expect(errors.first?.reason.contains("too large for epoch milliseconds") == true)
    }
}
