import Foundation
import Testing

/// The live edge through the binary: `tail --follow` on a URL sees rows other connections
/// commit, says when a gap in `seq_id` holds events back, and what happens when the server
/// drops the connection or refuses the credentials.
@Suite struct LivePostgresCLITests {
    let db: PostgresCLIFixture

    init() throws {
        db = try PostgresCLIFixture("livecli")
        try db.seedMarten()
    }

    func follow() throws -> StreamingChild {
        try StreamingChild(CLIRunner.executable("rewind").path, ["tail", db.url, "--follow", "-n", "1", "--state-dir", db.state.path])
    }

    /// psql over the socket: a session of its own that can hold a transaction open.
    func session() throws -> StreamingChild {
        try StreamingChild("/usr/bin/psql", ["-X", "-A", "-t", "-h", db.server.socketDirectory, "-p", "\(db.server.port)",
                                             "-U", db.server.superuser, "-d", db.database])
    }

    @Test func tailFollowPrintsRowsAnotherConnectionCommits() throws {
        let tail = try follow()
        defer { tail.stop() }
        #expect(tail.waitFor { out, _ in out.contains("order-3") }, "\(tail.stderr)")
        try db.sql(db.appendMarten(stream: "order-5", version: 1, type: "order_placed", data: #"{"total":9}"#))
        #expect(tail.waitFor { out, _ in out.contains("order-5") }, "stdout: \(tail.stdout) stderr: \(tail.stderr)")
        let line = tail.stdout.split(separator: "\n").last { $0.contains("order-5") } ?? ""
        #expect(line.hasPrefix("5 ") && line.contains("order_placed") && line.contains(#"{"total": 9}"#))
    }

    @Test func aSeqIdGapHeldByAnOpenTransactionHoldsLaterEventsBackWithANotice() throws {
        let tail = try follow()
        defer { tail.stop() }
        #expect(tail.waitFor { out, _ in out.contains("order-3") })
        // Another session takes seq_id 5 and does not commit yet.
        let holder = try session()
        defer { holder.stop() }
        holder.send("BEGIN;\n" + db.appendMarten(stream: "order-held", version: 1, type: "order_placed", data: "{}") + "\nSELECT 'holding';\n")
        #expect(holder.waitFor { out, _ in out.contains("holding") }, "\(holder.stderr)")
        // Seq 6 commits, timed later than the database's clock so the gap never goes stale
        // (Marten skips a hole once the events past it are 3 s old) while the test runs.
        try db.sql("""
            INSERT INTO mt_streams (id, type, version) VALUES ('order-after', 'order', 1);
            INSERT INTO mt_events (seq_id, id, stream_id, version, data, type, timestamp)
              VALUES (nextval('mt_events_sequence'), gen_random_uuid(), 'order-after', 1, '{}', 'order_placed', now() + interval '10 minutes');
            """)
        #expect(tail.waitFor { _, err in err.contains("held back") }, "stderr: \(tail.stderr)")
        #expect(tail.stderr.contains("position 5 is missing"))
        #expect(!tail.stdout.contains("order-after"))
        holder.send("COMMIT;\nSELECT 'committed';\n")
        #expect(holder.waitFor { out, _ in out.contains("committed") })
        #expect(tail.waitFor { out, _ in out.contains("order-after") }, "stdout: \(tail.stdout) stderr: \(tail.stderr)")
        let order = tail.stdout.split(separator: "\n").compactMap { line in ["order-held", "order-after"].first { line.contains($0) } }
        #expect(order == ["order-held", "order-after"])
    }

    /// `lag --watch --json` prints one array a frame: the daemon's progress moving in another
    /// connection shows in a later frame, across a terminated backend too.
    @Test func lagWatchFollowsTheDaemonsProgressAcrossADroppedConnection() throws {
        let lag = try StreamingChild(CLIRunner.executable("rewind").path,
                                     ["lag", db.url, "--watch", "--json", "--interval", "0.2", "--state-dir", db.state.path])
        defer { lag.stop() }
        /// Orders:All's lag in the newest complete frame.
        func ordersLag(_ out: String) -> Int? {
            for line in out.split(separator: "\n").reversed() {
                guard let rows = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [[String: Any]] else { continue }
                return rows.first { $0["name"] as? String == "Orders:All" }?["lagEvents"] as? Int
            }
            return nil
        }
        #expect(lag.waitFor { out, _ in ordersLag(out) == 3 }, "stdout: \(lag.stdout) stderr: \(lag.stderr)")
        try db.server.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(db.database)' AND pid <> pg_backend_pid()",
                           database: "postgres")
        try db.sql("UPDATE mt_event_progression SET last_seq_id = 4, last_updated = now() WHERE name = 'Orders:All'")
        #expect(lag.waitFor { out, _ in ordersLag(out) == 0 }, "stdout: \(lag.stdout.suffix(600)) stderr: \(lag.stderr)")
        #expect(lag.isRunning)
    }

    @Test func wrongCredentialsFailClearlyWithoutEchoingThePassword() throws {
        let secret = "wrong-secret-7731"
        let url = db.server.url(database: db.database, user: db.server.superuser, password: secret)
        let r = try db.rewind(["streams", url])
        #expect(r.status == 1)
        #expect(r.stderr.contains("password") || r.stderr.contains("authentication"), "\(r.stderr)")
        #expect(!r.stderr.contains(secret) && !r.stdout.contains(secret))
        let env = try CLIRunner.rewind(["streams", db.server.url(database: db.database, user: db.server.superuser, password: nil) + "", "--state-dir", db.state.path],
                                       environment: ["PGPASSWORD": secret])
        #expect(env.status == 1 && !env.stderr.contains(secret))
    }

    /// Decided: a reader whose connection the server ends reconnects on its next poll and
    /// goes on (a replica restarting, a pooler recycling connections); a server that stays
    /// away ends it with an error saying so (see docs/SOURCES.md).
    @Test func aTerminatedBackendIsReconnectedAndTailGoesOn() throws {
        let tail = try follow()
        defer { tail.stop() }
        #expect(tail.waitFor { out, _ in out.contains("order-3") })
        try db.server.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(db.database)' AND pid <> pg_backend_pid()",
                           database: "postgres")
        try db.sql(db.appendMarten(stream: "order-after-drop", version: 1, type: "order_placed", data: "{}"))
        #expect(tail.waitFor { out, _ in out.contains("order-after-drop") }, "stdout: \(tail.stdout) stderr: \(tail.stderr)")
        #expect(tail.isRunning)
        #expect(!tail.stderr.contains(db.server.password))
    }
}
