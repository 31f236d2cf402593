@testable import Demo
import Foundation
import PostgresHarness
import PostgresNIO
import Platform
import PostgresStore
import Replay
import Testing

/// `rewind demo --postgres URL`: the demo copied into Marten's tables of a real PostgreSQL.
@Suite("Demo into PostgreSQL")
struct PostgresDemoTests {
    typealias F = DemoFixtures

    @Test func demoWritesMartenTablesWithProgressAtEachProjectionsSpeed() throws {
        let server = try PostgresServer.shared()
        let db = try server.createDatabase("demo")
        var options = DemoSessionTests.quick("bank")
        options.postgres = server.url(database: db) + "&schema=bank_demo"
        let state = try FileSystem.makeTemporaryDirectory(prefix: "/tmp/rewind-demo-state-") + "/nested"
        defer { try? FileSystem.removeTree(state) }
        options.postgresStateDirectory = state
        let session = try DemoSession(options: options)
        defer { session.stop() }
        try session.start()
        let reader = try PostgresConnection(url: PostgresURL(parsing: server.url(database: db)))
        func scalar(_ sql: String) throws -> Int {
            try reader.query(PostgresQuery(unsafeSQL: sql)).first?.decode(Int?.self) ?? 0
        }
        // Every imported event and then live ones arrive, with seq_id = the log's position.
        #expect(try F.waitUntil(20) { try scalar("SELECT count(*) FROM bank_demo.mt_events") > Int(session.importedEvents) + 20 })
        // The stalling projection's row stays behind the high-water mark while it grows.
        #expect(try F.waitUntil(20) {
            let high = try scalar("SELECT last_seq_id FROM bank_demo.mt_event_progression WHERE name = 'HighWaterMark'")
            let stalled = try scalar("SELECT min(last_seq_id) FROM bank_demo.mt_event_progression WHERE name <> 'HighWaterMark'")
            return high > stalled + 10
        })
        session.stop()
        let copied = try scalar("SELECT max(seq_id) FROM bank_demo.mt_events")
        #expect(UInt64(copied) == session.log.head)
        #expect(try scalar("SELECT count(*) FROM bank_demo.mt_events") == copied)
        let streamVersions = try scalar("SELECT sum(version)::bigint FROM bank_demo.mt_streams")
        #expect(streamVersions == copied)
        #expect(try scalar("SELECT count(*) FROM bank_demo.mt_event_progression WHERE name LIKE '%:All'") >= 4)
        #expect(session.status.contains { $0.hasPrefix("postgres: copying") && !$0.contains(server.password) })
        // The sample's rewind.toml is where `rewind open URL --state-dir STATE` reads it: its sagas and projections.
        let config = try RewindConfig.load(forLog: state, configPath: nil)
        #expect(config.sagas.map(\.name) == ["transfer"] && config.projections.count >= 4)
        #expect(session.status.contains { $0.contains("rewind open") && $0.contains(state + "/rewind.toml") && $0.contains("written now") })
    }

    @Test func aRewindTomlAlreadyInTheStateDirectoryIsKept() throws {
        let state = try FileSystem.makeTemporaryDirectory(prefix: "/tmp/rewind-demo-state-")
        defer { try? FileSystem.removeTree(state) }
        let mine = "# mine\n[projections.mine]\nfrom = \"$all\"\ninit = 0\non.\"*\" = \". + 1\"\n"
        try FileSystem.writeAtomically(Array(mine.utf8), to: state + "/rewind.toml")
        let placed = try DemoSession.placeConfig("# the sample's\n", in: state)
        #expect(placed.path == state + "/rewind.toml" && !placed.written)
        #expect(try FileSystem.readFile(state + "/rewind.toml") == Array(mine.utf8))
        let fresh = state + "/a/b"
        let written = try DemoSession.placeConfig("# the sample's\n", in: fresh)
        let bytes = try FileSystem.readFile(fresh + "/rewind.toml")
        #expect(written.written && bytes == Array("# the sample's\n".utf8))
    }

    @Test func demoRefusesTablesOfAnotherShapeAndTablesWithEvents() throws {
        let server = try PostgresServer.shared()
        let db = try server.createDatabase("demoshape")
        try server.psql(MartenSchema(schema: "guids", streamIdentity: .guid).createSQL(), database: db)
        var options = DemoSessionTests.quick("bank")
        options.postgres = server.url(database: db) + "&schema=guids"
        #expect {
            _ = try DemoSession(options: options)
        } throws: { error in
            guard let e = error as? DemoError else { return false }
            return e.message.contains("another shape") && e.message.contains("Guid stream ids") && !e.message.contains(server.password)
        }
        try server.psql(MartenSchema(schema: "filled", streamIdentity: .string).createSQL()
            + "INSERT INTO filled.mt_streams (id, version) VALUES ('a-1', 1);", database: db)
        options.postgres = server.url(database: db) + "&schema=filled"
        #expect {
            _ = try DemoSession(options: options)
        } throws: { ($0 as? DemoError)?.message.contains("already holds Marten events") == true }
        #expect(try server.psql("SELECT count(*) FROM filled.mt_streams", database: db).trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }
}
