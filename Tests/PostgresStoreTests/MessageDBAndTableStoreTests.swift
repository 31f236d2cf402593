import EventLog
import Foundation
import PostgresHarness
import Testing
@testable import PostgresStore

/// Message DB and a hand-made table read as an `EventStore`, against a real PostgreSQL.
@Suite struct MessageDBAndTableStoreTests {
    let server: PostgresServer
    let database: String
    let state: String

    init() throws {
        server = try PostgresServer.shared()
        database = try server.createDatabase("mdb")
        state = NSTemporaryDirectory() + "rewind-pgread-" + UUID().uuidString
    }

    @Test func messageDBStreamsHaveItsCategoriesAndOneBasedVersions() throws {
        try server.psql(MessageDBSchema.createSQL(), database: database)
        try server.psql("""
            INSERT INTO message_store.messages (id, stream_name, type, position, data, metadata, time)
            VALUES (gen_random_uuid(), 'account:command-1', 'Deposit', 0, '{"amount":5}', '{"correlationId":"k"}', now() - interval '1 minute'),
                   (gen_random_uuid(), 'account-1', 'Deposited', 0, '{"amount":5}', NULL, now() - interval '1 minute'),
                   (gen_random_uuid(), 'account-1', 'Withdrawn', 1, '{"amount":2}', NULL, now() - interval '1 minute')
            """, database: database)
        let store = try PostgresStoreOpener.open(url: server.url(database: database), stateDirectory: state)
        defer { store.close() }
        #expect(store.mapping.kind == "Message DB")
        #expect(store.head == 3)
        #expect(store.streams().map(\.name) == ["account:command-1", "account-1"])
        #expect(store.streams().map(\.category) == ["account:command", "account"])
        #expect(store.version(of: "account-1") == 2)
        let events = try store.events(in: "account-1")
        #expect(events.map(\.version) == [1, 2] && events.map(\.type) == ["Deposited", "Withdrawn"])
        #expect(try store.event(in: "account-1", version: 2)?.position == 3)
        #expect(String(decoding: try #require(try store.event(at: 1)).metadata, as: UTF8.self) == #"{"correlationId": "k"}"#)
    }

    @Test func aTableNamedBySourceIsReadWithItsColumns() throws {
        try server.psql("""
            CREATE TABLE app_events (n bigserial PRIMARY KEY, sid text NOT NULL, v int NOT NULL, kind text NOT NULL,
                                     body jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now() - interval '1 minute');
            INSERT INTO app_events (sid, v, kind, body) VALUES ('cart-1', 1, 'Added', '{"sku":"a"}'), ('cart-1', 2, 'Removed', '{"sku":"a"}');
            """, database: database)
        let spec = EventTableSource(table: "app_events", position: "n", stream: "sid", version: "v", type: "kind", data: "body", time: "at")
        let store = try PostgresStoreOpener.open(url: server.url(database: database), stateDirectory: state, source: spec)
        defer { store.close() }
        #expect(store.streams().map(\.name) == ["cart-1"])
        #expect(try store.events(in: "cart-1").map(\.type) == ["Added", "Removed"])
        #expect(store.streamInfo("cart-1")?.lastRecordedMicros ?? 0 > 0)
    }

    @Test func aSourceColumnThatIsMissingIsNamedWithTheColumnsThereAre() throws {
        try server.psql("CREATE TABLE app_events (n bigint, sid text, v int, kind text, body jsonb)", database: database)
        let spec = EventTableSource(table: "app_events", position: "n", stream: "stream", version: "v", type: "kind", data: "body")
        #expect {
            _ = try PostgresStoreOpener.open(url: server.url(database: database), stateDirectory: state, source: spec)
        } throws: { error in
            let text = "\(error)"
            return text.contains("stream = \"stream\"") && text.contains("n, sid, v, kind, body")
        }
    }
}
