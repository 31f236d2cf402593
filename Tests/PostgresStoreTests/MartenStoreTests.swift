import EventLog
import Foundation
import PostgresHarness
import Testing
@testable import PostgresStore

/// Marten's tables read as an `EventStore`, against a real PostgreSQL.
@Suite struct MartenStoreTests {
    let server: PostgresServer
    let database: String
    let state: String

    init() throws {
        server = try PostgresServer.shared()
        database = try server.createDatabase("marten")
        state = NSTemporaryDirectory() + "rewind-pgread-" + UUID().uuidString
    }

    func open() throws -> SQLEventStore {
        try PostgresStoreOpener.open(url: server.url(database: database), stateDirectory: state)
    }

    /// Inserts an event the way Marten does (the stream row first).
    func insert(seq: Int, stream: String, version: Int, type: String = "order_placed", tenant: String = "*DEFAULT*",
                data: String = "{}", age: String = "10 seconds", correlation: String? = nil, archived: Bool = false) throws {
        try server.psql("""
            INSERT INTO mt_streams (id, tenant_id, type, version) VALUES ('\(stream)', '\(tenant)', 'order', \(version))
              ON CONFLICT DO NOTHING;
            INSERT INTO mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, correlation_id, is_archived)
              VALUES (\(seq), gen_random_uuid(), '\(stream)', \(version), '\(data)', '\(type)', now() - interval '\(age)', '\(tenant)',
                      \(correlation.map { "'\($0)'" } ?? "NULL"), \(archived));
            """, database: database)
    }

    @Test func stringIdsTenantsAndArchivedStreamsAreMapped() throws {
        try server.psql(MartenSchema(streamIdentity: .string, tenancy: .conjoined).createSQL(), database: database)
        try insert(seq: 1, stream: "order-1", version: 1, data: #"{"total":5}"#, correlation: "c-1")
        try insert(seq: 2, stream: "order-1", version: 2, type: "order_shipped", correlation: "c-1")
        try insert(seq: 3, stream: "order-1", version: 1, tenant: "acme")
        try insert(seq: 4, stream: "order-2", version: 1, archived: true)
        let store = try open()
        defer { store.close() }
        #expect(store.head == 4)
        #expect(store.streams().map(\.name) == ["order-1", "acme/order-1", "order-2"])
        #expect(store.streamInfo("order-1")?.count == 2 && store.streamInfo("order-1")?.category == "order")
        #expect(store.streamInfo("order-2")?.isArchived == true && store.streamInfo("order-1")?.isArchived == false)
        let events = try store.events(in: "order-1")
        #expect(events.map(\.version) == [1, 2] && events.map(\.position) == [1, 2])
        #expect(events.map(\.type) == ["order_placed", "order_shipped"])
        #expect(String(decoding: events[0].data, as: UTF8.self) == #"{"total": 5}"#)
        let meta = String(decoding: events[0].metadata, as: UTF8.self)
        #expect(meta.contains(#""correlationId": "c-1""#) && meta.contains(#""seqId": 1"#))
        let tenant = try store.events(in: "acme/order-1")
        #expect(tenant.count == 1 && String(decoding: tenant[0].metadata, as: UTF8.self).contains(#""tenantId": "acme""#))
        var all: [String] = []
        try store.readAll(from: 1) { all.append("\($0.stream)@\($0.version)"); return true }
        #expect(all == ["order-1@1", "order-1@2", "acme/order-1@1", "order-2@1"])
        #expect(try store.events(in: "order-1", from: 2, direction: .backward, limit: 5).map(\.version) == [2, 1])
        #expect(try store.event(at: 3)?.stream == "acme/order-1")
    }

    @Test func guidStreamsAreNamedAfterTheirType() throws {
        try server.psql(MartenSchema(streamIdentity: .guid).createSQL(), database: database)
        let id = "6f1c1f0e-3c1a-4b1e-9b1a-0a0b0c0d0e0f"
        try insert(seq: 1, stream: id, version: 1)
        let store = try open()
        defer { store.close() }
        #expect(store.streams().map(\.name) == ["order-\(id)"])
        #expect(try store.events(in: "order-\(id)").count == 1)
        var seen: [String] = []
        try store.readAll(from: 1) { seen.append($0.stream); return true }
        #expect(seen == ["order-\(id)"])
    }

    @Test func aFreshGapHoldsLaterEventsBackAndSaysSoUntilItFills() throws {
        try server.psql(MartenSchema(streamIdentity: .string).createSQL(), database: database)
        try insert(seq: 1, stream: "order-1", version: 1)
        try insert(seq: 2, stream: "order-1", version: 2, age: "0 seconds")
        try insert(seq: 4, stream: "order-2", version: 1, age: "0 seconds")
        let store = try open()
        defer { store.close() }
        #expect(store.head == 2)
        #expect(store.streamInfo("order-2") == nil)
        let notice = try #require(store.notice)
        #expect(notice.contains("position 3 is missing") && notice.contains("1 event past position 2"))
        try insert(seq: 3, stream: "order-3", version: 1, age: "0 seconds")
        #expect(try store.waitForEvents(after: 2, timeout: 5) == 4)
        #expect(store.notice == nil)
        #expect(store.streams().map(\.name) == ["order-1", "order-3", "order-2"])
    }

    @Test func aGapOlderThanTheThresholdIsSkippedAsMartenDoes() throws {
        try server.psql(MartenSchema(streamIdentity: .string).createSQL(), database: database)
        try insert(seq: 1, stream: "order-1", version: 1)
        try insert(seq: 3, stream: "order-1", version: 2)
        let store = try open()
        defer { store.close() }
        #expect(store.head == 3 && store.notice == nil)
        #expect(try store.event(at: 2) == nil)
        #expect(try store.events(in: "order-1").map(\.position) == [1, 3])
    }

    @Test func daemonProgressBecomesConsumers() throws {
        try server.psql(MartenSchema(streamIdentity: .string).createSQL(), database: database)
        try insert(seq: 1, stream: "order-1", version: 1)
        try server.psql("""
            INSERT INTO mt_event_progression (name, last_seq_id) VALUES ('HighWaterMark', 1), ('Orders:All', 1), ('Totals:All', 0)
            """, database: database)
        let store = try open()
        defer { store.close() }
        let consumers = try store.storeConsumers()
        #expect(consumers.map(\.name) == ["Orders:All", "Totals:All"])
        #expect(consumers.map(\.position) == [1, 0])
        #expect(consumers.allSatisfy { $0.updatedAtMicros != nil && ($0.note ?? "").contains("high-water mark: 1") })
    }

    @Test func theStoreCannotWrite() throws {
        try server.psql(MartenSchema(streamIdentity: .string).createSQL(), database: database)
        try insert(seq: 1, stream: "order-1", version: 1)
        let store = try open()
        defer { store.close() }
        #expect(store.isWritable == false)
        #expect(throws: PostgresStoreError.self) { try store.connection.query("DELETE FROM mt_events") }
        #expect(try server.psql("SELECT count(*) FROM mt_events", database: database).trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }

    @Test func aDroppedConnectionFailsClearlyThenReconnects() throws {
        try server.psql(MartenSchema(streamIdentity: .string).createSQL(), database: database)
        try insert(seq: 1, stream: "order-1", version: 1)
        let store = try open()
        defer { store.close() }
        try server.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)' AND pid <> pg_backend_pid()", database: "postgres")
        var failure: String?
        do { try store.refresh() } catch { failure = "\(error)" }
        if let failure { #expect(!failure.contains(server.password)) }
        try insert(seq: 2, stream: "order-1", version: 2)
        #expect(try store.waitForEvents(after: 1, timeout: 5) == 2)
    }

    @Test func wrongCredentialsSayWhatFailedWithoutThePassword() throws {
        let url = server.url(database: database, user: server.superuser, password: "not-the-password-42")
        do {
            _ = try PostgresStoreOpener.open(url: url, stateDirectory: state)
            Issue.record("opened with a wrong password")
        } catch {
            let text = "\(error)"
            #expect(!text.contains("not-the-password-42"))
            #expect(text.contains("password") || text.contains("authentication"))
        }
    }

    @Test func noKnownTablesSaysWhatWasFound() throws {
        try server.psql("CREATE TABLE orders (id int)", database: database)
        do {
            _ = try open()
            Issue.record("opened a database with no event store")
        } catch {
            let text = "\(error)"
            #expect(text.contains("public: orders") && text.contains("mt_events") && text.contains("[source]"))
        }
    }
}
