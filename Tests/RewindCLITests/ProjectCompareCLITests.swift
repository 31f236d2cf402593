import Foundation
import JSON
import Testing

/// `rewind project compare`: two definitions side by side, checked against folds written here.
@Suite("rewind project compare", .serialized)
struct ProjectCompareCLITests {
    typealias F = ProjectCLIFixtures

    /// Balances folded here: `deposit` says what a deposit adds; nil when it fails.
    static func balances(_ events: ArraySlice<F.Event>, deposit: (Int) -> Int = { $0 }) -> [String: Int64] {
        var sums: [String: Int64] = [:]
        for e in events where e.stream.hasPrefix("account-") {
            sums[e.stream, default: 0] += Int64(e.type == "MoneyDeposited" ? deposit(e.amount) : -e.amount)
        }
        return sums
    }

    static let capped = F.config.replacingOccurrences(
        of: "MoneyDeposited = '. + $e.data.amountCents'",
        with: "MoneyDeposited = 'if $e.data.amountCents > 900 then . + 900 else . + $e.data.amountCents end'")

    func makeLog(_ events: [F.Event]) throws -> (ScratchDirectory, String) {
        let dir = ScratchDirectory()
        let log = dir.file("bank")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        try F.importEvents(events, into: log, dir: dir, name: "events.jsonl")
        _ = try dir.write("bank/rewind.toml", F.config)
        return (dir, log)
    }

    func compareJSON(_ arguments: [String]) throws -> (status: Int32, value: JSONValue) {
        let r = try CLIRunner.rewind(["project", "compare"] + arguments + ["--json"])
        return (r.status, try JSONValue.parse(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test func aChangedHandlerIsFirstDifferentAtTheExactPositionOfAnIndependentFold() throws {
        let events = F.events(800, seed: 5, accounts: 40)
        let (dir, log) = try makeLog(events)
        let other = try dir.write("other.toml", Self.capped)
        let cap: (Int) -> Int = { min($0, 900) }
        // The first event after which the two folds disagree, found here event by event.
        let index = try #require(events.indices.first { i in
            let e = events[i]
            return e.stream.hasPrefix("account-") && Self.balances(events.prefix(i + 1))[e.stream] != Self.balances(events.prefix(i + 1), deposit: cap)[e.stream]
        })
        let poison = events[index]
        let (status, value) = try compareJSON([log, "balances", "--config", other])
        #expect(status == 5)
        #expect(value["identical"] == false)
        let first = try #require(value["firstDifference"])
        #expect(first["position"] == .integer(Int64(index + 1)))
        #expect(first["stream"] == .string(poison.stream) && first["type"] == "MoneyDeposited" && first["key"] == .string(poison.stream))
        #expect(first["currentState"] == .integer(Self.balances(events.prefix(index + 1))[poison.stream] ?? 0))
        #expect(first["otherState"] == .integer(Self.balances(events.prefix(index + 1), deposit: cap)[poison.stream] ?? 0))
        #expect(first["changes"]?.arrayValue?.count == 1)
        // At the end: one change per account whose two sums differ, old → new.
        let a = Self.balances(events[...]), b = Self.balances(events[...], deposit: cap)
        let differing = a.keys.filter { a[$0] != b[$0] }.sorted()
        let changes = value["end"]?["changes"]?.arrayValue ?? []
        #expect(changes.count == differing.count)
        for change in changes {
            let key = try #require(differing.first { change["path"]?.stringValue == ".[\"\($0)\"]" }, "\(change)")
            #expect(change["op"] == "changed" && change["old"] == .integer(a[key] ?? 0) && change["new"] == .integer(b[key] ?? 0))
        }
        // --to before the first difference: identical. The text form names the event.
        let early = try compareJSON([log, "balances", "--config", other, "--to", String(index)])
        #expect(early.status == 0 && early.value["identical"] == true && early.value["firstDifference"] == .null)
        let text = try CLIRunner.rewind(["project", "compare", log, "balances", "--config", other])
        #expect(text.status == 5)
        #expect(text.lines.contains("first difference at position \(index + 1): \(poison.stream) v\(try #require(first["version"]?.int64Value)) MoneyDeposited · partition '\(poison.stream)'"))
        #expect(text.lines.contains { $0.hasPrefix("at the end (position 800): current → other: \(differing.count) change") })
        // --key: one partition. A differing one is first different at its own first such event;
        // one whose sums agree is identical (exit 0).
        let last = try #require(differing.last)
        let lastIndex = try #require(events.indices.first { events[$0].stream == last && events[$0].type == "MoneyDeposited" && events[$0].amount > 900 })
        let keyed = try compareJSON([log, "balances", "--config", other, "--key", last])
        #expect(keyed.status == 5 && keyed.value["key"] == .string(last))
        #expect(keyed.value["firstDifference"]?["position"] == .integer(Int64(lastIndex + 1)))
        #expect(keyed.value["end"]?["changes"] == [["op": "changed", "path": ".", "old": .integer(a[last] ?? 0), "new": .integer(b[last] ?? 0)]])
        let same = try #require(a.keys.sorted().first { a[$0] == b[$0] })
        let agreeing = try compareJSON([log, "balances", "--config", other, "--key", same])
        #expect(agreeing.status == 0 && agreeing.value["identical"] == true)
        // Nothing was written: no projection files appeared.
        #expect(!FileManager.default.fileExists(atPath: log + "/projections/balances.json"))
    }

    @Test func identicalDefinitionsExitZeroAndSaySo() throws {
        let events = F.events(300, seed: 8, accounts: 20)
        let (dir, log) = try makeLog(events)
        // Written differently, the same results.
        let other = try dir.write("other.toml", F.config.replacingOccurrences(
            of: "MoneyDeposited = '. + $e.data.amountCents'", with: "MoneyDeposited = '$e.data.amountCents + .'"))
        let r = try CLIRunner.rewind(["project", "compare", log, "balances", "--config", other])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines.contains("identical: the states never differ up to position 300"))
        let (status, value) = try compareJSON([log, "types", "--config", other])
        #expect(status == 0 && value["identical"] == true && value["firstDifference"] == .null && value["end"]?["changes"] == [])
    }

    @Test func aHandlerErrorOnOneSideIsTheDifferenceAndNamesTheSide() throws {
        let events = F.events(500, seed: 11, accounts: 30)
        let (dir, log) = try makeLog(events)
        let other = try dir.write("other.toml", F.config.replacingOccurrences(
            of: "MoneyWithdrawn = '. - $e.data.amountCents'",
            with: "MoneyWithdrawn = 'if $e.data.amountCents > 500 then error(\"too big\") else . - $e.data.amountCents end'"))
        let index = try #require(events.indices.first { events[$0].type == "MoneyWithdrawn" && events[$0].amount > 500 })
        let (status, value) = try compareJSON([log, "balances", "--config", other])
        #expect(status == 5)
        let first = try #require(value["firstDifference"])
        #expect(first["position"] == .integer(Int64(index + 1)) && first["key"] == .string(events[index].stream))
        #expect(first["currentFault"] == .null)
        #expect(first["otherFault"]?["handler"] == "MoneyWithdrawn")
        #expect(first["otherFault"]?["message"]?.stringValue?.contains("too big") == true)
        // The other side keeps the state it had before the poison event.
        // (null when the poison event is its partition's first: the partition never came to be).
        #expect(first["otherState"] == (Self.balances(events.prefix(index))[events[index].stream].map { .integer($0) } ?? .null))
        #expect(value["end"]?["otherFault"]?["position"] == .integer(Int64(index + 1)))
        let text = try CLIRunner.rewind(["project", "compare", log, "balances", "--config", other])
        #expect(text.lines.contains { $0.hasPrefix("  the other definition fails there: handler MoneyWithdrawn failed on") && $0.contains("too big") })
        // The reverse: the current side fails, the other applies the event.
        let plain = try dir.write("plain.toml", F.config)
        _ = try dir.write("bank/rewind.toml", try String(contentsOfFile: other, encoding: .utf8))
        let (reversedStatus, reversed) = try compareJSON([log, "balances", "--config", plain])
        #expect(reversedStatus == 5)
        #expect(reversed["firstDifference"]?["position"] == .integer(Int64(index + 1)))
        #expect(reversed["firstDifference"]?["currentFault"]?["handler"] == "MoneyWithdrawn" && reversed["firstDifference"]?["otherFault"] == .null)
    }

    @Test func aMissingProjectionOrFileIsAClearErrorAndBadUsageIs64() throws {
        let (dir, log) = try makeLog(F.events(20, seed: 1))
        let other = try dir.write("other.toml", "[projections.elsewhere]\nfrom = \"all\"\ninit = '0'\n[projections.elsewhere.on]\n\"$any\" = '. + 1'\n")
        let missing = try CLIRunner.rewind(["project", "compare", log, "balances", "--config", other])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("has no projection named 'balances' to compare with; it defines: elsewhere"))
        let noFile = try CLIRunner.rewind(["project", "compare", log, "balances", "--config", dir.file("nope.toml")])
        #expect(noFile.status == 1 && noFile.stderr.contains("no such file"))
        let broken = try dir.write("broken.toml", F.config.replacingOccurrences(of: "'. + $e.data.amountCents'", with: "'. + + ('"))
        let bad = try CLIRunner.rewind(["project", "compare", log, "balances", "--config", broken])
        #expect(bad.status == 1 && bad.stderr.contains("broken.toml"))
        #expect(try CLIRunner.rewind(["project", "compare", log, "balances", "--config", other, "--to", "soon"]).status == 64)
        #expect(try CLIRunner.rewind(["project", "compare", log, "balances"]).status == 64)
    }
}
