import Foundation
import Synchronization
import PostgresHarness
import PostgresNIO
import Testing
@testable import PostgresStore

/// Against a real PostgreSQL started by ``PostgresServer`` (one per test process).
@Suite struct PostgresConnectionTests {
    let server: PostgresServer
    let database: String

    init() throws {
        server = try PostgresServer.shared()
        database = try server.createDatabase("conn")
        try server.psql("CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, 2500) g", database: database)
    }

    @Test func readOnlySessionReadsRowsWithBoundParameters() throws {
        let conn = try PostgresConnection(url: PostgresURL(parsing: server.url(database: database)))
        let low = 10
        let rows = try conn.query("SELECT id, name FROM t WHERE id <= \(low) ORDER BY id")
        #expect(rows.count == 10)
        let (id, name) = try #require(rows.last).decode((Int, String).self)
        #expect(id == 10 && name == "n10")
        let setting = try conn.query("SHOW default_transaction_read_only")
        #expect(try setting.first?.decode(String.self) == "on")
    }

    final class Tracked: Sendable {}

    /// A wait keeps nothing of what it waited for once it has returned, while the connection
    /// lives on. (Each wait once left a callback on the connection's close future holding its
    /// result: a whole-table read of 10 M events kept every page, 5.6 GB.)
    @Test func aWaitKeepsNothingOnceItReturns() throws {
        let conn = try PostgresConnection(url: PostgresURL(parsing: server.url(database: database)))
        defer { conn.close() }
        weak var last: Tracked?
        try conn.withSession { live in
            for _ in 0..<3 {
                let promise = live.eventLoop.makePromise(of: Tracked.self)
                do {
                    let value = Tracked()
                    last = value
                    promise.succeed(value)
                }
                let got = try PostgresConnection.wait(promise.futureResult, timeout: .seconds(10), endpoint: conn.endpoint, closing: live)
                #expect(got === last)
            }
            // The event loop lets go of the completed future just after waking the waiter.
            let deadline = Date().addingTimeInterval(5)
            while last != nil, Date() < deadline { usleep(1_000) }
            #expect(!live.isClosed)
            #expect(last == nil, "the last wait's result is still referenced")
        }
        // And the session still answers.
        #expect(try conn.query("SELECT 1").count == 1)
    }

    @Test func socketURLConnectsWithoutAPassword() throws {
        let conn = try PostgresConnection(url: PostgresURL(parsing: server.socketURL(database: database)))
        #expect(try conn.query("SELECT count(*) FROM t").first?.decode(Int.self) == 2500)
    }

    @Test func writeAttemptOnAReadOnlySessionIsRefusedAndNothingChanges() throws {
        let conn = try PostgresConnection(url: PostgresURL(parsing: server.url(database: database)))
        let attempts: [PostgresQuery] = [
            "INSERT INTO t VALUES (9999, 'x')",
            "UPDATE t SET name = 'y'",
            "DELETE FROM t",
            "CREATE TABLE u (x int)",
            "WITH d AS (DELETE FROM t RETURNING id) SELECT count(*) FROM d",
        ]
        for attempt in attempts {
            #expect {
                _ = try conn.query(attempt)
            } throws: { error in
                (error as? PostgresStoreError)?.kind == .readOnlyViolation
            }
        }
        // Switching the session back to read-write is refused too (client side, and undone by the
        // rollback of the read-only transaction if it got through).
        for escape: PostgresQuery in ["SET default_transaction_read_only = off", "COMMIT", " /* x */ begin read write",
                                       "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE"] {
            #expect(throws: PostgresStoreError.self) { _ = try conn.query(escape) }
        }
        _ = try conn.query("SELECT set_config('default_transaction_read_only', 'off', false)")
        #expect(try conn.query("SHOW default_transaction_read_only").first?.decode(String.self) == "on")
        #expect {
            _ = try conn.query("INSERT INTO t VALUES (9999, 'x')")
        } throws: { ($0 as? PostgresStoreError)?.kind == .readOnlyViolation }
        #expect(throws: PostgresStoreError.self) { try conn.execute("DROP TABLE t") }
        #expect(try server.psql("SELECT count(*) FROM t WHERE name LIKE 'n%'", database: database).trimmingCharacters(in: .whitespacesAndNewlines) == "2500")
    }

    @Test func wrongPasswordSaysSoAndNeverEchoesIt() throws {
        let wrong = "Wr0ng-\(UUID().uuidString.prefix(6))"
        let url = try PostgresURL(parsing: server.url(database: database, user: server.superuser, password: wrong))
        #expect {
            _ = try PostgresConnection(url: url)
        } throws: { error in
            guard let e = error as? PostgresStoreError else { return false }
            return e.kind == .authenticationFailed
                && e.message.contains("password authentication failed for user rewind")
                && !e.message.contains(wrong) && !"\(e)".contains(wrong) && !String(reflecting: e).contains(wrong)
        }
    }

    @Test func missingPasswordAsksForOne() throws {
        let url = try PostgresURL(parsing: "postgresql://rewind@127.0.0.1:\(server.port)/\(database)?sslmode=disable")
        let endpoint = PostgresEndpoint(url: url, environment: { _ in nil })
        #expect {
            _ = try PostgresConnection(endpoint: endpoint)
        } throws: { ($0 as? PostgresStoreError)?.kind == .passwordRequired }
    }

    @Test func missingDatabaseIsNamed() throws {
        let url = try PostgresURL(parsing: server.url(database: "no_such_db"))
        #expect {
            _ = try PostgresConnection(url: url)
        } throws: { error in
            guard let e = error as? PostgresStoreError else { return false }
            return e.kind == .databaseMissing && e.message.contains("database no_such_db does not exist")
        }
    }

    @Test func refusedConnectionAsksWhetherTheServerRuns() throws {
        let port = try PostgresServer.freePortForTests()
        let url = try PostgresURL(parsing: "postgresql://u:pw@127.0.0.1:\(port)/d?sslmode=disable")
        #expect {
            _ = try PostgresConnection(url: url)
        } throws: { error in
            guard let e = error as? PostgresStoreError else { return false }
            return e.kind == .serverUnreachable && e.message.contains("is the server running at 127.0.0.1:\(port)?") && !e.message.contains("pw")
        }
    }

    @Test func silentServerTimesOut() throws {
        // A listener that never answers the startup message.
        let listener = try SilentListener()
        let url = try PostgresURL(parsing: "postgresql://u:pw@127.0.0.1:\(listener.port)/d?sslmode=disable")
        #expect {
            _ = try PostgresConnection(url: url, connectTimeout: .milliseconds(300))
        } throws: { ($0 as? PostgresStoreError)?.kind == .timeout }
    }

    @Test func droppedConnectionFailsClearlyThenReconnects() throws {
        let app = "rewind-drop-\(UUID().uuidString.prefix(6))"
        let conn = try PostgresConnection(url: PostgresURL(parsing: server.url(database: database) + "&application_name=\(app)"))
        #expect(try conn.query("SELECT 1").count == 1)
        // Drop it in the middle of a statement.
        let outcome = Mutex<Result<[PostgresRow], any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let r = Result { try conn.query("SELECT pg_sleep(30)") }
            outcome.withLock { $0 = r }
            done.signal()
        }
        let deadline = Date().addingTimeInterval(20)
        var running = false
        while !running && Date() < deadline {
            let n = try server.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(app)' AND query LIKE '%pg_sleep%' AND state = 'active'", database: "postgres")
            running = n.trimmingCharacters(in: .whitespacesAndNewlines) == "1"
        }
        try #require(running)
        try server.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '\(app)'", database: "postgres")
        #expect(done.wait(timeout: .now() + 20) == .success)
        let result = try #require(outcome.withLock { $0 })
        #expect {
            _ = try result.get()
        } throws: { error in
            guard let e = error as? PostgresStoreError else { return false }
            return e.kind == .connectionLost && e.message.contains("127.0.0.1:\(server.port)") && !e.message.contains(server.password)
        }
        // The next request connects again.
        #expect(try conn.query("SELECT count(*) FROM t").first?.decode(Int.self) == 2500)
    }

    @Test func streamHandsOverChunksOfBoundedSize() throws {
        let conn = try PostgresConnection(url: PostgresURL(parsing: server.url(database: database)))
        var seen = 0
        var largest = 0
        var last = 0
        let from = 1
        try conn.stream("SELECT id FROM t WHERE id >= \(from) ORDER BY id", chunkRows: 1000) { rows in
            largest = max(largest, rows.count)
            for row in rows {
                let id = try row.decode(Int.self)
                #expect(id == last + 1)
                last = id
            }
            seen += rows.count
            return true
        }
        #expect(seen == 2500)
        #expect(largest == 1000)
        var stoppedAfter = 0
        try conn.stream("SELECT id FROM t ORDER BY id", chunkRows: 100) { rows in
            stoppedAfter += rows.count
            return false
        }
        #expect(stoppedAfter == 100)
        // The session is still usable after a stream stopped early.
        #expect(try conn.query("SELECT 1").count == 1)
    }

    @Test func writerSessionCreatesAndWrites() throws {
        let conn = try PostgresConnection(url: PostgresURL(parsing: server.url(database: database)), mode: .writer)
        try conn.execute("CREATE TABLE w (x int); INSERT INTO w VALUES (1), (2)")
        #expect(try conn.query("SELECT sum(x) FROM w").first?.decode(Int.self) == 3)
    }
}
