import Foundation
import Testing

/// A hand-made events table described by `--source KEY=VALUE` flags or by `[source]` of a
/// rewind.toml given with `--config`, through the binary; and the errors when the description
/// or the database does not fit.
@Suite struct SourceFlagsCLITests {
    let db: PostgresCLIFixture

    /// `app_events`: cart-1 Added, cart-1 Removed, cart-2 Added (positions 1…3).
    init() throws {
        db = try PostgresCLIFixture("sourcecli")
        try db.sql("""
            CREATE TABLE app_events (n bigserial PRIMARY KEY, sid text NOT NULL, v int NOT NULL, kind text NOT NULL,
                                     body jsonb NOT NULL, at timestamptz NOT NULL);
            INSERT INTO app_events (sid, v, kind, body, at) VALUES
              ('cart-1', 1, 'Added', '{"sku":"a"}', '2026-03-01T08:00:00Z'),
              ('cart-1', 2, 'Removed', '{"sku":"a"}', '2026-03-01T08:00:01Z'),
              ('cart-2', 1, 'Added', '{"sku":"b"}', '2026-03-01T08:00:02Z');
            """)
    }

    static let flags = ["--source", "table=app_events", "--source", "position=n", "--source", "stream=sid", "--source", "version=v",
                        "--source", "type=kind", "--source", "data=body", "--source", "time=at"]

    @Test func flagsDescribeTheTable() throws {
        let streams = try db.rewind(["streams", db.url, "--json"] + Self.flags)
        #expect(streams.status == 0, "\(streams.stderr)")
        #expect(streams.jsonField("name") == ["cart-1", "cart-2"] && streams.jsonField("count") == ["2", "1"])
        let read = try db.rewind(["read", db.url, "cart-1", "--json"] + Self.flags)
        #expect(read.jsonField("type") == ["Added", "Removed"])
        #expect(read.jsonField("time") == ["2026-03-01T08:00:00.000000Z", "2026-03-01T08:00:01.000000Z"])
    }

    @Test func configFromAnywhereDescribesTheTableAndFlagsOverrideItKeyByKey() throws {
        let elsewhere = ScratchDirectory()
        let file = try elsewhere.write("mine.toml", """
            [source]
            table = "app_events"
            position = "n"
            stream = "no_such_column"
            version = "v"
            type = "kind"
            data = "body"
            """)
        let wrong = try db.rewind(["streams", db.url, "--config", file])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains(#"stream = "no_such_column""#) && wrong.stderr.contains("n, sid, v, kind, body, at") && wrong.stderr.contains(file))
        let fixed = try db.rewind(["streams", db.url, "--config", file, "--source", "stream=sid", "--json"])
        #expect(fixed.status == 0, "\(fixed.stderr)")
        #expect(fixed.jsonField("name") == ["cart-1", "cart-2"])
        let tail = try db.rewind(["tail", db.url, "-n", "1", "--json", "--config", file, "--source", "stream=sid"])
        #expect(tail.jsonField("stream") == ["cart-2"])
    }

    @Test func badFlagsAreRefusedWithWhatToWrite() throws {
        let unknown = try db.rewind(["streams", db.url, "--source", "tabel=app_events"])
        #expect(unknown.status == 64 && unknown.stderr.contains("unknown key 'tabel'") && unknown.stderr.contains("table, schema, position"))
        let noEquals = try db.rewind(["streams", db.url, "--source", "app_events"])
        #expect(noEquals.status == 64 && noEquals.stderr.contains("is not KEY=VALUE"))
        let twice = try db.rewind(["streams", db.url, "--source", "table=a", "--source", "table=b"])
        #expect(twice.status == 64 && twice.stderr.contains("given twice"))
        let noTable = try db.rewind(["streams", db.url, "--source", "position=n"])
        #expect(noTable.status == 1 && noTable.stderr.contains("--source names no table"))
        let badName = try db.rewind(["streams", db.url, "--source", "table=app_events", "--source", "data="])
        #expect(badName.status == 1 && badName.stderr.contains("is not a PostgreSQL name"))
        let missing = try db.rewind(["streams", db.url, "--source", "table=app_events", "--source", "position=n"])
        #expect(missing.status == 1 && missing.stderr.contains(#"--source stream = "stream""#) && missing.stderr.contains("n, sid, v, kind, body, at"))
        let dir = ScratchDirectory()
        let onDirectory = try CLIRunner.rewind(["streams", dir.path, "--source", "table=x"])
        #expect(onDirectory.status == 1 && onDirectory.stderr.contains("is a log directory"))
        let help = try CLIRunner.rewind(["streams", "--help"])
        #expect(help.stdout.contains("--source <key=value>") && help.stdout.contains("--config <file>"))
    }

    @Test func configCheckOnAURLReadsTheStateDirectorysSourceAndRefusesABadOne() throws {
        try db.writeConfig("""
            [source]
            table = "app_events"
            position = "n"
            stream = "sid"
            version = "v"
            type = "kind"
            data = "body"
            """)
        let ok = try db.rewind(["config", "check", db.url])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("source: table app_events (position n, stream sid, version v, type kind, data body)"))
        let streams = try db.rewind(["streams", db.url, "--json"])
        #expect(streams.jsonField("name") == ["cart-1", "cart-2"])
        try db.writeConfig("""
            [source]
            tabel = "app_events"
            """)
        let bad = try db.rewind(["config", "check", db.url])
        #expect(bad.status == 1 && bad.stderr.contains("line 2") && bad.stderr.contains("unknown key 'tabel'") && bad.stderr.contains("table"))
    }

    @Test func aDatabaseWithNoKnownStoreNamesTheTablesFound() throws {
        let r = try db.rewind(["streams", db.url])
        #expect(r.status == 1)
        #expect(r.stderr.contains("public: app_events") && r.stderr.contains("mt_events") && r.stderr.contains("--source table="))
        #expect(!r.stderr.contains(db.server.password))
    }
}
