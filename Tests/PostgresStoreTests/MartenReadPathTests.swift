import EventLog
import Foundation
import PostgresHarness
import Testing
@testable import PostgresStore

/// The whole-table read's fast path against a real PostgreSQL: metadata built on the client is
/// the server's own, pipelined keyset pages read every row once in order (and stop cleanly),
/// the stream list's times come from the catalog, and sessions run without JIT.
@Suite struct MartenReadPathTests {
    let server: PostgresServer
    let database: String
    let state: String

    init() throws {
        server = try PostgresServer.shared()
        database = try server.createDatabase("readpath")
        state = NSTemporaryDirectory() + "rewind-pgreadpath-" + UUID().uuidString
    }

    func open() throws -> SQLEventStore {
        try PostgresStoreOpener.open(url: server.url(database: database), stateDirectory: state)
    }

    /// The metadata as the server builds it (the expression every row used before), per seq_id.
    func serverMetadata(columns: Bool) throws -> [String] {
        let meta = columns ? "'correlationId', correlation_id, 'causationId', causation_id, " : ""
        let dotnet = ", 'dotnetType', mt_dotnet_type"
        let built = "jsonb_strip_nulls(jsonb_build_object(\(meta)'marten', jsonb_strip_nulls(jsonb_build_object('seqId', seq_id, 'tenantId', tenant_id\(dotnet), 'archived', CASE WHEN is_archived THEN true END))))"
        let expression = columns ? "(CASE WHEN jsonb_typeof(headers) = 'object' THEN headers ELSE '{}'::jsonb END || \(built))::text" : "\(built)::text"
        // One line per row; newlines inside the text are escaped by jsonb's output, so lines split rows.
        return try server.psql("SELECT \(expression) FROM mt_events ORDER BY seq_id", database: database)
            .split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    @Test func clientBuiltMetadataIsTheServersByteForByte() throws {
        try server.psql(MartenSchema(streamIdentity: .string, tenancy: .conjoined).createSQL(), database: database)
        try server.psql("""
            INSERT INTO mt_streams (id, tenant_id, type, version) VALUES ('s-1', '*DEFAULT*', 'x', 6), ('s-1', 'acme', 'x', 1);
            INSERT INTO mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, correlation_id, causation_id,
                                   mt_dotnet_type, headers, is_archived) VALUES
              (1, gen_random_uuid(), 's-1', 1, '{}', 'a', now() - interval '1 minute', '*DEFAULT*', 'c-1', NULL, NULL, NULL, false),
              (2, gen_random_uuid(), 's-1', 2, '{}', 'a', now() - interval '1 minute', '*DEFAULT*', NULL, 'k"\\' || chr(10) || chr(9) || chr(1) || chr(8) || chr(12) || chr(13) || 'é😀', 'App.E', NULL, true),
              (3, gen_random_uuid(), 's-1', 3, '{}', 'a', now() - interval '1 minute', '*DEFAULT*', 'c', 'd', 'T', '{"user": "u", "correlationId": "h"}', false),
              (4, gen_random_uuid(), 's-1', 4, '{}', 'a', now() - interval '1 minute', '*DEFAULT*', NULL, NULL, NULL, '[1, 2]', NULL),
              (5, gen_random_uuid(), 's-1', 5, '{}', 'a', now() - interval '1 minute', '*DEFAULT*', '', '', '', 'null', false),
              (6, gen_random_uuid(), 's-1', 6, '{}', 'a', now() - interval '1 minute', '*DEFAULT*', NULL, NULL, NULL, '{}', true),
              (7, gen_random_uuid(), 's-1', 1, '{}', 'a', now() - interval '1 minute', 'acme', 'c', NULL, 'T', NULL, false);
            """, database: database)
        let expected = try serverMetadata(columns: true)
        #expect(expected.count == 7)
        let store = try open()
        defer { store.close() }
        var read: [String] = []
        try store.readAll(from: 1) { read.append(String(decoding: $0.metadata, as: UTF8.self)); return true }
        #expect(read == expected)
        // A stream's page decodes the same way.
        let page = try store.events(in: "s-1").map { String(decoding: $0.metadata, as: UTF8.self) }
        #expect(page == Array(expected.prefix(6)))
    }

    @Test func withoutTheOptionalColumnsTheMetadataStillMatches() throws {
        try server.psql(MartenSchema(streamIdentity: .string, metadataColumns: false).createSQL(), database: database)
        try server.psql("""
            INSERT INTO mt_streams (id, type, version) VALUES ('s-1', 'x', 2);
            INSERT INTO mt_events (seq_id, id, stream_id, version, data, type, timestamp, is_archived)
              VALUES (1, gen_random_uuid(), 's-1', 1, '{}', 'a', now() - interval '1 minute', false),
                     (2, gen_random_uuid(), 's-1', 2, '{}', 'a', now() - interval '1 minute', true);
            """, database: database)
        let expected = try serverMetadata(columns: false)
        let store = try open()
        defer { store.close() }
        var read: [String] = []
        try store.readAll(from: 1) { read.append(String(decoding: $0.metadata, as: UTF8.self)); return true }
        #expect(read == expected && read.count == 2)
    }

    /// Enough rows for several pipelined pages (1,000, 2,000, 4,000, 8,000, …), with gaps.
    func loadMany(_ n: Int) throws {
        try server.psql(MartenSchema(streamIdentity: .string).createSQL(), database: database)
        try server.psql("""
            INSERT INTO mt_streams (id, type, version) SELECT 's-' || k, 'x', 0 FROM generate_series(0, 9) k;
            INSERT INTO mt_events (seq_id, id, stream_id, version, data, type, timestamp)
              SELECT 2 * x, gen_random_uuid(), 's-' || (x % 10), x / 10 + 1, jsonb_build_object('n', x), 'e', now() - interval '1 minute'
              FROM generate_series(0, \(n - 1)) x;
            UPDATE mt_streams s SET version = (SELECT max(version) FROM mt_events e WHERE e.stream_id = s.id);
            """, database: database)
    }

    @Test func pipelinedPagesReadEveryRowOnceInOrderAndStopCleanly() throws {
        try loadMany(20_000)
        let store = try open()
        defer { store.close() }
        var positions: [UInt64] = []
        try store.readAll(from: 1) { positions.append($0.position); return true }
        let every: [UInt64] = (1..<20_000).map { UInt64(2 * $0) }
        #expect(positions == every)
        // From the middle of a page, and a reader that stops inside the second page: the third, already
        // asked for, is drained, and the connection answers the next read.
        var some: [UInt64] = []
        try store.readAll(from: 1_001) { some.append($0.position); return some.count < 2_500 }
        let lastOfSome: UInt64 = 1_002 + 2 * 2_499
        #expect(some.count == 2_500 && some.first == 1_002 && some.last == lastOfSome)
        var again = 0
        try store.readAll(from: 39_990) { _ in again += 1; return true }
        #expect(again == 5)
        // A limit ends the chain the same way.
        var limited: [UInt64] = []
        try store.readAll(from: 1, limit: 3_001, streams: { _ in true }) { limited.append($0.position); return true }
        #expect(limited.count == 3_001 && limited.last == 6_002)
    }

    @Test func theStreamListsTimesComeFromTheCatalogAndEqualTheRows() throws {
        try loadMany(3_000)
        let store = try open()
        defer { store.close() }
        let infos = store.streams()
        let lasts = try store.originalMicros(at: infos.map(\.lastPosition))
        let expected = try server.psql(
            "SELECT (extract(epoch from timestamp) * 1000000)::int8 FROM mt_events WHERE seq_id = ANY(ARRAY[\(infos.map { String($0.lastPosition) }.joined(separator: ","))]::int8[]) ORDER BY seq_id",
            database: database
        ).split(separator: "\n").compactMap { Int64($0) }
        let byPosition = zip(infos.map(\.lastPosition), lasts).sorted { $0.0 < $1.0 }.map { $0.1 }
        #expect(byPosition == expected.map { Optional($0) } && expected.count == infos.count)
        // A position that is no stream's last is read from the table; one past the head has none.
        let other = try store.originalMicros(at: [2, 999_999])
        let two = try server.psql("SELECT (extract(epoch from timestamp) * 1000000)::int8 FROM mt_events WHERE seq_id = 2", database: database)
        #expect(other[0] == Int64(two.trimmingCharacters(in: .whitespacesAndNewlines)) && other[1] == nil)
    }

    @Test func readOnlySessionsRunWithoutJIT() throws {
        let connection = try PostgresConnection(url: PostgresURL(parsing: server.url(database: database)))
        defer { connection.close() }
        let rows = try connection.query("SELECT current_setting('jit'), current_setting('default_transaction_read_only')")
        let (jit, readOnly) = try #require(rows.first).decode((String, String).self)
        #expect(jit == "off" && readOnly == "on")
    }
}
