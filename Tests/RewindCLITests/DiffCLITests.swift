import Foundation
import JSON
import Testing

/// `rewind state --diff A..B` and `rewind project diff`: structural diffs between two points.
@Suite("rewind diffs", .serialized)
struct DiffCLITests {
    typealias F = ProjectCLIFixtures
    typealias S = StateCLITests

    @Test func stateDiffBetweenVersionsPositionsAndInstants() throws {
        let dir = ScratchDirectory()
        let log = try S.importedLog(dir)
        _ = try dir.write("bank/rewind.toml", S.toml)
        // v1 → v3: the balance went from 0 to 300.
        let text = try CLIRunner.rewind(["state", log, "account-1", "--diff", "1..3"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.lines.first == "account-1: v1 → v3 · 1 change: 0 added, 0 removed, 1 changed")
        #expect(text.lines.contains("~ .balanceCents: 0 (v1) → 300 (v3)"))
        // v0 → v1 adds currency; the same points spelt as a position and an instant.
        let json = try CLIRunner.rewind(["state", log, "account-1", "--diff", "v0..@1", "--json"])
        #expect(json.stdout == #"{"stream":"account-1","from":{"version":0},"to":{"version":1},"changes":[{"op":"changed","path":".opened","old":false,"new":true},{"op":"added","path":".currency","new":"EUR"}]}"# + "\n")
        let byTime = try CLIRunner.rewind(["state", log, "account-1", "--diff", "2026-01-15T11:59:00Z..2026-01-15T12:00:00Z", "--json"])
        #expect(byTime.stdout.contains(#""from":{"version":2},"to":{"version":3}"#))
        #expect(byTime.stdout.contains(#"{"op":"changed","path":".balanceCents","old":500,"new":300}"#))
        // Backwards works too, and equal points say so.
        let back = try CLIRunner.rewind(["state", log, "account-1", "--diff", "3..1"])
        #expect(back.lines.contains("~ .balanceCents: 300 (v3) → 0 (v1)"))
        let same = try CLIRunner.rewind(["state", log, "account-1", "--diff", "2..2"])
        #expect(same.lines.contains("(no differences)"))
        // A removed path (generic fold: the Tagged key appears at v4, so v4 → v3 removes it).
        _ = try FileManager.default.removeItem(atPath: log + "/rewind.toml")
        let removed = try CLIRunner.rewind(["state", log, "account-1", "--diff", "4..3", "--json"])
        #expect(removed.stdout.contains(#"{"op":"removed","path":".Tagged","old":["vip"]}"#))
    }

    @Test func stateDiffRefusesBadPoints() throws {
        let dir = ScratchDirectory()
        let log = try S.importedLog(dir)
        let noDots = try CLIRunner.rewind(["state", log, "account-1", "--diff", "3"])
        #expect(noDots.status == 64)
        #expect(noDots.stderr.contains("give --diff as A..B"))
        let bad = try CLIRunner.rewind(["state", log, "account-1", "--diff", "1..soon"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("'soon' is not a version, @position or instant"))
        let combined = try CLIRunner.rewind(["state", log, "account-1", "--diff", "1..2", "--version", "2"])
        #expect(combined.status == 64)
        #expect(combined.stderr.contains("cannot be combined"))
        let beyond = try CLIRunner.rewind(["state", log, "account-1", "--diff", "1..9"])
        #expect(beyond.status == 1)
        #expect(beyond.stderr.contains("version 9 in --diff is beyond its end (use 0…4)"))
    }

    @Test func projectDiffMatchesADiffOfIndependentFolds() throws {
        let dir = ScratchDirectory()
        let log = dir.file("bank")
        _ = try CLIRunner.rewind(["init", log])
        let events = F.events(300, seed: 11, accounts: 12)
        try F.importEvents(events, into: log, dir: dir, name: "e.jsonl")
        _ = try dir.write("bank/rewind.toml", F.config)
        for (a, b) in [(0, 300), (100, 200), (250, 120)] {
            let r = try CLIRunner.rewind(["project", "diff", log, "balances", "--from", String(a), "--to", "@\(b)", "--json"])
            #expect(r.status == 0, "\(r.stderr)")
            let object = try JSONValue.parse(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            let expected = JSONValue.diff(from: F.expectedBalances(Array(events.prefix(a))), to: F.expectedBalances(Array(events.prefix(b))))
            let changes = object["changes"]?.arrayValue ?? []
            #expect(changes.count == expected.count, "\(a)..\(b)")
            for (got, want) in zip(changes, expected) {
                #expect(got["path"]?.stringValue == want.path.description)
                #expect(got["old"] == want.oldValue && got["new"] == want.newValue)
            }
            #expect(object["from"]?["position"] == .integer(Int64(a)) && object["to"]?["position"] == .integer(Int64(b)))
        }
        // One partition, as text.
        let before = F.expectedBalances(Array(events.prefix(100))), after = F.expectedBalances(Array(events.prefix(200)))
        let key = try #require(after.objectValue?.keys.first { before[$0] != after[$0] && before[$0] != nil })
        let text = try CLIRunner.rewind(["project", "diff", log, "balances", "--from", "100", "--to", "200", "--key", key])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.lines.first == "balances: position 100 → 200 · partition '\(key)' · 1 change: 0 added, 0 removed, 1 changed")
        #expect(text.lines.contains("~ .: \(before[key]?.serialized() ?? "") (@100) → \(after[key]?.serialized() ?? "") (@200)"))
        // --to defaults to the head; a position past it is an error that says what to give.
        let head = try CLIRunner.rewind(["project", "diff", log, "types", "--from", "0", "--json"])
        #expect(head.stdout.contains(#""to":{"position":300}"#))
        let past = try CLIRunner.rewind(["project", "diff", log, "types", "--from", "0", "--to", "301"])
        #expect(past.status == 1)
        #expect(past.stderr.contains("--to 301 is past the head") && past.stderr.contains("0…300"))
        let bad = try CLIRunner.rewind(["project", "diff", log, "types", "--from", "yesterday"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("is not a position or an instant"))
        let keyless = try CLIRunner.rewind(["project", "diff", log, "types", "--from", "1", "--key", "x"])
        #expect(keyless.status == 1 && keyless.stderr.contains("has no partition"))
        // Nothing was written.
        #expect(!FileManager.default.fileExists(atPath: log + "/projections"))
    }
}
