import Foundation
import Testing

/// Every command that reads LOG, run through the built binary on the URL of a real
/// PostgreSQL holding Marten's tables; outputs are checked against what the fixture inserted
/// (see `PostgresCLIFixture.seedMarten`), worked out by hand.
@Suite struct MartenCLITests {
    static let config = """
        [aggregates.order]
        streams = "order-*"
        init = '{"total": 0, "events": 0}'
        [aggregates.order.on]
        order_placed = '.total += $e.data.total | .events += 1'
        item_added = '.total += $e.data.total | .events += 1'

        [projections.totals]
        from = "category:order"
        init = '0'
        [projections.totals.on]
        order_placed = '. + $e.data.total'
        item_added = '. + $e.data.total'

        [sagas.checkout]
        correlation = true
        steps = ["order_placed", "item_added"]
        """

    let db: PostgresCLIFixture

    init() throws {
        db = try PostgresCLIFixture("martencli")
        try db.seedMarten()
        try db.writeConfig(Self.config)
    }

    @Test func streamsListsMartensStreamsWithCountsAndTheArchivedOne() throws {
        let r = try db.rewind(["streams", db.url, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.jsonField("name") == ["order-1", "order-2", "order-3"])
        #expect(r.jsonField("count") == ["2", "1", "1"])
        #expect(r.jsonField("lastTime") == ["2026-01-15T10:02:00.000000Z", "2026-01-15T10:01:00.000000Z", "2026-01-15T10:03:00.000000Z"])
        #expect(r.jsonField("archived") == ["true"])
        let text = try db.rewind(["streams", db.url])
        #expect(text.lines.first { $0.hasPrefix("order-3") }?.hasSuffix("(archived)") == true)
        #expect(text.stderr.contains("3 streams, 4 events"))
    }

    @Test func readTailExportAndFindPrintTheInsertedEvents() throws {
        let read = try db.rewind(["read", db.url, "order-1", "--json"])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.jsonField("position") == ["1", "3"] && read.jsonField("version") == ["1", "2"])
        #expect(read.jsonField("type") == ["order_placed", "item_added"])
        #expect(read.jsonField("data") == [#"{"total":5}"#, #"{"total":3}"#])
        #expect(read.jsonField("id") == ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000003"])
        #expect(read.jsonField("time") == ["2026-01-15T10:00:00.000000Z", "2026-01-15T10:02:00.000000Z"])
        #expect(read.lines[1].contains(#""causationId":"00000000-0000-4000-8000-000000000001""#))

        let all = try db.rewind(["read", db.url])
        #expect(all.lines.dropFirst().map { $0.split(separator: " ").prefix(3).joined(separator: " ") }
            == ["1 order-1 1", "2 order-2 1", "3 order-1 2", "4 order-3 1"])

        let tail = try db.rewind(["tail", db.url, "-n", "2", "--json"])
        #expect(tail.jsonField("position") == ["3", "4"])

        let export = try db.rewind(["export", db.url])
        #expect(export.status == 0 && export.jsonField("stream") == ["order-1", "order-2", "order-1", "order-3"])

        let find = try db.rewind(["find", db.url, ".data.total > 4", "--json"])
        #expect(find.status == 0 && find.jsonField("position") == ["1", "2"])
        let none = try db.rewind(["find", db.url, ".data.total > 100"])
        #expect(none.status == 6)
    }

    @Test func stateFoldsTheStreamAtAnyVersion() throws {
        let now = try db.rewind(["state", db.url, "order-1", "--json"])
        #expect(now.status == 0, "\(now.stderr)")
        #expect(now.stdout.filter { !$0.isWhitespace } == #"{"total":8,"events":2}"#)
        let first = try db.rewind(["state", db.url, "order-1", "--version", "1", "--json"])
        #expect(first.stdout.filter { !$0.isWhitespace } == #"{"total":5,"events":1}"#)
    }

    @Test func lagShowsTheDaemonsConsumersAgainstItsHighWaterMark() throws {
        let r = try db.rewind(["lag", db.url, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        let marten = rows.filter { ($0["name"] as? String)?.hasSuffix(":All") == true }
        #expect(marten.map { $0["name"] as? String } == ["Orders:All", "Totals:All"])
        #expect(marten.map { $0["lagEvents"] as? Int } == [3, 0])
        #expect(marten.allSatisfy { ($0["note"] as? String)?.contains("high-water mark: 4") == true })
    }

    @Test func traceFollowsCorrelationAndCausation() throws {
        let r = try db.rewind(["trace", db.url, "@3"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("correlation c-1: 2 events"))
        let positions = r.lines.compactMap { $0.split(separator: " ").first { $0.hasPrefix("@") } }
        #expect(Set(positions) == ["@1", "@3"])
    }

    @Test func sagasFoldInstancesFromTheDatabase() throws {
        let r = try db.rewind(["sagas", db.url, "checkout", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains(#""c-1""#) && r.stdout.contains(#""completed""#))
        #expect(r.stdout.contains(#""c-2""#))
    }

    @Test func projectCommandsRunOnTheDatabaseAndSaveLocally() throws {
        let state = try db.rewind(["project", "state", db.url, "totals", "--json"])
        #expect(state.status == 0, "\(state.stderr)")
        #expect(state.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "16")
        let early = try db.rewind(["project", "state", db.url, "totals", "--position", "2", "--json"])
        #expect(early.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "12")
        let diff = try db.rewind(["project", "diff", db.url, "totals", "--from", "1", "--to", "3"])
        #expect(diff.status == 0 && diff.stdout.contains("5") && diff.stdout.contains("15"), "\(diff.stdout)\(diff.stderr)")
        let step = try db.rewind(["project", "step", db.url, "totals", "--position", "3"])
        #expect(step.status == 0 && step.stdout.contains("before: 12") && step.stdout.contains("after:  15"), "\(step.stdout)\(step.stderr)")

        let run = try db.rewind(["project", "run", db.url, "totals"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: db.state.file("projections/totals.json")))
        let status = try db.rewind(["project", "status", db.url])
        #expect(status.lines.first { $0.hasPrefix("totals") }?.split(separator: " ").prefix(3).joined(separator: " ") == "totals caught-up 4"
            || status.lines.first { $0.hasPrefix("totals") }?.contains(" 4 ") == true, "\(status.stdout)")

        let other = try db.state.write("other.toml", Self.config.replacingOccurrences(of: "'. + $e.data.total'", with: "'. + 2 * $e.data.total'"))
        let compare = try db.rewind(["project", "compare", db.url, "totals", "--config", other])
        #expect(compare.status == 5, "\(compare.stdout)\(compare.stderr)")
    }

    @Test func snapshotsAreTakenAndVerifiedInTheStateDirectory() throws {
        let create = try db.rewind(["snapshot", "create", db.url, "order-1", "--every", "1"])
        #expect(create.status == 0, "\(create.stderr)")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: db.state.file("snapshots"))) ?? []
        #expect(!files.isEmpty)
        let verify = try db.rewind(["snapshot", "verify", db.url])
        #expect(verify.status == 0 && verify.stderr.contains("verified 2 snapshots"), "\(verify.stdout)\(verify.stderr)")
        // Nothing went to the database: Marten's tables hold what the fixture put there.
        #expect(try db.sql("SELECT count(*) FROM mt_events") == "4")
    }

    @Test func writesAreRefusedAndVerifySaysWhatItChecks() throws {
        let append = try CLIRunner.rewind(["append", db.url, "order-1", "x"])
        #expect(append.status == 1 && append.stderr.contains("a database is only ever read"))
        let file = try db.state.write("in.jsonl", #"{"stream":"s","type":"t","data":{}}"# + "\n")
        let importing = try CLIRunner.rewind(["import", db.url, file])
        #expect(importing.status == 1 && importing.stderr.contains("a database is only ever read"))
        let verify = try CLIRunner.rewind(["verify", db.url])
        #expect(verify.status == 1 && verify.stderr.contains("checks a Rewind log directory's files"))
        for r in [append, importing, verify] { #expect(!r.stderr.contains(db.server.password)) }
        #expect(try db.sql("SELECT count(*) FROM mt_events") == "4")
    }
}
