import EventLog
import Testing

/// The file log seen through the read protocol, and the view encoder other stores use.
@Suite("EventStore")
struct EventStoreTests {
    @Test func fileLogThroughTheProtocolReadsWhatTheLogReads() throws {
        let dir = TemporaryDirectory()
        let path = try Fixtures.makeLog(in: dir)
        let log = try EventLog.openWriter(at: path)
        defer { log.close() }
        try log.append(to: "account-1", Fixtures.deposits(3))
        try log.append(to: "account-2", Fixtures.deposits(2))
        let store: any EventStore = log
        #expect(store.head == 5)
        #expect(store.location == path)
        #expect(store.fileOnlyRefusal == nil)
        #expect(store.streams().map(\.name) == ["account-1", "account-2"])
        #expect(store.streams().allSatisfy { !$0.isArchived })
        var viaProtocol: [UInt64] = []
        try store.readAll(from: 2) { viaProtocol.append($0.position); return true }
        #expect(viaProtocol == [2, 3, 4, 5])
        var filtered: [String] = []
        try store.readAll(from: 1, limit: 1, streams: { $0 == "account-2" }) { filtered.append("\($0.stream)@\($0.version)"); return true }
        #expect(filtered == ["account-2@1"])
        #expect(try store.events(in: "account-1", from: 3, direction: .backward, limit: 2).map(\.version) == [3, 2])
        #expect(try store.event(in: "account-2", version: 2)?.position == 5)
        #expect(try store.storeConsumers().isEmpty)
        #expect(store.segmentSummaries() == log.segmentSummaries())
    }

    @Test func encodedViewReadsBackEveryField() throws {
        var encoder = EventViewEncoder()
        let id = EventID(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210)
        let event = encoder.withView(
            stream: "order-9", version: 4, position: 1041, id: id, type: "order_placed", recordedMicros: 1_700_000_000_000_000,
            originalMicros: 1_600_000_000_000_000, schemaVersion: 2, contentType: .json,
            metadata: Array("{\"correlationId\":\"c-1\"}".utf8), data: Array("{\"total\":5}".utf8)
        ) { $0.materialize() }
        #expect(event.stream == "order-9" && event.version == 4 && event.position == 1041 && event.id == id)
        #expect(event.type == "order_placed" && event.schemaVersion == 2 && event.contentType == .json)
        #expect(event.recordedMicros == 1_700_000_000_000_000 && event.originalMicros == 1_600_000_000_000_000)
        #expect(String(decoding: event.metadata, as: UTF8.self) == "{\"correlationId\":\"c-1\"}")
        #expect(String(decoding: event.data, as: UTF8.self) == "{\"total\":5}")
        // The buffer is reused: a shorter second event leaves nothing of the first behind.
        let short = encoder.withView(
            stream: "a", version: 1, position: 1, id: EventID(high: 1, low: 2), type: "T", recordedMicros: 5, originalMicros: 6,
            metadata: [UInt8](), data: Array("{}".utf8)
        ) { $0.materialize() }
        #expect(encoder.withView(of: event) { $0.materialize() } == event)
        #expect(encoder.withView(of: short) { $0.materialize() } == short)
        #expect(short.metadata.isEmpty && short.data == Array("{}".utf8))
    }

    @Test func overlongTypeIsCutAtTheGrammarsLimitNotTrapped() {
        var encoder = EventViewEncoder()
        let type = String(repeating: "t", count: 70_000)
        let seen = encoder.withView(
            stream: "s", version: 1, position: 1, id: EventID(high: 0, low: 1), type: type, recordedMicros: 0, originalMicros: 0,
            metadata: [UInt8](), data: [UInt8]()
        ) { $0.type.utf8.count }
        #expect(seen == 65_535)
    }
}
