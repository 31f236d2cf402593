import EventLog
import Testing
@testable import Interchange
import JSON

/// The shapes KurrentDB exports take besides `?embed=body` feeds and gRPC events, written by us
/// from the facts in KurrentDB's HTTP API docs and clients (field names, what each embed level
/// carries): feeds without bodies, single-event GETs, links, non-JSON events.
@Suite("import: KurrentDB shapes")
struct KurrentShapesTests {
    /// An entry as a feed read without `?embed` lists it: where the event is, not what it is.
    static func bareEntry(_ n: Int, _ type: String, stream: String = "account-1") -> String {
        """
            {
              "title": "\(n)@\(stream)", "id": "http://localhost:2113/streams/\(stream)/\(n)",
              "updated": "2026-01-15T10:0\(n):00Z", "author": { "name": "KurrentDB" }, "summary": "\(type)",
              "links": [ { "uri": "http://localhost:2113/streams/\(stream)/\(n)", "relation": "edit" } ]
            }
        """
    }

    static func feed(_ stream: String, _ entries: [String]) -> String {
        """
        {
          "title": "Event stream '\(stream)'", "id": "http://localhost:2113/streams/\(stream)", "streamId": "\(stream)",
          "links": [ { "uri": "http://localhost:2113/streams/\(stream)", "relation": "self" } ],
          "entries": [
        \(entries.joined(separator: ",\n"))
          ]
        }
        """
    }

    @Test func aFeedReadWithoutEmbedIsOneErrorNamingTheAddressToFetchAgain() throws {
        let text = Self.feed("account-1", [Self.bareEntry(1, "MoneyDeposited"), Self.bareEntry(0, "AccountOpened")])
        let records = try ImportScratch().records(.kurrent, text)
        #expect(records.count == 1)
        let error = try #require(records.first?.error)
        #expect(error.reason.contains("without ?embed=body") && error.reason.contains("its 2 entries"))
        #expect(error.reason.contains("'http://localhost:2113/streams/account-1?embed=body'"))
        #expect(error.location.description == "the feed on line 1")
    }

    @Test func aFeedReadWithEmbedRichHasNoDataAndGetsTheSameAdvice() throws {
        let rich = """
            { "eventId": "3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e00", "eventType": "AccountOpened", "eventNumber": 0,
              "streamId": "account-1", "isJson": true, "isMetaData": false, "positionEventNumber": 0,
              "positionStreamId": "account-1", "title": "0@account-1", "summary": "AccountOpened",
              "id": "http://localhost:2113/streams/account-1/0", "updated": "2026-01-15T10:00:00Z" }
            """
        let records = try ImportScratch().records(.kurrent, Self.feed("account-1", [rich]))
        #expect(records.count == 1)
        #expect(records.first?.error?.reason.contains("?embed=body'") == true)
    }

    @Test func aSingleEventGetImportsFromItsContent() throws {
        // GET /streams/account-1/0 with Accept: application/vnd.eventstore.atom+json.
        let text = """
            {
              "title": "0@account-1", "id": "http://localhost:2113/streams/account-1/0",
              "updated": "2026-01-15T10:00:00.250Z", "author": { "name": "KurrentDB" }, "summary": "AccountOpened",
              "content": {
                "eventStreamId": "account-1", "eventNumber": 0, "eventType": "AccountOpened",
                "eventId": "3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f",
                "data": { "owner": "Ada" }, "metadata": { "$correlationId": "c-1" }
              },
              "links": [ { "uri": "http://localhost:2113/streams/account-1/0", "relation": "edit" } ]
            }
            """
        let event = try #require(try ImportScratch().records(.kurrent, text).first?.event)
        #expect(event.stream == "account-1" && event.version == 1 && event.type == "AccountOpened")
        #expect(event.id == EventID("3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f"))
        #expect(event.data == ["owner": "Ada"] && event.metadata == ["correlationId": "c-1"])
        #expect(event.time == "2026-01-15T10:00:00.250Z")
    }

    @Test func linksAreIgnoredSayingWhetherTheInputHoldsTheirEvent() throws {
        // A $ce-account projection read over gRPC without resolveLinkTos: a link before the event
        // it points to, a link to an event the dump does not hold, and a resolved link.
        let text = """
            {"streamId":"$ce-account","revision":0,"type":"$>","data":"0@account-1"}
            {"streamId":"account-1","revision":0,"type":"AccountOpened","data":{}}
            {"streamId":"$ce-account","revision":1,"type":"$>","data":"4@account-9"}
            {"event":{"streamId":"account-2","revision":0,"type":"AccountOpened","data":{}},"link":{"streamId":"$ce-account","revision":2,"type":"$>","data":"0@account-2"}}
            {"streamId":"$ce-account","revision":3,"type":"$>","data":"not a link"}
            """
        let records = try ImportScratch().records(.kurrent, text)
        #expect(records.compactMap(\.event).map(\.stream) == ["account-1", "account-2"])
        let reasons = records.compactMap(\.ignoredReason)
        #expect(reasons.count == 2)
        #expect(reasons.contains { $0.contains("this input also holds") })
        #expect(reasons.contains { $0.contains("does not hold") && $0.contains("resolveLinkTos") })
        #expect(records.compactMap(\.error).first?.reason.contains("NUMBER@STREAM") == true)
    }

    @Test func aLinkEntryTheFeedDidNotResolveIsIgnored() throws {
        let text = Self.feed("$ce-account", [Self.bareEntry(3, "$>", stream: "account-7")])
        let records = try ImportScratch().records(.kurrent, text)
        #expect(records.count == 1 && records.first?.ignoredReason?.contains("did not resolve") == true)
    }

    @Test func aNonJSONEventInABodyFeedIsBinaryNotBlamedOnEmbed() throws {
        // KurrentDB leaves a non-JSON event's data out of ?embed=body feeds.
        let binary = """
            { "eventId": "3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e01", "eventType": "PhotoUploaded", "eventNumber": 1,
              "streamId": "account-1", "isJson": false, "title": "1@account-1", "summary": "PhotoUploaded",
              "updated": "2026-01-15T10:01:00Z" }
            """
        let json = """
            { "eventId": "3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e00", "eventType": "AccountOpened", "eventNumber": 0,
              "streamId": "account-1", "isJson": true, "data": "{\\"owner\\":\\"Ada\\"}", "title": "0@account-1",
              "summary": "AccountOpened", "updated": "2026-01-15T10:00:00Z" }
            """
        let records = try ImportScratch().records(.kurrent, Self.feed("account-1", [binary, json]))
        let events = records.compactMap(\.event)
        #expect(records.compactMap(\.error).isEmpty && events.map(\.type) == ["AccountOpened", "PhotoUploaded"])
        #expect(events[1].event.contentType == .binary && events[1].event.data.isEmpty)
        #expect(events[1].metadata["kurrent"]?["dataMissing"] != nil)
    }

    @Test func grpcBinaryEventsArriveAsTheirBytes() throws {
        let text = """
            {"streamId":"files-1","revision":0,"type":"Chunk","isJson":false,"data":"AAEC/w=="}
            {"streamId":"files-1","revision":1,"type":"Chunk","isJson":false,"data":{"0":104,"1":105},"metadata":{"0":123,"1":125}}
            {"streamId":"files-1","revision":2,"type":"Chunk","isJson":false,"data":{"type":"Buffer","data":[104,105]}}
            {"streamId":"files-1","revision":3,"type":"Chunk","isJson":false,"data":[1,2,3]}
            {"streamId":"files-1","revision":4,"eventType":"Chunk","contentType":"application/octet-stream","eventData":"aGk="}
            {"streamId":"files-1","revision":5,"eventType":"Noted","contentType":"application/json","eventData":"eyJhIjoxfQ==","userMetadata":"eyJ1c2VyIjoidSJ9"}
            {"streamId":"files-1","revision":6,"type":"Chunk","isJson":false,"data":true}
            """
        let records = try ImportScratch().records(.kurrent, text)
        let events = records.compactMap(\.event)
        #expect(events.count == 6)
        #expect(events[0].event.data == [0, 1, 2, 255] && events[0].event.contentType == .binary)
        #expect(events[1].event.data == Array("hi".utf8) && events[1].event.metadata.isEmpty)
        #expect(events[2].event.data == Array("hi".utf8))
        #expect(events[3].event.data == [1, 2, 3])
        #expect(events[4].event.data == Array("hi".utf8) && events[4].event.contentType == .binary)
        // Java's client dumps a JSON event's bytes as base64 too.
        #expect(events[5].event.contentType == .json && events[5].data == ["a": 1] && events[5].metadata == ["user": "u"])
        #expect(records.compactMap(\.error).first?.reason.contains("not bytes") == true)
    }

    @Test func everyMissingOptionIsNamedAtOnce() throws {
        let scratch = ImportScratch()
        let text = """
            {"aggregate":"account-1","kind":"AccountOpened","data":{}}
            {"aggregate":"account-1","kind":"MoneyDeposited","data":{}}
            """
        let source = try ImportFormat.kurrent.source(path: try scratch.write("k.jsonl", text), options: ImportOptions())
        let failure = #expect(throws: ImportFailure.self) { try EventImporter().run(source, named: "k.jsonl", into: try scratch.log()) }
        let message = failure?.description ?? ""
        #expect(message.contains("needs 2 options") && message.contains("run again with: --stream-from field:aggregate --type-from field:kind"))
        // Each option once, though two records need it.
        #expect(message.components(separatedBy: "  --stream-from").count == 2)
    }
}

extension KurrentShapesTests {
    @Test func base64IsReadStrictlyWithOrWithoutPadding() {
        #expect(DumpedBytes.base64("QQ==") == [65] && DumpedBytes.base64("QQ") == [65])
        #expect(DumpedBytes.base64("-_8=") == [0xFB, 0xFF] && DumpedBytes.base64("") == [])
        // A lone character, bits left over, padding in the middle, spaces: not base64.
        for bad in ["Q", "QR==", "QQ==QQ==", "QQ =", "QQ==="] { #expect(DumpedBytes.base64(bad) == nil, "\(bad)") }
        #expect(DumpedBytes.decode(.object(["0": 1, "2": 3])) == nil)
        #expect(DumpedBytes.decode(.array([256])) == nil)
    }
}
