import EventLog
import Foundation
import Testing
import Interchange
import JSON

/// Change events of ordinary tables, written from Debezium's documented shape: `before`,
/// `after`, `source` (connector, db, schema, table, ts_ms, snapshot, lsn, txId), `op`, `ts_ms`.
@Suite("import: Debezium rows' histories")
struct DebeziumRowHistoryTests {
    /// A change of `table` with a Postgres-like `source` block; `lsn` makes each change unique.
    static func change(_ op: String, table: String = "orders", before: String = "null", after: String = "null",
                       lsn: Int, tsMs: Int64 = 1_768_471_200_000, snapshot: String = "false", envelopeTs: Int64 = 1_768_471_299_000) -> String {
        let source = #"{"version":"2.7.0.Final","connector":"postgresql","name":"shop","ts_ms":\#(tsMs),"snapshot":"\#(snapshot)","db":"shop","schema":"public","table":"\#(table)","txId":\#(lsn / 10),"lsn":\#(lsn)}"#
        return #"{"before":\#(before),"after":\#(after),"source":\#(source),"op":"\#(op)","ts_ms":\#(envelopeTs)}"#
    }

    static func order(_ status: String, total: Int = 4200) -> String {
        #"{"id":42,"customer_id":7,"status":"\#(status)","total_cents":\#(total)}"#
    }

    /// NEW → PAID → SHIPPED → deleted, with REPLICA IDENTITY FULL (every `before` present).
    static let orderLife = [
        change("c", after: order("NEW"), lsn: 100, tsMs: 1_768_471_200_000),
        change("u", before: order("NEW"), after: order("PAID"), lsn: 200, tsMs: 1_768_471_260_000),
        change("u", before: order("PAID"), after: order("SHIPPED"), lsn: 300, tsMs: 1_768_474_800_000),
        change("d", before: order("SHIPPED"), lsn: 400, tsMs: 1_768_561_200_000),
        "null",
    ].joined(separator: "\n")

    @Test func aMutableOrderRowBecomesTheEventsOfItsStream() throws {
        let records = try ImportScratch().records(.debezium, Self.orderLife)
        let events = records.compactMap(\.event)
        #expect(events.map(\.stream) == Array(repeating: "orders-42", count: 4))
        #expect(events.map(\.type) == ["OrdersRowInserted", "OrdersRowUpdated", "OrdersRowUpdated", "OrdersRowDeleted"])
        #expect(events.map(\.version) == [nil, nil, nil, nil])
        #expect(events.map { $0.data?["status"] } == ["NEW", "PAID", "SHIPPED", "SHIPPED"])
        #expect(events[0].data == ["id": 42, "customer_id": 7, "status": "NEW", "total_cents": 4200])
        #expect(events.map(\.time) == ["2026-01-15T10:00:00.000Z", "2026-01-15T10:01:00.000Z", "2026-01-15T11:00:00.000Z", "2026-01-16T11:00:00.000Z"])
        // Metadata: the row before, and an update's changed columns.
        #expect(events[0].metadata["before"] == nil && events[0].metadata["changed"] == nil)
        #expect(events[1].metadata["changed"] == ["status"])
        #expect(events[1].metadata["before"]?["status"] == "NEW")
        #expect(events[3].metadata["before"]?["status"] == "SHIPPED" && events[3].metadata["changed"] == nil)
        #expect(events[2].metadata["debezium"]?["op"] == "u" && events[2].metadata["debezium"]?["lsn"] == 300)
        // The tombstone after the delete stays ignored, with its reason.
        #expect(records[4].ignoredReason?.contains("tombstone") == true)
        // Four changes, four ids.
        #expect(Set(events.map(\.id)).count == 4)
    }

    @Test func importingTheHistoryTwiceIsANoOp() throws {
        let scratch = ImportScratch()
        let log = try scratch.log()
        defer { log.close() }
        let path = try scratch.write("orders.jsonl", Self.orderLife)
        let first = try EventImporter().run(try ImportFormat.debezium.source(path: path, options: ImportOptions()), named: "orders.jsonl", into: log)
        #expect(first.events == 4 && first.streams == 1 && first.ignored == 1)
        let second = try EventImporter().run(try ImportFormat.debezium.source(path: path, options: ImportOptions()), named: "orders.jsonl", into: log)
        #expect(second.events == 0 && second.alreadyPresent == 4)
        #expect(log.version(of: "orders-42") == 4)
    }

    @Test func aChangeDeliveredTwiceIsImportedOnce() throws {
        // Debezium delivers at least once: after a restart it may send a change again, with
        // the same source position but a later processing time.
        let update = Self.change("u", before: Self.order("NEW"), after: Self.order("PAID"), lsn: 200)
        let again = Self.change("u", before: Self.order("NEW"), after: Self.order("PAID"), lsn: 200, envelopeTs: 1_768_479_999_000)
        let events = try ImportScratch().records(.debezium, [update, again].joined(separator: "\n")).compactMap(\.event)
        #expect(events.count == 2 && events[0].id == events[1].id)
    }

    @Test func aRenamedCustomerKeepsBothNamesAndTheChangedColumn() throws {
        let ann = #"{"id":"c-7","name":"Ann Smith","email":"ann@example.com"}"#
        let renamed = #"{"id":"c-7","name":"Ann Jones","email":"ann@example.com"}"#
        let text = [
            Self.change("c", table: "customers", after: ann, lsn: 10),
            Self.change("u", table: "customers", before: ann, after: renamed, lsn: 20),
        ].joined(separator: "\n")
        let events = try ImportScratch().records(.debezium, text).compactMap(\.event)
        #expect(events.map(\.stream) == ["customers-c-7", "customers-c-7"])
        #expect(events.map(\.type) == ["CustomersRowInserted", "CustomersRowUpdated"])
        #expect(events[1].data?["name"] == "Ann Jones" && events[1].metadata["before"]?["name"] == "Ann Smith")
        #expect(events[1].metadata["changed"] == ["name"])
    }

    @Test func anUpdateWithoutBeforeSaysTheChangedColumnsAreUnknown() throws {
        // REPLICA IDENTITY DEFAULT: an update carries no `before`.
        let line = Self.change("u", after: Self.order("PAID"), lsn: 200)
        let e = try #require(try ImportScratch().records(.debezium, line).first?.event)
        #expect(e.metadata["changed"] == "unknown" && e.metadata["before"] == nil)
        #expect(e.stream == "orders-42" && e.type == "OrdersRowUpdated")
    }

    @Test func aCompositeKeyJoinsItsColumnsUnambiguously() throws {
        let line = #"{"order_id":42,"line_no":3,"sku":"A-1"}"#
        let odd = #"{"order_id":"4,2","line_no":"1%","sku":"B"}"#
        let text = [
            Self.change("c", table: "order_lines", after: line, lsn: 10),
            Self.change("c", table: "order_lines", after: odd, lsn: 20),
        ].joined(separator: "\n")
        var options = ImportOptions()
        try options.setKeyColumns("order_id, line_no")
        let events = try ImportScratch().records(.debezium, text, options: options).compactMap(\.event)
        #expect(events.map(\.stream) == ["order_lines-42,3", "order_lines-4%2C2,1%25"])
        #expect(events.first?.type == "OrderLinesRowInserted")
    }

    @Test func aRowWithoutAKeyNamesTheOptionAndTheTablesColumns() throws {
        let line = Self.change("c", table: "order_lines", after: #"{"order_id":42,"line_no":3}"#, lsn: 10)
        let error = try #require(try ImportScratch().records(.debezium, line).first?.error)
        #expect(error.location == .line(1))
        #expect(error.reason.contains("no key for a row of shop.public.order_lines"))
        #expect(error.reason.contains("--key-columns") && error.reason.contains("its columns: order_id, line_no"))
        #expect(error.needs.map(\.option) == ["--key-columns"] && error.needs.first?.suggestion == "order_id")
        var options = ImportOptions()
        try options.setKeyColumns("order_id,line")
        let missing = try #require(try ImportScratch().records(.debezium, line, options: options).first?.error)
        #expect(missing.reason.contains("key column 'line' is missing"))
        #expect(throws: ImportUsageError.self) { var o = ImportOptions(); try o.setKeyColumns("a,,b") }
        #expect(throws: ImportUsageError.self) { var o = ImportOptions(); o.keyColumns = ["a"]; try ImportFormat.kcat.check(o) }
    }

    @Test func aSnapshotThenStreamingContinuesTheSameStream() throws {
        let text = [
            Self.change("r", after: Self.order("PAID"), lsn: 500, tsMs: 1_768_471_200_000, snapshot: "last"),
            Self.change("u", before: Self.order("PAID"), after: Self.order("SHIPPED"), lsn: 600, tsMs: 1_768_474_800_000),
        ].joined(separator: "\n")
        let events = try ImportScratch().records(.debezium, text).compactMap(\.event)
        #expect(events.map(\.type) == ["OrdersRowSnapshotted", "OrdersRowUpdated"])
        #expect(events.map(\.stream) == ["orders-42", "orders-42"])
        #expect(events[1].metadata["changed"] == ["status"])
    }

    @Test func aSnapshotRowWithTsMsZeroTakesTheEnvelopeTime() throws {
        let line = Self.change("r", after: Self.order("NEW"), lsn: 500, tsMs: 0, snapshot: "true", envelopeTs: 1_768_471_200_500)
        let e = try #require(try ImportScratch().records(.debezium, line).first?.event)
        #expect(e.time == "2026-01-15T10:00:00.500Z")
        #expect(e.metadata["debezium"]?["timeFrom"] == "ts_ms")
        // The same rule for an events table, and with no time at all there is none (not 1970).
        let events = #"{"before":null,"after":{"stream_id":"s-1","type":"T","data":"{}"},"source":{"table":"events","ts_ms":0},"op":"r","ts_ms":1768471200500}"#
        #expect(try ImportScratch().records(.debezium, events).first?.event?.time == "2026-01-15T10:00:00.500Z")
        let none = #"{"before":null,"after":{"stream_id":"s-1","type":"T","data":"{}"},"source":{"table":"events","ts_ms":0},"op":"r"}"#
        #expect(try ImportScratch().records(.debezium, none).first?.event?.event.originalMicros == nil)
    }

    @Test func theKeyOfAKcatDumpIdentifiesARowWithoutAnIdColumn() throws {
        // A delete with REPLICA IDENTITY NOTHING has no `before`: the message key names the row.
        let key = JSONValue.string(#"{"schema":{"type":"struct"},"payload":{"sku":"A-1"}}"#).serialized()
        let insert = JSONValue.string(Self.change("c", table: "stock", after: #"{"sku":"A-1","on_hand":5}"#, lsn: 10)).serialized()
        let delete = JSONValue.string(Self.change("d", table: "stock", lsn: 20)).serialized()
        let text = [
            #"{"topic":"shop.public.stock","partition":0,"offset":0,"ts":1768471200000,"key":\#(key),"payload":\#(insert)}"#,
            #"{"topic":"shop.public.stock","partition":0,"offset":1,"ts":1768471200000,"key":\#(key),"payload":\#(delete)}"#,
            #"{"topic":"shop.public.stock","partition":0,"offset":2,"ts":1768471200000,"key":\#(key),"payload":null}"#,
        ].joined(separator: "\n")
        let records = try ImportScratch().records(.debezium, text)
        #expect(records.compactMap(\.event).map(\.stream) == ["stock-A-1", "stock-A-1"])
        #expect(records[1].event?.type == "StockRowDeleted" && records[1].event?.data == ["sku": "A-1"])
        #expect(records[2].ignoredReason?.contains("tombstone") == true)
    }

    @Test func aKeyInTheWireFormatIsReadAfterItsPrefix() throws {
        // The JSON Schema serializer's key: magic byte 0, schema id 5, then the key's JSON.
        let key = JSONValue.string("\u{0}\u{0}\u{0}\u{0}\u{5}" + #"{"sku":"B-2"}"#).serialized()
        let insert = JSONValue.string(Self.change("c", table: "stock", after: #"{"sku":"B-2","on_hand":1}"#, lsn: 10)).serialized()
        let line = #"{"topic":"shop.public.stock","partition":0,"offset":0,"ts":1768471200000,"key":\#(key),"payload":\#(insert)}"#
        #expect(try ImportScratch().records(.debezium, line).first?.event?.stream == "stock-B-2")
    }

    @Test func eventsAndOutboxTablesKeepIgnoringTheirUpdatesAndDeletes() throws {
        // An outbox row deleted once published, REPLICA IDENTITY DEFAULT: its `before` holds
        // only the key, yet the table stays an outbox because its insert said so.
        let outbox = #"{"id":"5f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f","aggregatetype":"account","aggregateid":"42","type":"AccountOpened","payload":"{}"}"#
        let text = [
            Self.change("c", table: "outbox", after: outbox, lsn: 10),
            Self.change("d", table: "outbox", before: #"{"id":"5f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f","aggregatetype":null,"aggregateid":null,"type":null,"payload":null}"#, lsn: 20),
            Self.change("d", table: "outbox", before: #"{"id":"5f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f"}"#, lsn: 30),
        ].joined(separator: "\n")
        let records = try ImportScratch().records(.debezium, text)
        #expect(records[0].event?.stream == "account-42")
        #expect(records[1].ignoredReason?.hasPrefix("a delete (op d)") == true)
        #expect(records[2].ignoredReason?.hasPrefix("a delete (op d)") == true)
    }

    @Test func typeFromStillOverridesTheTypeOfARowChange() throws {
        let options = try ImportOptions.with(type: "{field:source.table}.{field:op}")
        let e = try #require(try ImportScratch().records(.debezium, Self.change("c", after: Self.order("NEW"), lsn: 1), options: options).first?.event)
        #expect(e.type == "orders.c" && e.stream == "orders-42")
        let constant = try ImportOptions.with(type: "const:OrderChanged")
        #expect(try ImportScratch().records(.debezium, Self.change("c", after: Self.order("NEW"), lsn: 1), options: constant).first?.event?.type == "OrderChanged")
    }

    @Test func theBareEnvelopeAndTheSchemaEnvelopeGiveTheSameEvent() throws {
        let bare = Self.change("u", before: Self.order("NEW"), after: Self.order("PAID"), lsn: 200)
        let wrapped = #"{"schema":{"type":"struct","fields":[],"optional":false,"name":"shop.public.orders.Envelope"},"payload":\#(bare)}"#
        let events = try ImportScratch().records(.debezium, bare + "\n" + wrapped).compactMap(\.event)
        #expect(events.count == 2 && events[0] == SourceEvent(stream: events[1].stream, version: nil, event: events[1].event, location: .line(1)))
    }
}
