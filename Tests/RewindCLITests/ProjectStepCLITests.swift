import Foundation
import JSON
import Testing

/// `rewind project step`: the projection debugger, checked against folds written here.
@Suite("rewind project step", .serialized)
struct ProjectStepCLITests {
    typealias F = ProjectCLIFixtures

    func makeLog(_ events: [F.Event], config: String = F.config) throws -> (ScratchDirectory, String) {
        let dir = ScratchDirectory()
        let log = dir.file("bank")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        try F.importEvents(events, into: log, dir: dir, name: "events.jsonl")
        _ = try dir.write("bank/rewind.toml", config)
        return (dir, log)
    }

    func steps(_ arguments: [String]) throws -> [JSONValue] {
        let r = try CLIRunner.rewind(["project", "step"] + arguments + ["--json"])
        guard r.status == 0 else { throw CLITestError("project step \(arguments) failed (\(r.status)): \(r.stderr)") }
        return try JSONValue.parse(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValue ?? []
    }

    /// One account's balance after the events before index `end`.
    static func balance(_ events: [F.Event], _ stream: String, before end: Int) -> Int64 {
        events.prefix(end).filter { $0.stream == stream }.reduce(0) { $0 + Int64($1.type == "MoneyDeposited" ? $1.amount : -$1.amount) }
    }

    @Test func aPartitionedProjectionStepsEachHandledEventWithItsPartitionsStates() throws {
        let events = F.events(400, seed: 5, accounts: 12)
        let (dir, log) = try makeLog(events)
        _ = dir
        let got = try steps([log, "balances", "--position", "100", "--count", "6"])
        // The handled events from position 100 on: account streams only (orders are skipped).
        let expected = Array(events.indices.filter { $0 >= 99 && events[$0].stream.hasPrefix("account-") }.prefix(6))
        #expect(got.count == 6)
        for (step, i) in zip(got, expected) {
            let e = events[i]
            let before = Self.balance(events, e.stream, before: i)
            let after = before + Int64(e.type == "MoneyDeposited" ? e.amount : -e.amount)
            #expect(step["position"] == .integer(Int64(i + 1)))
            #expect(step["stream"] == .string(e.stream) && step["type"] == .string(e.type) && step["handler"] == .string(e.type))
            #expect(step["key"] == .string(e.stream))
            #expect(step["data"]?["amountCents"] == .integer(Int64(e.amount)))
            #expect(step["before"] == .integer(before) && step["after"] == .integer(after), "step at \(i + 1)")
            #expect(step["fault"] == .null)
            #expect(step["changes"]?.arrayValue?.count == (before == after ? 0 : 1))
        }
        // The JSON shape: every key, always present.
        #expect(got.first?.objectValue.map { Set($0.keys) } == [
            "position", "stream", "version", "type", "schemaVersion", "data", "key", "handler", "before", "after", "changes", "fault",
        ])
    }

    @Test func keyShowsOnlyThatPartitionsEventsWithTheRightStates() throws {
        let events = F.events(500, seed: 21, accounts: 10)
        let (dir, log) = try makeLog(events)
        _ = dir
        let key = "account-3"
        let got = try steps([log, "balances", "--position", "50", "--count", "4", "--key", key])
        let expected = Array(events.indices.filter { $0 >= 49 && events[$0].stream == key }.prefix(4))
        #expect(got.map { $0["position"] } == expected.map { .integer(Int64($0 + 1)) })
        for (step, i) in zip(got, expected) {
            #expect(step["key"] == .string(key))
            #expect(step["before"] == .integer(Self.balance(events, key, before: i)))
            #expect(step["after"] == .integer(Self.balance(events, key, before: i + 1)))
        }
        // Text: a title per step naming the partition and handler, the states, the diff.
        let text = try CLIRunner.rewind(["project", "step", log, "balances", "--position", "50", "--count", "1", "--key", key])
        #expect(text.status == 0)
        let i = try #require(expected.first)
        #expect(text.lines.first?.hasPrefix("── position \(i + 1) · \(key) v") == true)
        #expect(text.lines.first?.hasSuffix("\(events[i].type) · partition '\(key)' · handler \(events[i].type)") == true)
        #expect(text.lines.contains("before: \(Self.balance(events, key, before: i))"))
        #expect(text.lines.contains("after:  \(Self.balance(events, key, before: i + 1))"))
    }

    @Test func anUnpartitionedAnyHandlerNamesDollarAny() throws {
        let events = F.events(40, seed: 2)
        let (dir, log) = try makeLog(events)
        _ = dir
        let got = try steps([log, "types", "--position", "1", "--count", "3"])
        #expect(got.map { $0["handler"] } == ["$any", "$any", "$any"])
        #expect(got.map { $0["key"] } == [.null, .null, .null])
        #expect(got.first?["before"] == [:])
        #expect(got.first?["after"] == .object([events[0].type: 1]))
        #expect(got.last?["position"] == 3)
    }

    @Test func aHandlerErrorShowsTheErrorAndTheStateItLeftAndStops() throws {
        let events = F.events(300, seed: 11, accounts: 8)
        let poisonConfig = F.config.replacingOccurrences(
            of: "MoneyWithdrawn = '. - $e.data.amountCents'",
            with: "MoneyWithdrawn = 'if $e.data.amountCents > 500 then error(\"too big\") else . - $e.data.amountCents end'")
        let (dir, log) = try makeLog(events, config: poisonConfig)
        _ = dir
        let index = try #require(events.indices.first { events[$0].type == "MoneyWithdrawn" && events[$0].amount > 500 })
        let got = try steps([log, "balances", "--position", "1", "--count", "1000"])
        let last = try #require(got.last)
        #expect(last["position"] == .integer(Int64(index + 1)))
        #expect(last["handler"] == "MoneyWithdrawn" && last["after"] == .null)
        #expect(last["fault"]?["message"]?.stringValue?.contains("too big") == true)
        #expect(last["before"] == .integer(Self.balance(events, events[index].stream, before: index)))
        #expect(got.count == events.prefix(index + 1).filter { $0.stream.hasPrefix("account-") }.count)
        let text = try CLIRunner.rewind(["project", "step", log, "balances", "--position", String(index + 1), "--count", "5"])
        #expect(text.status == 0)
        #expect(text.lines.contains { $0.hasPrefix("error:  handler MoneyWithdrawn failed on") && $0.contains("too big") })
        #expect(text.lines.last == "the state stays as before; the steps stop here (fix the handler in rewind.toml)")
        // From past the poison event: the fault before it is an error.
        let after = try CLIRunner.rewind(["project", "step", log, "balances", "--position", String(index + 2)])
        #expect(after.status == 1 && after.stderr.contains("faults before the events shown"))
        #expect(try CLIRunner.rewind(["project", "step", log, "balances", "--position", "0"]).status == 64)
    }

    /// Event data reaches the output as data, states and partition keys (the key is the data).
    @Test func hostileDataAndPartitionKeysStayTextInStepAndCompare() throws {
        let dir = ScratchDirectory()
        let events = """
            {"stream":"account-1","type":"AccountOpened","data":{"owner":"\\u001b]52;c;cHduZWQ=\\u0007"}}
            {"stream":"account-2","type":"AccountOpened","data":{"owner":"\\u009b31m"}}

            """
        let log = try HostileTextCLITests.log(dir, events: events)
        let config = """
            [projections.owners]
            from = "all"
            partition = '$e.data.owner + "\\u202e"'
            init = '[]'
            [projections.owners.on]
            AccountOpened = '. + [$e.data.owner]'
            """
        _ = try dir.write("bank/rewind.toml", config)
        let other = try dir.write("other.toml", config.replacingOccurrences(of: "[$e.data.owner]", with: "[$e.data.owner, $e.stream]"))
        let step = try CLIRunner.rewind(["project", "step", log, "owners", "--position", "1"])
        let compare = try CLIRunner.rewind(["project", "compare", log, "owners", "--config", other])
        #expect(step.status == 0 && compare.status == 5, "\(step.stderr) \(compare.stderr)")
        for r in [step, compare] {
            #expect(HostileTextCLITests.isInert(r.stdout) && HostileTextCLITests.isInert(r.stderr), "\(r.stdout.debugDescription)")
        }
        #expect(step.lines.count > 4 && compare.lines.count > 3)
        // The key (the data itself) is shown, escaped, in the step's title and the compare report.
        #expect(step.stdout.contains("partition '" + HostileTextCLITests.osc52Shown), "\(step.stdout)")
        #expect(compare.stdout.contains("partition '" + HostileTextCLITests.osc52Shown), "\(compare.stdout)")
    }

    /// `project step` and `project diff` start from the states `project state` keeps in
    /// LOG/cache/project-state/ and add to them, with the same answers as without.
    @Test func stepAndDiffShareTheStateCacheWithProjectState() throws {
        // Past 4,096 positions: files are kept every 4,096 (the smallest file stride).
        let events = F.events(9000, seed: 23, accounts: 30)
        let (dir, log) = try makeLog(events)
        _ = dir
        let cache = log + "/cache/project-state/balances"
        let stepped = try steps([log, "balances", "--position", "8500", "--count", "3"])
        #expect(stepped.count == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache).sorted() == ["00000000000000004096.ckpt", "00000000000000008192.ckpt"])
        // project state starts from what step left.
        let state = try CLIRunner.rewind(["project", "state", log, "balances", "--position", "8300"])
        #expect(state.status == 0 && state.lines.first?.contains("from the cached state at 8192") == true)
        // The same steps again (from the cache), and without it.
        #expect(try steps([log, "balances", "--position", "8500", "--count", "3"]) == stepped)
        #expect(try steps([log, "balances", "--position", "8500", "--count", "3", "--no-cache"]) == stepped)
        let first = events.indices.first { $0 >= 8499 && events[$0].stream.hasPrefix("account-") } ?? 0
        let e = events[first]
        #expect(stepped.first?["position"]?.int64Value == Int64(first + 1))
        #expect(stepped.first?["before"]?.int64Value == Self.balance(events, e.stream, before: first))
        // diff, both ways round, from the cache and without, against the independent fold.
        let expected = JSONValue.diff(from: F.expectedBalances(Array(events.prefix(8200))), to: F.expectedBalances(Array(events.prefix(8700))))
        #expect(!expected.isEmpty)
        for arguments in [["--from", "8200", "--to", "8700"], ["--from", "8700", "--to", "8200"], ["--from", "8200", "--to", "8700", "--no-cache"]] {
            let r = try CLIRunner.rewind(["project", "diff", log, "balances"] + arguments + ["--json"])
            #expect(r.status == 0 && r.stderr.isEmpty)
            let changes = try JSONValue.parse(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))["changes"]?.arrayValue ?? []
            let reversed = arguments[1] == "8700"
            #expect(changes.count == expected.count, "\(arguments)")
            if !reversed {
                #expect(.array(changes) == JSONChange.report(expected), "\(arguments)")
            }
        }
        // --no-cache writes nothing.
        try FileManager.default.removeItem(atPath: log + "/cache")
        _ = try steps([log, "balances", "--position", "8500", "--no-cache"])
        let diff = try CLIRunner.rewind(["project", "diff", log, "balances", "--from", "10", "--no-cache"])
        #expect(diff.status == 0)
        #expect(!FileManager.default.fileExists(atPath: log + "/cache"))
        #expect(!FileManager.default.fileExists(atPath: log + "/projections"))
    }
}
