import EventLog
import Foundation
import PostgresHarness
import Testing
@testable import PostgresStore

/// The stream list read from `mt_streams` (one index probe per stream, in two halves at once)
/// holds the same streams as the one grouped from every row of `mt_events`, on the same
/// database, in the order of `mt_streams.created` (ties by id).
@Suite struct MartenCatalogPushdownTests {
    let server: PostgresServer
    let database: String
    let state: String

    init() throws {
        server = try PostgresServer.shared()
        database = try server.createDatabase("catalog")
        state = NSTemporaryDirectory() + "rewind-pgcatalog-" + UUID().uuidString
    }

    /// Opens the database as `rewind` does, and again with the grouped catalog query forced.
    func openBoth() throws -> (pushed: SQLEventStore, grouped: SQLEventStore) {
        let pushed = try PostgresStoreOpener.open(url: server.url(database: database), stateDirectory: state)
        var mapping = pushed.mapping
        mapping.catalogQuery = nil
        let connection = try PostgresConnection(url: PostgresURL(parsing: server.url(database: database)))
        let grouped = try SQLEventStore(connection: connection, mapping: mapping, location: "grouped", stateDirectory: state)
        return (pushed, grouped)
    }

    /// The same streams with the same figures, whatever the order.
    func sameStreams(_ a: [StreamInfo], _ b: [StreamInfo]) -> Bool {
        a.sorted { $0.name < $1.name } == b.sorted { $0.name < $1.name }
    }

    /// The names in `mt_streams.created` order, ties by id then tenant, as psql lists them
    /// (Guid streams named `TYPE-GUID`, other tenants' prefixed).
    func namesByCreated() throws -> [String] {
        try server.psql("""
            SELECT CASE WHEN tenant_id = '*DEFAULT*' THEN '' ELSE tenant_id || '/' END || type || '-' || id
            FROM mt_streams ORDER BY created, id::text COLLATE "C", tenant_id COLLATE "C"
            """, database: database).split(separator: "\n").map(String.init)
    }

    func insert(seq: Int, stream: String, version: Int, tenant: String = "*DEFAULT*", age: String = "10 seconds",
                archived: Bool = false, streamType: String = "order", streamVersion: Int? = nil) throws {
        try server.psql("""
            INSERT INTO mt_streams (id, tenant_id, type, version) VALUES ('\(stream)', '\(tenant)', '\(streamType)', \(streamVersion ?? version))
              ON CONFLICT DO NOTHING;
            INSERT INTO mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, is_archived)
              VALUES (\(seq), gen_random_uuid(), '\(stream)', \(version), '{}', 'e', now() - interval '\(age)' + \(seq) * interval '1 ms',
                      '\(tenant)', \(archived));
            """, database: database)
    }

    @Test func stringStreamsWithTenantsArchivedGapsAndALaggingStreamRowListTheSame() throws {
        try server.psql(MartenSchema(streamIdentity: .string, tenancy: .conjoined).createSQL(), database: database)
        try insert(seq: 1, stream: "order-1", version: 1)
        try insert(seq: 2, stream: "cart-9", version: 1, tenant: "acme")
        try insert(seq: 3, stream: "order-1", version: 2)
        try insert(seq: 5, stream: "order-1", version: 1, tenant: "acme")  // 4 is a final gap
        try insert(seq: 6, stream: "order-2", version: 1, archived: true)
        try insert(seq: 7, stream: "order-2", version: 2, archived: true)
        try insert(seq: 8, stream: "cart-9", version: 2, tenant: "acme")
        try insert(seq: 9, stream: "order-1", version: 3)
        try insert(seq: 10, stream: "order-3", version: 1, age: "0 seconds")  // past the mark at open
        try insert(seq: 11, stream: "order-1", version: 4, age: "0 seconds")
        let (pushed, grouped) = try openBoth()
        defer { pushed.close(); grouped.close() }
        #expect(pushed.mapping.catalogQuery != nil)
        // Open reads the catalog to position 9 (the newest older than 3 s); refresh adds 10 and 11.
        #expect(pushed.head == 11 && grouped.head == 11)
        #expect(sameStreams(pushed.streams(), grouped.streams()))
        // Each stream's row was created by its first insert, so creation order is first appearance.
        #expect(pushed.streams().map(\.name) == ["order-1", "acme/cart-9", "acme/order-1", "order-2", "order-3"])
        #expect(grouped.streams().map(\.name) == pushed.streams().map(\.name))
        #expect(pushed.streamInfo("order-1")?.count == 4 && pushed.streamInfo("order-1")?.lastPosition == 11)
        #expect(pushed.streamInfo("order-2")?.isArchived == true && pushed.streamInfo("order-1")?.isArchived == false)
    }

    @Test func guidStreamsAreNamedAfterTheirTypeAlike() throws {
        try server.psql(MartenSchema(streamIdentity: .guid).createSQL(), database: database)
        for i in 0..<30 {
            let id = String(format: "6f1c1f0e-3c1a-4b1e-9b1a-%012d", i % 7)
            try insert(seq: i + 1, stream: id, version: i / 7 + 1, streamType: i % 7 == 3 ? "cart" : "order", streamVersion: 1)
        }
        let (pushed, grouped) = try openBoth()
        defer { pushed.close(); grouped.close() }
        #expect(pushed.mapping.catalogQuery != nil)
        #expect(pushed.streams().count == 7)
        #expect(pushed.streams() == grouped.streams())  // created in order of first appearance
        #expect(pushed.streams().contains { $0.name.hasPrefix("cart-6f1c1f0e") })
    }

    /// Many streams, interleaved, created in one transaction (so `created` ties, and the ids
    /// order them) except every seventh, created a minute earlier.
    func loadInterleaved() throws {
        try server.psql(MartenSchema(streamIdentity: .guid, tenancy: .conjoined).createSQL(), database: database)
        try server.psql("""
            INSERT INTO mt_streams (id, tenant_id, type, version, created)
              SELECT md5('s' || k)::uuid, CASE WHEN k % 5 = 0 THEN 'acme' ELSE '*DEFAULT*' END, 't' || (k % 3), 1,
                     now() - CASE WHEN k % 7 = 0 THEN interval '1 minute' ELSE interval '0' END
              FROM generate_series(0, 299) k;
            INSERT INTO mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, is_archived)
              SELECT x, gen_random_uuid(), md5('s' || ((x * 7919) % 300))::uuid, 1 + (x - 1) / 300, '{}', 'e', now() - interval '1 minute',
                     CASE WHEN ((x * 7919) % 300) % 5 = 0 THEN 'acme' ELSE '*DEFAULT*' END, ((x * 7919) % 300) % 11 = 0
              FROM generate_series(1, 3000) x;
            """, database: database)
    }

    @Test func theHalvesReadAtOnceMergeIntoCreationOrder() throws {
        try loadInterleaved()
        let (pushed, grouped) = try openBoth()
        defer { pushed.close(); grouped.close() }
        #expect(pushed.mapping.catalogQuery != nil)
        #expect(pushed.streams().count == 300)
        #expect(sameStreams(pushed.streams(), grouped.streams()))
        let expected = try namesByCreated()
        #expect(expected.count == 300 && pushed.streams().map(\.name) == expected)
        #expect(grouped.streams().map(\.name) != expected)  // the grouped list is by first appearance
    }

    @Test func withoutACreatedColumnTheListIsInFirstAppearanceOrder() throws {
        try loadInterleaved()
        try server.psql("ALTER TABLE mt_streams DROP COLUMN created", database: database)
        let (pushed, grouped) = try openBoth()
        defer { pushed.close(); grouped.close() }
        #expect(pushed.mapping.catalogQuery != nil)
        #expect(pushed.streams().count == 300 && pushed.streams() == grouped.streams())
    }

    @Test func withOneConnectionAllowedTheWholeListIsReadOnIt() throws {
        try loadInterleaved()
        let role = "one_" + UUID().uuidString.prefix(8).lowercased()
        try server.psql("CREATE ROLE \(role) LOGIN CONNECTION LIMIT 1; GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(role)", database: database)
        let limited = try PostgresStoreOpener.open(url: server.socketURL(database: database, user: role), stateDirectory: state)
        defer { limited.close() }
        let (pushed, grouped) = try openBoth()
        defer { pushed.close(); grouped.close() }
        #expect(sameStreams(limited.streams(), grouped.streams()) && limited.streams().count == 300)
        #expect(limited.streams().map(\.name) == pushed.streams().map(\.name))
    }

    @Test func withoutMtStreamsTheEventsAreGrouped() throws {
        try server.psql(MartenSchema(streamIdentity: .string).createSQL(), database: database)
        try insert(seq: 1, stream: "order-1", version: 1)
        try insert(seq: 2, stream: "order-1", version: 2)
        try server.psql("DROP TABLE mt_streams CASCADE", database: database)
        let store = try PostgresStoreOpener.open(url: server.url(database: database), stateDirectory: state)
        defer { store.close() }
        #expect(store.mapping.catalogQuery == nil)
        #expect(store.streams().map(\.name) == ["order-1"] && store.streamInfo("order-1")?.count == 2)
    }
}
