import Foundation
import Testing

/// `rewind streams`: last activity by the events' own time, the import time beside it.
@Suite struct StreamsCLITests {
    @Test func lastActivityIsTheEventsOwnTimeWithTheImportTimeBeside() throws {
        let dir = ScratchDirectory()
        let log = dir.file("log")
        _ = try CLIRunner.rewind(["init", log])
        // Imported histories: "old-1" happened in 2020, "older-1" in 2019 but ends later in
        // the file, so import order and own time disagree.
        let file = try dir.write("events.jsonl", """
            {"stream":"old-1","type":"Made","data":{},"time":"2020-03-01T12:00:00Z"}
            {"stream":"older-1","type":"Made","data":{},"time":"2019-05-01T08:00:00Z"}
            """)
        #expect(try CLIRunner.rewind(["import", log, file]).status == 0)
        #expect(try CLIRunner.rewind(["append", log, "live-1", "Made", "{}"]).status == 0)

        let json = try CLIRunner.rewind(["streams", log, "--json", "--sort", "time"])
        #expect(json.status == 0, "\(json.stderr)")
        let objects = try json.lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.map { $0["name"] as? String } == ["live-1", "old-1", "older-1"])
        let old = try #require(objects.first { $0["name"] as? String == "old-1" })
        #expect(old["lastTime"] as? String == "2020-03-01T12:00:00.000000Z")
        let recorded = try #require(old["recordedTime"] as? String)
        #expect(recorded.hasPrefix("20") && !recorded.hasPrefix("2020-03-01"))
        let live = try #require(objects.first { $0["name"] as? String == "live-1" })
        #expect(live["lastTime"] as? String == live["recordedTime"] as? String)

        let text = try CLIRunner.rewind(["streams", log])
        #expect(text.status == 0)
        let header = try #require(text.lines.first)
        #expect(header.contains("LAST EVENT") && header.contains("RECORDED"))
        let row = try #require(text.lines.first { $0.hasPrefix("old-1") })
        #expect(row.contains("2020-03-01T12:00:00Z"))
    }

    @Test func withoutImportedEventsThereIsNoRecordedColumn() throws {
        let dir = ScratchDirectory()
        let log = dir.file("log")
        _ = try CLIRunner.rewind(["init", log])
        #expect(try CLIRunner.rewind(["append", log, "live-1", "Made", "{}"]).status == 0)
        let text = try CLIRunner.rewind(["streams", log])
        #expect(text.lines.first?.contains("LAST EVENT") == true)
        #expect(text.lines.first?.contains("RECORDED") == false)
    }
}
