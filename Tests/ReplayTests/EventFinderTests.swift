import EventLog
import Foundation
import Replay
import Testing

/// `EventFinder` with its byte prefilter against jq alone (prefilter off: jq runs on every
/// event), over a log full of the cases a prefilter could get wrong: escapes that spell a
/// literal differently, quotes, binary data, data and metadata that are not JSON, types that
/// are not UTF-8.
@Suite("EventFinder")
struct EventFinderTests {
    final class Scratch: Sendable {
        let path = NSTemporaryDirectory() + "rewind-find-\(getpid())-\(UUID().uuidString.prefix(8))"
        init() { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        var log: String { path + "/log" }
    }

    static let day: Int64 = 86_400_000_000
    static let start: Int64 = 1_767_571_200_000_000  // 2026-01-05T00:00:00Z

    /// A mixed log: ordinary bank events, plus the awkward ones every few events.
    static func makeLog(_ scratch: Scratch, count: Int) throws -> EventLog {
        try EventLog.create(at: scratch.log)
        let log = try EventLog.openWriter(at: scratch.log, options: .init(durability: .noSync, command: "find-tests"))
        let owners = ["alice", "bob", "Chloé", "O'Brien", "al\\\"ice", "\\u0061lice", "ali\\nce"]
        let types = ["MoneyDeposited", "MoneyWithdrawn", "AccountOpened", "WithdrawalRejected"]
        for i in 0..<count {
            // The same name in two Unicode spellings (composed and decomposed é): jq tells them apart.
            let stream = i % 11 == 0 ? "order-\(i % 5)" : i % 19 == 0 ? (i % 2 == 0 ? "caf\u{E9}" : "cafe\u{301}") : "account-\(i % 7)"
            let type = types[(i * 7 + i / 3) % types.count]
            let owner = owners[(i * 5) % owners.count]
            var data = Array(#"{"owner":"\#(owner)","amountCents":\#((i * 7919) % 100_000),"channel":"\#(i % 3 == 0 ? "atm" : "web")","tags":["t\#(i % 4)","x"]}"#.utf8)
            var metadata = Array(#"{"correlationId":"req-\#(i % 13)","actor":"teller:\#(i % 2 == 0 ? "carla" : "dev")"}"#.utf8)
            var event = NewEvent(type: type, data: data, metadata: metadata, originalMicros: start + Int64(i) * day / 10)
            switch i % 17 {
            case 3: event.contentType = .binary; event.data = Array("alice bob".utf8)
            case 5: data = Array(#"{"owner":"alice""#.utf8); event.data = data  // not JSON
            case 7: metadata = Array("not json req-1".utf8); event.metadata = metadata
            case 9: event.metadata = []
            case 11: event.type = String(decoding: [0x4D, 0x6F, 0xFF, 0x6E], as: UTF8.self) + "eyDeposited"
            case 13: event.data = Array(#"{"owner":"\u00e9l\u00e8ve","note":"\u0041ccountOpened"}"#.utf8)
            default: break
            }
            _ = try log.append(to: stream, [event])
        }
        return log
    }

    static let predicates = [
        #".type == "MoneyDeposited""#,
        #".type == "MoneyDeposited" or .type == "AccountOpened""#,
        #"select(.type == "WithdrawalRejected") and .stream == "account-3""#,
        #".stream == "order-2""#,
        ".stream == \"caf\u{E9}\"",
        #".data.owner == "alice""#,
        #".data.owner == "al\"ice""#,
        #"(.data.owner == "alice" or .data.owner == "bob") and .data.amountCents > 30000"#,
        #".data.owner == "élève""#,
        #".data.note == "AccountOpened""#,
        #".metadata.correlationId == "req-1""#,
        #".metadata.actor | test("carla")"#,
        #".data.owner | startswith("O'")"#,
        #".data.owner | contains("lic")"#,
        #".type | test("Withdraw")"#,
        #".data.amountCents > 90000"#,
        #".data.tags[] == "t2""#,
        #".data.amountCents / (.version - 1) > 1000"#,
        #".data | has("owner") | not"#,
        #"(.data.channel == "atm") and (.data.amountCents < 5000)"#,
        #".data.owner == "nobody-at-all""#,
        #".data == "YWxpY2UgYm9i""#,
        #".type == "Mo\ufffdneyDeposited""#,
        "# a comment\n.data.channel == \"web\" # and another",
    ]

    @Test func prefilteredSearchFindsExactlyWhatJqAloneFinds() throws {
        let scratch = Scratch()
        let count = ProcessInfo.processInfo.environment["REWIND_FIND_EVENTS"].flatMap(Int.init) ?? 1200
        let log = try Self.makeLog(scratch, count: count)
        defer { log.close() }
        for predicate in Self.predicates {
            let fast = try EventFinder(predicate: predicate)
            let slow = try EventFinder(predicate: predicate, options: FindOptions(prefilter: false))
            var a: [UInt64] = [], b: [UInt64] = []
            let sa = try fast.run(log) { a.append($0.position); return true }
            let sb = try slow.run(log) { b.append($0.position); return true }
            #expect(a == b, "\(predicate): \(a.count) with the prefilter, \(b.count) without")
            #expect(sb.evaluated == sb.scanned)
            #expect(sa.evaluated <= sb.evaluated)
        }
    }

    @Test func literalsCutTheEventsJqSeesAndTypeEqualitySkipsJq() throws {
        let scratch = Scratch()
        let log = try Self.makeLog(scratch, count: 400)
        defer { log.close() }
        let byType = try EventFinder(predicate: #".type == "AccountOpened""#)
        let s = try byType.run(log) { _ in true }
        #expect(byType.analysis.exact && s.evaluated == 0 && s.matches > 0)
        let byOwner = try EventFinder(predicate: #".data.owner == "bob""#)
        let o = try byOwner.run(log) { _ in true }
        #expect(o.matches > 0 && o.evaluated < o.scanned * 3 / 4)  // escapes and binary data still go to jq
    }

    @Test func filtersByStreamGlobTypeTimeAndLimit() throws {
        let scratch = Scratch()
        let log = try Self.makeLog(scratch, count: 300)
        defer { log.close() }
        var all: [EventLog.Found] = []
        try log.readAll { all.append(.init($0)); return true }
        let since = Self.start + 5 * Self.day, until = Self.start + 12 * Self.day
        let options = FindOptions(streamGlob: "account-[12]", types: ["MoneyDeposited", "AccountOpened"], sinceMicros: since, untilMicros: until)
        var got: [UInt64] = []
        _ = try EventFinder(predicate: "true", options: options).run(log) { got.append($0.position); return true }
        let expected = all.filter {
            ["account-1", "account-2"].contains($0.stream) && ["MoneyDeposited", "AccountOpened"].contains($0.type)
                && $0.time >= since && $0.time < until && $0.readable
        }.map(\.position)
        #expect(!expected.isEmpty && got == expected, "\(got) \(expected)")
        var limited: [UInt64] = []
        let summary = try EventFinder(predicate: "true", options: FindOptions(limit: 5)).run(log) { limited.append($0.position); return true }
        #expect(limited == [1, 2, 3, 4, 5] && summary.matches == 5)
    }

    @Test func aFailingPredicateIsNoMatchAndIsCounted() throws {
        let scratch = Scratch()
        let log = try Self.makeLog(scratch, count: 50)
        defer { log.close() }
        let finder = try EventFinder(predicate: #".data.amountCents | ascii_downcase"#)
        let summary = try finder.run(log) { _ in true }
        #expect(summary.matches == 0 && summary.errors > 0)
        #expect(summary.firstError?.contains("must be a string") == true, "\(summary.firstError ?? "")")
        #expect(throws: JQError.self) { try EventFinder(predicate: ".data | ][") }
    }

    @Test func analysisRequiresOnlyWhatIsCertain() {
        func summary(_ p: String) -> String { PredicateAnalysis.analyse(p).requirement.summary }
        #expect(summary(".data.amount > 1000") == "nothing")
        #expect(summary(#".type == "X""#) == #"type in ["X"]"#)
        #expect(PredicateAnalysis.analyse(#".type == "X" or .type == "Y""#).exact)
        #expect(summary(#".data.owner == "alice""#) == #"data contains "alice""#)
        #expect(!PredicateAnalysis.analyse(#".data.owner == "alice""#).exact)
        #expect(summary(#".data.owner | test("a.c")"#) == "nothing")
        #expect(summary(#".data.owner | test("abc")"#) == #"data contains "abc""#)
        #expect(summary(#".type == "X" | not"#) == "nothing")
        #expect(summary(#".type == "X" or .data.amount > 3"#) == "nothing")
        #expect(summary(#".type == "X" and .data.amount > 3"#) == #"type in ["X"]"#)
        #expect(summary(#"if .type == "X" then true else .type == "Y" end"#) == "nothing")
        #expect(summary(#".type == "X", .type == "Y""#) == "nothing")
        #expect(summary(#".data.a == "\(.type)""#) == "nothing")
        #expect(summary(#".data.a == "x\ny""#) == "nothing")
        #expect(summary(#"[.type == "X"] | any"#) == "nothing")
        #expect(summary(#"def f: .type == "X"; f"#) == "nothing")
        #expect(summary(#"(.type == "X")?"#) == "nothing")
        #expect(summary("# a comment \\\n.type == \"X\"") == "nothing")
    }
}

extension EventLog {
    /// What a filter test needs of an event, kept after the read.
    struct Found {
        var position: UInt64, stream: String, type: String, time: Int64
        /// Whether jq can see the event at all (its data is JSON, or binary).
        var readable: Bool
        init(_ v: EventView) {
            position = v.position; stream = v.stream; type = v.type; time = v.originalMicros
            readable = v.contentType == .binary || (try? JSONSerialization.jsonObject(with: Data(v.data), options: .fragmentsAllowed)) != nil
        }
    }
}
