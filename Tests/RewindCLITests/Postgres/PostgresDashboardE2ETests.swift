import Foundation
import Testing
import TmuxHarness

/// `rewind open URL` in a real terminal (tmux) on a real PostgreSQL: the streams pane lists
/// what was inserted, a row inserted afterwards appears, a gap's notice shows while a
/// transaction holds a position open, and q gives the terminal back.
@Suite(.serialized) struct PostgresDashboardE2ETests {
    @Test func openOnAURLFollowsTheDatabaseAndSaysWhenAGapHoldsEventsBack() throws {
        guard TmuxSession.isAvailable else { Issue.record("tmux is not installed; .ci/run installs it"); return }
        let db = try PostgresCLIFixture("dashcli")
        try db.seedMarten()
        let rewind = CLIRunner.executable("rewind").path
        let tmux = try TmuxSession(command: "'\(rewind)' open '\(db.url)' --state-dir '\(db.state.path)'; echo REWIND-EXITED-$?; sleep 30",
                                   width: 140, height: 36)
        defer { tmux.kill() }
        var screen = try tmux.waitFor("order-3", timeout: 30)
        #expect(screen.contains("order-1") && screen.contains("order-2") && screen.contains("READ-ONLY"))
        #expect(!screen.contains(db.server.password))

        try db.sql(db.appendMarten(stream: "order-new", version: 1, type: "order_placed", data: #"{"total":2}"#))
        screen = try tmux.waitFor("order-new", timeout: 30)
        #expect(screen.contains("head 5"))

        // Another session takes position 6 and holds it; position 7 commits (timed ahead of the
        // database's clock, so the gap does not go stale while the test looks).
        let holder = try StreamingChild("/usr/bin/psql", ["-X", "-A", "-t", "-h", db.server.socketDirectory, "-p", "\(db.server.port)",
                                                          "-U", db.server.superuser, "-d", db.database])
        defer { holder.stop() }
        holder.send("BEGIN;\n" + db.appendMarten(stream: "order-held", version: 1, type: "order_placed", data: "{}") + "\nSELECT 'holding';\n")
        #expect(holder.waitFor { out, _ in out.contains("holding") }, "\(holder.stderr)")
        try db.sql("""
            INSERT INTO mt_streams (id, type, version) VALUES ('order-late', 'order', 1);
            INSERT INTO mt_events (seq_id, id, stream_id, version, data, type, timestamp)
              VALUES (nextval('mt_events_sequence'), gen_random_uuid(), 'order-late', 1, '{}', 'order_placed', now() + interval '10 minutes');
            """)
        screen = try tmux.waitFor("held back", timeout: 30)
        #expect(screen.contains("position 6 is missing"))
        #expect(!screen.contains("order-late") && screen.contains("head 5"))
        holder.send("COMMIT;\n")
        screen = try tmux.waitFor("order-late", timeout: 30)
        #expect(screen.contains("order-held") && screen.contains("head 7"))
        _ = try tmux.waitUntil("the notice gone", timeout: 30) { !$0.contains("held back") }

        try tmux.send("q")
        screen = try tmux.waitFor("REWIND-EXITED-0", timeout: 30)
        // The alternate screen is gone: the shell's own text is all that is left.
        #expect(!screen.contains("┌ Streams"))
    }
}
