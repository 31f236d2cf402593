import Foundation
import Testing

/// `rewind find` as a user runs it, on a generated bank log plus hostile events, checked
/// against real jq over `rewind export` (an independent evaluation of the same predicate).
@Suite("rewind find")
struct FindCLITests {
    /// A bank log of `REWIND_FIND_CLI_EVENTS` events (default 4000) plus a few hostile ones, and
    /// its export.
    final class Fixture: Sendable {
        let dir = ScratchDirectory()
        var log: String { dir.file("bank") }
        var export: String { dir.file("export.jsonl") }

        init() throws {
            let count = ProcessInfo.processInfo.environment["REWIND_FIND_CLI_EVENTS"] ?? "4000"
            let generated = try CLIRunner.rewind(["generate", "bank", "--events", count, "--seed", "12", "--out", dir.file("bank.jsonl")])
            guard generated.status == 0 else { throw CLITestError("generate: \(generated.stderr)") }
            guard try CLIRunner.rewind(["init", log]).status == 0 else { throw CLITestError("init failed") }
            let imported = try CLIRunner.rewind(["import", log, dir.file("bank.jsonl")])
            guard imported.status == 0 else { throw CLITestError("import: \(imported.stderr)") }
            let hostile = [
                #"{"stream":"account-\u009b2Jevil","type":"\u001b]52;c;aGk=\u0007Evil","data":{"owner":"\u0061lice \u001b[31mred","amountCents":5}}"#,
                #"{"stream":"account-1001","type":"MoneyDeposited","data":{"owner":"al\"ice","amountCents":123456,"note":"\u009b31m"},"metadata":{"correlationId":"req-\u001bX"}}"#,
            ].joined(separator: "\n") + "\n"
            let more = try CLIRunner.rewind(["import", log, "-"], stdin: hostile)
            guard more.status == 0 else { throw CLITestError("import hostile: \(more.stderr)") }
            let exported = try CLIRunner.rewind(["export", log])
            guard exported.status == 0 else { throw CLITestError("export: \(exported.stderr)") }
            try exported.stdout.write(toFile: export, atomically: true, encoding: .utf8)
        }

        /// Positions real jq selects: `jq -c 'select(PRED) | .position'` over the export (an
        /// event selected by several outputs counts once).
        func jqPositions(_ predicate: String) throws -> [Int] {
            let r = try CLIRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["jq", "-c", "select(\(predicate)) | .position", export])
            var out: [Int] = []
            for line in r.lines { if let p = Int(line), out.last != p { out.append(p) } }
            return out
        }

        func findPositions(_ arguments: [String]) throws -> (positions: [Int], result: CLIRunner.Result) {
            let r = try CLIRunner.rewind(["find", log] + arguments + ["--json"])
            let positions = r.lines.compactMap { line -> Int? in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
                return object["position"] as? Int
            }
            return (positions, r)
        }
    }

    static let predicates = [
        #".type == "MoneyDeposited""#,
        #".type == "WithdrawalRejected" or .type == "AccountOpened""#,
        #".data.amountCents > 50000"#,
        #".data.reason == "insufficient funds""#,
        #".data.owner == "alice""#,
        #".data.owner == "al\"ice""#,
        #".data.channel == "atm" and .data.amountCents > 20000"#,
        #".metadata.actor | test("teller")"#,
        #"select(.stream == "account-1002")"#,
        #".stream == "account-1003" and .version > 2"#,
        #".data.kind == "savings""#,
        #".data.amountCents / (.version - 1) > 10000"#,
        #".data[]? == "atm""#,
        #".time >= "2026-01-20""#,
        #".data.owner == "nobody at all""#,
    ]

    @Test func matchesWhatJqSelectsFromTheExportForEveryPredicate() throws {
        let f = try Fixture()
        for predicate in Self.predicates {
            let expected = try f.jqPositions(predicate)
            let (got, result) = try f.findPositions([predicate])
            #expect(got == expected, "\(predicate): find \(got.count), jq \(expected.count); \(result.stderr)")
            #expect(result.status == (expected.isEmpty ? 6 : 0), "\(predicate)")
            let (unfiltered, _) = try f.findPositions([predicate, "--no-prefilter"])
            #expect(unfiltered == expected, "\(predicate) without the prefilter")
        }
    }

    @Test func streamTypeTimeAndLimitOptionsNarrowTheSearch() throws {
        let f = try Fixture()
        let (got, _) = try f.findPositions([
            ".data.amountCents > 1000", "--stream", "account-100?", "--type", "MoneyDeposited", "--type", "MoneyWithdrawn",
            "--since", "2026-01-10", "--until", "2026-01-20T12:00:00Z",
        ])
        let expected = try f.jqPositions(
            #"(.stream | test("^account-100.$")) and (.type == "MoneyDeposited" or .type == "MoneyWithdrawn") and .time >= "2026-01-10T00:00:00Z" and .time < "2026-01-20T12:00:00Z" and .data.amountCents > 1000"#)
        #expect(!expected.isEmpty && got == expected)
        let (limited, _) = try f.findPositions([".data.amountCents > 1000", "--limit", "3"])
        #expect(limited == Array(try f.jqPositions(".data.amountCents > 1000").prefix(3)))
    }

    @Test func aBadPredicateGetsJqsMessageAndUsageStatus() throws {
        let f = try Fixture()
        let r = try CLIRunner.rewind(["find", f.log, ".data | ]["])
        #expect(r.status == 64)
        #expect(r.stderr.contains("the predicate does not compile") && r.stderr.contains("syntax error"))
        let failing = try CLIRunner.rewind(["find", f.log, ".data.owner | ascii_downcase == \"x\""])
        #expect(failing.status == 6)
        #expect(failing.stderr.contains("the predicate failed on"))
    }

    @Test func textOutputLooksLikeReadAndHostileDataStaysInert() throws {
        let f = try Fixture()
        let text = try CLIRunner.rewind(["find", f.log, #".type | test("Evil")"#])
        #expect(text.status == 0)
        #expect(text.lines.first?.hasPrefix("POSITION") == true && text.lines.count == 2)
        #expect(!text.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" } && !text.stdout.contains("\u{9B}"))
        let all = try CLIRunner.rewind(["find", f.log, #".data.owner | contains("lice")"#])
        #expect(all.lines.count == 2 && all.lines.last?.contains("alice") == true)  // the header, and "\u0061lice" (spelt with an escape)
        #expect(!all.stdout.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x80..<0xA0).contains($0.value) })
        let read = try CLIRunner.rewind(["read", f.log, "--from", "1", "--limit", "1"])
        let found = try CLIRunner.rewind(["find", f.log, ".position == 1"])
        #expect(found.stdout == read.stdout)
    }
}
