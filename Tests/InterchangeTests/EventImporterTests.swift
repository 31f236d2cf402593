import EventLog
import Foundation
import Replay
import Testing
import Interchange

@Suite("import: the two-pass importer")
struct EventImporterTests {
    static func line(_ stream: String, _ type: String, id: String? = nil, version: Int? = nil, data: String = "{}") -> String {
        var fields = [#""stream":"\#(stream)""#, #""type":"\#(type)""#, #""data":\#(data)"#]
        if let id { fields.append(#""id":"\#(id)""#) }
        if let version { fields.append(#""version":\#(version)"#) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func id(_ n: Int) -> String { String(format: "00000000-0000-4000-8000-%012d", n) }

    static func run(_ text: String, into log: EventLog, in scratch: ImportScratch, format: ImportFormat = .jsonl, skipInvalid: Bool = false) throws -> ImportSummary {
        var importer = EventImporter()
        importer.skipInvalid = skipInvalid
        let source = try format.source(path: try scratch.write("in-\(UUID().uuidString.prefix(6))", text), options: ImportOptions())
        return try importer.run(source, named: "input", into: log)
    }

    @Test func importingTheSameInputTwiceImportsNothingTheSecondTime() throws {
        let scratch = ImportScratch()
        let log = try scratch.log()
        defer { log.close() }
        // No ids: they are derived from each line, so they are the same the second time.
        let text = [Self.line("a-1", "A"), Self.line("a-1", "B"), Self.line("b-1", "A"), Self.line("a-1", "B")].joined(separator: "\n")
        let first = try Self.run(text, into: log, in: scratch)
        #expect(first.events == 4 && first.streams == 2 && first.alreadyPresent == 0)
        let second = try Self.run(text, into: log, in: scratch)
        #expect(second.events == 0 && second.alreadyPresent == 4)
        #expect(log.head == 4)
        // A longer copy of the same history brings only what is new, at the right versions.
        let longer = text + "\n" + Self.line("b-1", "C", version: 2)
        let third = try Self.run(longer, into: log, in: scratch)
        #expect(third.events == 1 && third.alreadyPresent == 4 && log.version(of: "b-1") == 2)
    }

    /// Thousands of interleaved events make many groups of one-event batches (written to disk
    /// as they go): a bad record after them still writes nothing; the good input imports at the
    /// right versions, and a second time imports nothing.
    @Test func aBadRecordAfterManyGroupsWritesNothing() throws {
        let scratch = ImportScratch()
        let log = try scratch.log()
        defer { log.close() }
        let pad = String(repeating: "p", count: 400)
        let good = (0..<12_000).map { Self.line("acct-\($0 % 37)", "Booked", data: "{\"n\":\($0),\"pad\":\"\(pad)\"}") }
        let bad = (good + [Self.line("acct-1", "")]).joined(separator: "\n")
        let failure = #expect(throws: ImportFailure.self) { try Self.run(bad, into: log, in: scratch) }
        #expect(failure?.badRecords == 1 && failure?.errors.first?.location == .line(12_001))
        #expect(log.head == 0 && log.streams().isEmpty)
        let text = good.joined(separator: "\n")
        let first = try Self.run(text, into: log, in: scratch)
        #expect(first.events == 12_000 && first.streams == 37 && first.firstPosition == 1 && first.lastPosition == 12_000)
        let second = try Self.run(text, into: log, in: scratch)
        #expect(second.events == 0 && second.alreadyPresent == 12_000 && log.head == 12_000)
        for s in [0, 36] {
            let events = try log.events(in: "acct-\(s)")
            #expect(events.map(\.version) == Array(1...UInt64(events.count)))
            let numbers = events.map { String(String(decoding: $0.data, as: UTF8.self).split(separator: ",")[0]) }
            #expect(numbers == stride(from: s, to: 12_000, by: 37).map { "{\"n\":\($0)" })
        }
    }

    /// The appends run on a thread of their own while the input is read, through a queue of a
    /// few chunks: with dozens of chunks written before it, a bad record at the end still
    /// writes nothing, and so does an id found late in a stream read from the log; the good
    /// input then imports in order with the progress a one-thread import reports.
    @Test func theWriterThreadKeepsTheImportAllOrNothingAndInOrder() throws {
        let scratch = ImportScratch()
        let log = try scratch.log()
        defer { log.close() }
        let pad = String(repeating: "q", count: 200)
        let count = 60_000
        let good = (0..<count).map { Self.line("acct-\($0 % 53)", "Booked", data: "{\"n\":\($0),\"pad\":\"\(pad)\"}") }
        let bad = (good + [Self.line("acct-2", "Booked", version: 9)]).joined(separator: "\n")
        let failure = #expect(throws: ImportFailure.self) { try Self.run(bad, into: log, in: scratch) }
        #expect(failure?.badRecords == 1 && failure?.errors.first?.location == .line(count + 1))
        #expect(log.head == 0 && log.streams().isEmpty)

        var importer = EventImporter()
        let source = try ImportFormat.jsonl.source(path: try scratch.write("good", good.joined(separator: "\n")), options: ImportOptions())
        var checked: [Int] = []
        var written: [Int] = []
        let summary = try importer.run(source, named: "good", into: log) { p in
            switch p.phase {
            case .checking: checked.append(p.events)
            case .writing: written.append(p.events)
            }
        }
        #expect(summary.events == UInt64(count) && summary.firstPosition == 1 && summary.lastPosition == UInt64(count))
        #expect(checked.last == count && checked == checked.sorted() && written == [0, count])
        for s in [0, 52] {
            let events = try log.events(in: "acct-\(s)")
            #expect(events.map(\.version) == Array(1...UInt64(events.count)))
            let numbers = events.map { String(String(decoding: $0.data, as: UTF8.self).split(separator: ",")[0]) }
            #expect(numbers == stride(from: s, to: count, by: 53).map { "{\"n\":\($0)" })
        }
        importer.skipInvalid = true
        #expect(try importer.run(ImportFormat.jsonl.source(path: scratch.path + "/good", options: ImportOptions()), named: "good", into: log).alreadyPresent == count)

        // Line 1 is planned as new and appended long before line 30,002 makes the importer read
        // stream late-1 from the log, which holds its id.
        _ = try Self.run(Self.line("late-1", "A", id: Self.id(77)), into: log, in: scratch)
        let head = log.head
        let fatal = ([Self.line("new-1", "A", id: Self.id(77))] + (0..<30_000).map { Self.line("new-\($0 % 11)", "B", data: "{\"pad\":\"\(pad)\"}") } + [Self.line("late-1", "C")]).joined(separator: "\n")
        let late = #expect(throws: ImportFailure.self) { try Self.run(fatal, into: log, in: scratch, skipInvalid: true) }
        #expect(late?.skippable == false && late?.errors.first?.location == .line(1))
        #expect(log.head == head && log.streams().count == 54)
    }

    /// Stream names equal as strings but written with other bytes (a precomposed and a
    /// decomposed "é", the Kelvin sign and "K") are one stream, as the log's index has them.
    @Test func canonicallyEquivalentStreamNamesAreOneStream() throws {
        let scratch = ImportScratch()
        let log = try scratch.log()
        defer { log.close() }
        let names = ["caf\u{E9}-1", "cafe\u{301}-1", "caf\u{E9}-1", "acct-K", "acct-\u{212A}", "other"]
        let text = names.enumerated().map { Self.line($0.element, "T\($0.offset)") }.joined(separator: "\n")
        let summary = try Self.run(text, into: log, in: scratch)
        #expect(summary.events == 6 && summary.streams == 3)
        #expect(try log.events(in: "caf\u{E9}-1").map(\.type) == ["T0", "T1", "T2"])
        #expect(try log.events(in: "acct-K").map(\.type) == ["T3", "T4"])
        #expect(try Self.run(text, into: log, in: scratch).alreadyPresent == 6)
    }

    @Test func anIdAlreadyUsedElsewhereIsAnErrorAndNothingIsWritten() throws {
        let scratch = ImportScratch()
        let log = try scratch.log()
        defer { log.close() }
        _ = try Self.run(Self.line("a-1", "A", id: Self.id(1)), into: log, in: scratch)
        let text = [Self.line("a-1", "B", id: Self.id(2)), Self.line("b-1", "A", id: Self.id(1))].joined(separator: "\n")
        let failure = #expect(throws: ImportFailure.self) { try Self.run(text, into: log, in: scratch) }
        #expect(failure?.errors.first?.location == .line(2))
        #expect(failure?.errors.first?.reason.contains("the log already holds it as a-1 version 1") == true)
        #expect(log.head == 1)
        // Repeated within one input: the same place is a duplicate, another place an error.
        let repeated = [Self.line("c-1", "A", id: Self.id(5)), Self.line("c-1", "A", id: Self.id(5)), Self.line("d-1", "A", id: Self.id(5))].joined(separator: "\n")
        let again = #expect(throws: ImportFailure.self) { try Self.run(repeated, into: log, in: scratch) }
        #expect(again?.badRecords == 1 && again?.errors.first?.reason.contains("line 1 of this input already puts it in c-1 version 1") == true)
    }

    @Test func versionsAreExpectedVersions() throws {
        let scratch = ImportScratch()
        let log = try scratch.log()
        defer { log.close() }
        _ = try Self.run(Self.line("a-1", "A"), into: log, in: scratch)
        let text = [Self.line("a-1", "B", version: 2), Self.line("a-1", "C", version: 4)].joined(separator: "\n")
        let failure = #expect(throws: ImportFailure.self) { try Self.run(text, into: log, in: scratch) }
        #expect(failure?.description.contains("input: line 2: event claims version 4 of stream 'a-1', but the stream is at version 2") == true)
        #expect(failure?.description.contains("nothing was imported") == true)
        #expect(log.head == 1)
    }

    @Test func skipInvalidWritesTheValidEventsAndReportsTheRest() throws {
        let scratch = ImportScratch()
        let log = try scratch.log()
        defer { log.close() }
        let text = [Self.line("a-1", "A"), "{oops", Self.line("a-1", "C", version: 7), Self.line("", "D"), Self.line("a-1", "E", version: 2)].joined(separator: "\n")
        let summary = try Self.run(text, into: log, in: scratch, skipInvalid: true)
        #expect(summary.events == 2 && summary.skippedInvalid == 3)
        #expect(summary.invalidReasons.map(\.location) == [.line(2), .line(3), .line(4)])
        #expect(try log.events(in: "a-1").map(\.type) == ["A", "E"])
    }

    @Test func anIdFoundInAStreamReadLaterCannotBeSkipped() throws {
        let scratch = ImportScratch()
        let log = try scratch.log()
        defer { log.close() }
        _ = try Self.run(Self.line("b-1", "A", id: Self.id(9)), into: log, in: scratch)
        // Line 1 is planned as new before b-1 is read from the log and found to hold its id.
        let text = [Self.line("a-1", "A", id: Self.id(9)), Self.line("b-1", "B")].joined(separator: "\n")
        let failure = #expect(throws: ImportFailure.self) { try Self.run(text, into: log, in: scratch, skipInvalid: true) }
        #expect(failure?.skippable == false && failure?.errors.first?.reason.contains("already in the log as b-1 version 1") == true)
        #expect(log.head == 1)
    }

    @Test func typeMappingAppliesToEveryFormat() throws {
        let scratch = ImportScratch()
        let log = try scratch.log()
        defer { log.close() }
        var importer = EventImporter()
        importer.typeMapping = TypeMapping(renames: ["a_b": "Renamed"], letterCase: .pascal)
        let source = try ImportFormat.jsonl.source(path: try scratch.write("t", Self.line("s-1", "a_b") + "\n" + Self.line("s-1", "money_deposited")), options: ImportOptions())
        _ = try importer.run(source, named: "t", into: log)
        #expect(try log.events(in: "s-1").map(\.type) == ["Renamed", "MoneyDeposited"])
    }
}

@Suite("import: ids, times and field specs")
struct ImportValueTests {
    @Test func nameBasedIDsAreRFC9562Version5() {
        let dns = EventID("6ba7b810-9dad-11d1-80b4-00c04fd430c8") ?? .random()
        #expect(EventID.nameBased(rawName: Array("www.example.com".utf8), namespace: dns).description == "2ed6657d-e927-568b-95e1-2665a8aea6a2")
        let long = String(repeating: "a", count: 1000)
        #expect(EventID.nameBased("x", long) == EventID.nameBased("x", long))
        #expect(EventID.nameBased("ab", "c") != EventID.nameBased("a", "bc"))
    }

    @Test func fieldSpecsParseAndSayWhatIsWrong() throws {
        #expect(try FieldSpec("key").parts == [.key])
        #expect(try FieldSpec("field:a.b.0").parts == [.field(["a", "b", "0"])])
        #expect(try FieldSpec("{column:t}-{header:k}!").parts == [.column("t"), .literal("-"), .header("k"), .literal("!")])
        for bad in ["stream", "header:", "field:a..b", "{column:x", "nope:x"] {
            #expect(throws: ImportUsageError.self) { try FieldSpec(bad) }
        }
        let spec = try FieldSpec("{column:a}-{column:b}")
        #expect(spec.text { part in part == .column("a") ? "x" : 7 } == .success("x-7"))
        guard case .failure(let problem) = spec.text({ part in part == .column("a") ? ["o": 1] : nil }) else {
            Issue.record("an object is not text")
            return
        }
        #expect(problem.description == "column 'a' is an object, not text")
    }
}
