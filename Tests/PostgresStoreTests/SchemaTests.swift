import Foundation
import PostgresHarness
import PostgresNIO
import Testing
@testable import PostgresStore

/// The Marten and Message DB DDL creates on a real server and holds what those projects hold.
@Suite struct SchemaTests {
    let server: PostgresServer

    init() throws { server = try PostgresServer.shared() }

    static let martenVariants: [MartenSchema] = [
        MartenSchema(schema: "public", streamIdentity: .guid, tenancy: .single),
        MartenSchema(schema: "events", streamIdentity: .string, tenancy: .single, metadataColumns: false),
        MartenSchema(schema: "tenanted", streamIdentity: .string, tenancy: .conjoined),
    ]

    @Test(arguments: martenVariants)
    func martenSchemaCreatesTwiceAndKeepsVersionsUniquePerStream(_ schema: MartenSchema) throws {
        let db = try server.createDatabase("marten")
        let conn = try PostgresConnection(url: PostgresURL(parsing: server.url(database: db)), mode: .writer)
        try conn.execute(schema.createSQL())
        try conn.execute(schema.createSQL())  // IF NOT EXISTS: a second run changes nothing
        let s = try PostgresIdentifier.quoted(schema.schema)
        let stream = schema.streamIdentity == .guid ? "'6f1c1b2e-8a43-4d7a-9a55-0c7c5b1f0a11'" : "'account-1'"
        try conn.execute("""
            INSERT INTO \(s).mt_streams (id, tenant_id, type, version) VALUES (\(stream), 'acme', 'Account', 2);
            INSERT INTO \(s).mt_events (seq_id, id, stream_id, version, data, type, tenant_id)
            VALUES (nextval('\(schema.schema).mt_events_sequence'), gen_random_uuid(), \(stream), 1, '{"a":1}', 'opened', 'acme'),
                   (nextval('\(schema.schema).mt_events_sequence'), gen_random_uuid(), \(stream), 2, '{"a":2}', 'deposited', 'acme');
            INSERT INTO \(s).mt_event_progression (name, last_seq_id) VALUES ('Balance:All', 1);
            """)
        #expect {
            try conn.execute("INSERT INTO \(s).mt_events (seq_id, id, stream_id, version, data, type, tenant_id) VALUES (99, gen_random_uuid(), \(stream), 2, '{}', 'dup', 'acme')")
        } throws: { ($0 as? PostgresStoreError)?.sqlState == "23505" }
        let reader = try PostgresConnection(url: PostgresURL(parsing: server.url(database: db)))
        let rows = try reader.query(PostgresQuery(unsafeSQL: "SELECT seq_id, version, type FROM \(s).mt_events ORDER BY seq_id"))
        #expect(try rows.map { try $0.decode((Int, Int, String).self) }.map { "\($0.0)/\($0.1)/\($0.2)" } == ["1/1/opened", "2/2/deposited"])
        let columns = try reader.query("SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = \(schema.schema)")
        var found: [String: [String: String]] = [:]
        for row in columns {
            let (table, column, type) = try row.decode((String, String, String).self)
            found[table, default: [:]][column] = type
        }
        for (table, required) in schema.requiredColumns() {
            for (column, type) in required {
                #expect(found[table]?[column] == type, "\(table).\(column)")
            }
        }
        #expect((found["mt_events"]?["correlation_id"] != nil) == schema.metadataColumns)
    }

    @Test func messageDBFunctionsNameCategoriesAsMessageDBDoes() throws {
        let db = try server.createDatabase("messagedb")
        let conn = try PostgresConnection(url: PostgresURL(parsing: server.url(database: db)), mode: .writer)
        try conn.execute(MessageDBSchema.createSQL())
        try conn.execute(MessageDBSchema.createSQL())
        try conn.execute("""
            INSERT INTO message_store.messages (position, stream_name, type, data, metadata)
            VALUES (0, 'account-123+abc', 'Opened', '{"x":1}', '{}'), (1, 'account-123+abc', 'Deposited', '{"x":2}', NULL);
            """)
        let reader = try PostgresConnection(url: PostgresURL(parsing: server.url(database: db)))
        let rows = try reader.query("""
            SELECT message_store.category('account-123+abc'), message_store.id('account-123+abc'),
                   message_store.cardinal_id('account-123+abc'), message_store.is_category('account'),
                   message_store.is_category('account-1'), message_store.stream_version('account-123+abc'),
                   coalesce(message_store.id('account'), '<null>')
            """)
        let row = try #require(rows.first)
        let decoded = try row.decode((String, String, String, Bool, Bool, Int, String).self)
        #expect(decoded.0 == "account")
        #expect(decoded.1 == "123+abc")
        #expect(decoded.2 == "123")
        #expect(decoded.3 == true)
        #expect(decoded.4 == false)
        #expect(decoded.5 == 1)
        #expect(decoded.6 == "<null>")
        #expect {
            _ = try conn.query("INSERT INTO message_store.messages (position, stream_name, type) VALUES (1, 'account-123+abc', 'Dup')")
        } throws: { ($0 as? PostgresStoreError)?.sqlState == "23505" }
    }

    @Test func identifierQuotingDoublesQuotesAndRefusesNul() throws {
        #expect(try PostgresIdentifier.quoted("we\"ird") == "\"we\"\"ird\"")
        #expect(throws: PostgresStoreError.self) { try PostgresIdentifier.quoted("") }
        #expect(throws: PostgresStoreError.self) { try PostgresIdentifier.quoted("a\u{0}b") }
        #expect(throws: PostgresStoreError.self) { try PostgresIdentifier.quoted(String(repeating: "x", count: 64)) }
    }
}

@Suite struct SQLStatementSplitterTests {
    @Test func splitsAtTopLevelSemicolonsOnly() {
        let sql = """
            CREATE TABLE a (x text DEFAULT ';');  -- a comment; still one
            CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;
            CREATE FUNCTION g() RETURNS int AS $body$ SELECT 2; $body$ LANGUAGE sql;
            /* a; block /* nested; */ comment */ SELECT "we;ird", 'it''s;', $1;
            ;
            """
        let parts = SQLStatementSplitter.split(sql)
        #expect(parts.count == 4)
        #expect(parts[0].contains("DEFAULT ';'"))
        #expect(parts[1].contains("SELECT 1; $$"))
        #expect(parts[2].contains("SELECT 2; $body$"))
        #expect(parts[3].contains("'it''s;', $1"))
    }
}
