import Foundation
import PostgresStore
import Testing

/// The commands on a Message DB database, through the binary: Message DB's categories and its
/// 0-based positions shown as 1-based versions.
@Suite struct MessageDBCLITests {
    let db: PostgresCLIFixture

    /// `account-1`: Deposited 10, Withdrawn 4 (positions 0, 1); `account:command-1`: Deposit 10.
    init() throws {
        db = try PostgresCLIFixture("mdbcli")
        try db.sql(MessageDBSchema.createSQL())
        try db.sql("""
            INSERT INTO message_store.messages (id, stream_name, type, position, data, metadata, time) VALUES
              ('00000000-0000-4000-8000-00000000000a', 'account:command-1', 'Deposit', 0, '{"amount":10}', '{"correlationId":"k-1"}', '2026-02-01 09:00:00'),
              ('00000000-0000-4000-8000-00000000000b', 'account-1', 'Deposited', 0, '{"amount":10}', '{"correlationId":"k-1"}', '2026-02-01 09:00:01'),
              ('00000000-0000-4000-8000-00000000000c', 'account-1', 'Withdrawn', 1, '{"amount":4}', NULL, '2026-02-01 09:00:02');
            """)
        try db.writeConfig("""
            [aggregates.account]
            streams = "account-*"
            init = '{"balance": 0}'
            [aggregates.account.on]
            Deposited = '.balance += $e.data.amount'
            Withdrawn = '.balance -= $e.data.amount'
            [projections.balances]
            from = "category:account"
            init = '0'
            [projections.balances.on]
            Deposited = '. + $e.data.amount'
            Withdrawn = '. - $e.data.amount'
            """)
    }

    @Test func streamsHaveMessageDBsCategories() throws {
        let r = try db.rewind(["streams", db.url, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        // By name: '-' sorts before ':'.
        #expect(r.jsonField("name") == ["account-1", "account:command-1"])
        #expect(r.jsonField("category") == ["account", "account:command"])
        #expect(r.jsonField("count") == ["2", "1"])
    }

    @Test func readStateTailFindAndExportUseOneBasedVersions() throws {
        let read = try db.rewind(["read", db.url, "account-1", "--json"])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.jsonField("version") == ["1", "2"] && read.jsonField("position") == ["2", "3"])
        #expect(read.jsonField("time") == ["2026-02-01T09:00:01.000000Z", "2026-02-01T09:00:02.000000Z"])
        #expect(read.jsonField("metadata").first == #"{"correlationId":"k-1"}"#)
        let state = try db.rewind(["state", db.url, "account-1", "--json"])
        #expect(state.stdout.filter { !$0.isWhitespace } == #"{"balance":6}"#)
        let before = try db.rewind(["state", db.url, "account-1", "--version", "1", "--json"])
        #expect(before.stdout.filter { !$0.isWhitespace } == #"{"balance":10}"#)
        let tail = try db.rewind(["tail", db.url, "-n", "1", "--json"])
        #expect(tail.jsonField("type") == ["Withdrawn"])
        let find = try db.rewind(["find", db.url, #".type == "Deposit""#, "--json"])
        #expect(find.jsonField("stream") == ["account:command-1"])
        let export = try db.rewind(["export", db.url, "--stream", "account-1"])
        #expect(export.jsonField("data") == [#"{"amount":10}"#, #"{"amount":4}"#])
        let trace = try db.rewind(["trace", db.url, "--correlation", "k-1"])
        #expect(trace.status == 0 && trace.stdout.contains("@1") && trace.stdout.contains("@2"), "\(trace.stdout)\(trace.stderr)")
        let projected = try db.rewind(["project", "state", db.url, "balances", "--json"])
        #expect(projected.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "6", "\(projected.stderr)")
    }

    @Test func lagHasNoDaemonConsumersOnMessageDB() throws {
        let r = try db.rewind(["lag", db.url])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains(":All"))
    }
}
