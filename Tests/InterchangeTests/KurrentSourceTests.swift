import EventLog
import Replay
import Testing
import Interchange
import JSON

@Suite("import: KurrentDB")
struct KurrentSourceTests {
    static func entry(_ n: Int, _ type: String, stream: String = "account-1", data: String, meta: String? = nil, time: String) -> String {
        let id = String(format: "3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e%02x", n)
        let metaPart = meta.map { ",\"metaData\": \($0.debugDescription)" } ?? ""
        return """
              {
                "eventId": "\(id)", "eventType": "\(type)", "eventNumber": \(n),
                "data": \(data.debugDescription)\(metaPart), "streamId": "\(stream)", "isJson": true,
                "positionEventNumber": \(n), "positionStreamId": "\(stream)", "title": "\(n)@\(stream)",
                "id": "http://localhost:2113/streams/\(stream)/\(n)", "updated": "\(time)", "summary": "\(type)"
              }
            """
    }

    static func feed(_ stream: String, _ entries: [String]) -> String {
        "{\n  \"title\": \"Event stream '\(stream)'\",\n  \"streamId\": \"\(stream)\",\n  \"entries\": [\n" + entries.joined(separator: ",\n") + "\n  ]\n}"
    }

    @Test func atomFeedEntriesImportOldestFirstWithTheirMetadata() throws {
        let text = Self.feed("account-1", [
            Self.entry(2, "MoneyWithdrawn", data: "{\n  \"amountCents\": 20\n}", meta: #"{"$correlationId":"c-1","$causationId":"e-1","user":"u"}"#, time: "2026-01-15T10:02:00.000000Z"),
            Self.entry(1, "MoneyDeposited", data: "{\n  \"amountCents\": 50\n}", time: "2026-01-15T10:01:00.123456Z"),
            Self.entry(0, "AccountOpened", data: "{}", time: "2026-01-15T10:00:00Z"),
        ])
        let events = try ImportScratch().records(.kurrent, text).compactMap(\.event)
        #expect(events.map(\.version) == [1, 2, 3])
        #expect(events.map(\.type) == ["AccountOpened", "MoneyDeposited", "MoneyWithdrawn"])
        #expect(events[1].data == ["amountCents": 50] && events[1].time == "2026-01-15T10:01:00.123Z")
        #expect(events[1].id == EventID("3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e01"))
        #expect(events[2].metadata == ["correlationId": "c-1", "causationId": "e-1", "user": "u"])
        #expect(events[0].location.description.contains("entry 3 of the feed on line 1"))
    }

    @Test func pagesInAnyOrderAndSeveralStreamsInterleaveByTime() throws {
        // Two pages of account-1 (newest page first, as a backward read gives them) and a feed of
        // account-2, as a JSON array (`jq -s .`).
        let text = "[" + [
            Self.feed("account-1", [Self.entry(3, "D", data: "{}", time: "2026-01-15T10:30:00Z"), Self.entry(2, "C", data: "{}", time: "2026-01-15T10:20:00Z")]),
            Self.feed("account-2", [Self.entry(0, "X", stream: "account-2", data: "{}", time: "2026-01-15T10:15:00Z")]),
            Self.feed("account-1", [Self.entry(1, "B", data: "{}", time: "2026-01-15T10:10:00Z"), Self.entry(0, "A", data: "{}", time: "2026-01-15T10:00:00Z")]),
        ].joined(separator: ",") + "]"
        let events = try ImportScratch().records(.kurrent, text).compactMap(\.event)
        #expect(events.map(\.type) == ["A", "B", "X", "C", "D"])
    }

    @Test func grpcShapedLinesMapRevisionCreatedAndTicks() throws {
        let text = """
            {"streamId":"account-1","id":"3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f","revision":"0","type":"AccountOpened","data":{"currency":"EUR"},"metadata":{"$correlationId":"c-9"},"isJson":true,"created":"2026-01-15T10:00:00.500Z","position":{"commit":"10","prepare":"10"}}
            {"stream_id":"account-1","eventNumber":1,"eventType":"MoneyDeposited","data":"{\\"amountCents\\":5}","created":17684712001234567}
            {"stream_name":"account-1","stream_position":2,"type":"MoneyDeposited","data":{},"recorded_at":"2026-01-15 10:00:02.000001+00:00"}
            {"streamId":"$$account-1","revision":0,"type":"$metadata","data":{}}
            {"streamId":"$ce-account","revision":5,"type":"$>","data":"0@account-1"}
            """
        let records = try ImportScratch().records(.kurrent, text)
        let events = records.compactMap(\.event)
        #expect(events.map(\.version) == [1, 2, 3])
        #expect(events[0].id == EventID("3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f") && events[0].metadata == ["correlationId": "c-9"])
        #expect(events[0].time == "2026-01-15T10:00:00.500Z")
        // 100-ns ticks since 1970, as KurrentDB's gRPC "created".
        #expect(events[1].time == "2026-01-15T10:00:00.123Z" && events[1].data == ["amountCents": 5])
        #expect(events[1].id == EventID.nameBased("kurrent", "account-1", "1"))
        #expect(events[2].event.originalMicros == RFC3339.parse("2026-01-15T10:00:02.000001Z"))
        #expect(records.compactMap(\.ignoredReason).count == 2)
        #expect(records[4].ignoredReason?.contains("this input also holds") == true)
    }

    @Test func mistakesAreReportedWhereTheyAre() throws {
        let scratch = ImportScratch()
        let lines = """
            {"streamId":"s-1","revision":0,"type":"A","data":{}}
            {"revision":1,"type":"B","data":{}}
            {"streamId":"s-1","revision":-4,"type":"B","data":{}}
            {"streamId":"s-1","revision":2,"type":"C","data":{},"created":"yesterday"}
            """
        let errors = try scratch.records(.kurrent, lines).compactMap(\.error)
        #expect(errors.map(\.location) == [.line(2), .line(3), .line(4)])
        #expect(errors[0].reason.hasPrefix("no stream") && errors[1].reason.contains("event number from 0") && errors[2].reason.contains("not a time"))
        // A feed read without ?embed=body has no data.
        let bare = "{\n \"entries\": [ {\"eventType\":\"A\",\"eventNumber\":0,\"streamId\":\"s-1\",\"summary\":\"A\"} ]\n}\n"
        #expect(try scratch.records(.kurrent, bare).first?.error?.reason.contains("?embed=body") == true)
        // Broken JSON in a pretty document: where the document starts, and the line of the mistake.
        let broken = "{\n  \"entries\": [\n    {\"eventType\": \"A\",,}\n  ]\n}\n"
        let error = try scratch.records(.kurrent, broken).first?.error
        #expect(error?.location == SourceLocation(line: 1, column: 1, record: "record 1"))
        #expect(error?.reason.contains("invalid JSON at line 3, column ") == true, "\(String(describing: error))")
    }
}

extension KurrentSourceTests {
    @Test func compactFeedsAndArraysOnOneLineAreReadToo() throws {
        let feed = Self.feed("s-1", [Self.entry(1, "B", stream: "s-1", data: "{}", time: "2026-01-15T10:01:00Z"), Self.entry(0, "A", stream: "s-1", data: "{}", time: "2026-01-15T10:00:00Z")])
        let compact = try JSONValue.parse(feed).serialized()
        let scratch = ImportScratch()
        #expect(try scratch.records(.kurrent, compact + "\n").compactMap(\.event).map(\.type) == ["A", "B"])
        #expect(try scratch.records(.kurrent, "[" + compact + "]\n").compactMap(\.event).map(\.type) == ["A", "B"])
    }
}
