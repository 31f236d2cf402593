import EventLog
import Foundation
import Testing
import Interchange
import JSON

/// Every JSON-based format reads JSON Lines, pretty-printed values one after another, and JSON
/// arrays of records, told apart automatically.
@Suite("import: framings")
struct ImportFramingTests {
    /// Two records of each JSON-based format, each on one line, and the streams and types they
    /// give.
    static let samples: [(ImportFormat, [String])] = [
        (.jsonl, [
            #"{"stream":"account-1","type":"Opened","data":{"owner":"Ann, \"A\" {x}"}}"#,
            #"{"stream":"account-1","type":"Deposited","data":{"amountCents":[1,2]}}"#,
        ]),
        (.kurrent, [
            #"{"streamId":"account-1","revision":0,"type":"Opened","data":{"owner":"Ann, \"A\" {x}"},"id":"3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e01"}"#,
            #"{"streamId":"account-1","revision":1,"type":"Deposited","data":{"amountCents":[1,2]},"id":"3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e02"}"#,
        ]),
        (.kcat, [
            #"{"topic":"bank","partition":0,"offset":1,"ts":1768471200000,"headers":["type","Opened"],"key":"account-1","payload":"{\"owner\":\"Ann, \\\"A\\\" {x}\"}"}"#,
            #"{"topic":"bank","partition":0,"offset":2,"ts":1768471200001,"headers":["type","Deposited"],"key":"account-1","payload":"{\"amountCents\":[1,2]}"}"#,
        ]),
        (.debezium, [
            #"{"before":null,"after":{"stream_id":"account-1","version":1,"type":"Opened","data":"{\"owner\":\"Ann\"}"},"source":{"table":"events","ts_ms":1768471205000},"op":"c"}"#,
            #"{"before":null,"after":{"stream_id":"account-1","version":2,"type":"Deposited","data":"{\"amountCents\":[1,2]}"},"source":{"table":"events","ts_ms":1768471205001},"op":"c"}"#,
        ]),
    ]

    static func pretty(_ line: String) throws -> String {
        try JSONValue.parse(line).serialized(pretty: true)
    }

    /// The same records as JSON Lines, as `jq .` prints them, as a pretty JSON array, as a
    /// one-line array, and with a byte order mark and "\r\n" line ends.
    static func framings(_ lines: [String]) throws -> [(String, String)] {
        let pretty = try lines.map(pretty)
        return [
            ("lines", lines.joined(separator: "\n") + "\n"),
            ("concatenated", pretty.joined(separator: "\n") + "\n"),
            ("concatenated on one line", lines.joined(separator: " ")),
            ("array", "[\n" + pretty.joined(separator: ",\n") + "\n]\n"),
            ("one-line array", "[" + lines.joined(separator: ",") + "]"),
            ("BOM and CRLF lines", "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"),
            ("BOM and CRLF pretty", "\u{FEFF}" + pretty.joined(separator: "\r\n").replacingOccurrences(of: "\n", with: "\r\n")),
            ("two arrays", "[" + lines[0] + "]\n[" + lines[1] + "]"),
        ]
    }

    @Test(arguments: samples.map(\.0))
    func everyFramingGivesTheSameEvents(_ format: ImportFormat) throws {
        let lines = try #require(Self.samples.first { $0.0 == format }).1
        let scratch = ImportScratch()
        for (name, text) in try Self.framings(lines) {
            let records = try scratch.records(format, text)
            #expect(records.compactMap(\.error).isEmpty, "\(format) \(name): \(records.compactMap(\.error))")
            let events = records.compactMap(\.event)
            #expect(events.map(\.type) == ["Opened", "Deposited"], "\(format) \(name)")
            #expect(events.allSatisfy { $0.stream == "account-1" }, "\(format) \(name)")
            #expect(events.last?.data == ["amountCents": [1, 2]], "\(format) \(name)")
        }
    }

    @Test(arguments: samples.map(\.0))
    func forcedFramingsReadTheirShape(_ format: ImportFormat) throws {
        let lines = try #require(Self.samples.first { $0.0 == format }).1
        let pretty = try lines.map(Self.pretty)
        let scratch = ImportScratch()
        for (framing, text) in [(InputFraming.lines, lines.joined(separator: "\n")), (.concatenated, pretty.joined()),
                                (.array, "[" + pretty.joined(separator: ",") + "]")] {
            var options = ImportOptions()
            options.framing = framing
            let events = try scratch.records(format, text, options: options).compactMap(\.event)
            #expect(events.map(\.type) == ["Opened", "Deposited"], "\(format) --framing \(framing)")
        }
    }

    @Test func aPrettyPrintedRecordWithAMistakeIsOneErrorNamingRecordLineAndColumn() throws {
        let good = try Self.pretty(#"{"stream":"a-1","type":"T","data":{}}"#)
        let bad = "{\n  \"stream\": \"a-1\",\n  \"type\": \"T\"\n  \"data\": {}\n}"
        let text = good + "\n" + bad + "\n" + good + "\n"
        let records = try ImportScratch().records(.jsonl, text)
        let errors = records.compactMap(\.error)
        #expect(errors.count == 1)
        let lineOfBad = good.split(separator: "\n").count + 1
        #expect(errors.first?.location == SourceLocation(line: lineOfBad, column: 1, record: "record 2"))
        #expect(errors.first?.reason.contains("invalid JSON at line \(lineOfBad + 3), column 3") == true, "\(errors)")
        #expect(records.compactMap(\.event).count == 2)
    }

    @Test func anArrayRecordAfterACommaNamesItsColumn() throws {
        let text = #"[{"stream":"a-1","type":"T","data":{}}, {"stream":"a-1","type":"","data":{}}]"#
        let errors = try ImportScratch().records(.jsonl, text).compactMap(\.error)
        #expect(errors.map(\.location) == [SourceLocation(line: 1, column: 41, record: "record 2")])
        #expect(errors.first?.description.hasPrefix("record 2 (line 1, column 41): ") == true)
    }

    @Test(arguments: [true, false])
    func aTruncatedLastValueIsOneErrorAtItsStart(_ inArray: Bool) throws {
        let first = try Self.pretty(#"{"stream":"a-1","type":"T","data":{}}"#)
        let cut = "{\n  \"stream\": \"a-1\",\n  \"data\": {\"x\": \"y"
        let text = inArray ? "[\n" + first + ",\n" + cut : first + "\n" + cut
        let records = try ImportScratch().records(.jsonl, text)
        let errors = records.compactMap(\.error)
        #expect(records.compactMap(\.event).count == 1)
        #expect(errors.count == 1)
        #expect(errors.first?.location.line == first.split(separator: "\n").count + (inArray ? 2 : 1))
        #expect(errors.first?.location.record == "record 2")
        #expect(errors.first?.reason.contains("is the file truncated?") == true, "\(errors)")
    }

    @Test func anArrayThatIsNeverClosedOrHasGarbageBetweenRecordsStopsWithOneError() throws {
        let record = #"{"stream":"a-1","type":"T","data":{}}"#
        let scratch = ImportScratch()
        let unclosed = try scratch.records(.jsonl, "[" + record + ",\n" + record + "\n")
        #expect(unclosed.compactMap(\.event).count == 2)
        #expect(unclosed.compactMap(\.error).map(\.location.line) == [3])
        #expect(unclosed.compactMap(\.error).first?.reason.contains("no closing ']'") == true)
        let garbage = try scratch.records(.jsonl, "[" + record + " x " + record + "]\n" + record)
        #expect(garbage.compactMap(\.event).count == 1)
        #expect(garbage.compactMap(\.error).count == 1)
        #expect(garbage.compactMap(\.error).first?.reason.contains("expected ',' or ']'") == true)
    }

    @Test func jsonLinesKeepOneErrorPerBadLineAndTheirLineNumbers() throws {
        let record = #"{"stream":"a-1","type":"T","data":{}}"#
        let text = [record, #"{"stream":"a-1","type":"T","data":{}"#, "", record, "not json", record].joined(separator: "\n")
        let records = try ImportScratch().records(.jsonl, text)
        #expect(records.compactMap(\.event).count == 3)
        #expect(records.compactMap(\.error).map(\.location) == [.line(2), .line(5)])
    }

    @Test func theRecordNumberCountsAcrossLinesOfAPrettyFile() throws {
        let records = try (1...3).map { try Self.pretty(#"{"stream":"a-\#($0)","type":"T","data":{"n":\#($0)}}"#) }
        let text = records.joined(separator: "\n") + "\n{\"stream\":\"a-4\",\"type\":\"T\"}\n"
        let errors = try ImportScratch().records(.jsonl, text).compactMap(\.error)
        #expect(errors.map(\.location.record) == ["record 4"])
        #expect(errors.first?.reason.contains("missing \"data\"") == true)
    }

    @Test func framingIsRefusedForMartensCSV() throws {
        var options = ImportOptions()
        options.framing = .lines
        #expect(throws: ImportUsageError.self) { try ImportFormat.marten.check(options) }
    }

    @Test func aPrettyPrintedFileImportsAllOrNothingAndTwiceIsANoOp() throws {
        let scratch = ImportScratch()
        let log = try scratch.log()
        defer { log.close() }
        let events = try (1...5).map { try Self.pretty(#"{"stream":"a-\#($0 % 2)","type":"T","data":{"n":\#($0)}}"#) }
        let bad = try scratch.write("bad.json", "[" + events.joined(separator: ",") + ",{\"stream\":\"a-1\"}]")
        #expect(throws: ImportFailure.self) { try JSONLinesImporter().run(file: bad, into: log) }
        #expect(log.head == 0)
        let good = try scratch.write("good.json", events.joined(separator: "\n"))
        let first = try JSONLinesImporter().run(file: good, into: log)
        #expect(first.events == 5 && log.head == 5)
        let second = try JSONLinesImporter().run(file: good, into: log)
        #expect(second.events == 0 && second.alreadyPresent == 5 && log.head == 5)
    }
}
