import Foundation
import JSON
import Replay
import Testing

/// `rewind project state`: read models at any position or instant, compared with folds written
/// here, independently of Rewind's projection code.
@Suite("rewind project state", .serialized)
struct ProjectStateCLITests {
    typealias F = ProjectCLIFixtures

    /// The independent fold of `types` (`.[$e.type] += 1` over every event).
    static func expectedTypes(_ events: ArraySlice<F.Event>) -> JSONValue {
        var object = JSONObject()
        for e in events { object[e.type] = .integer((object[e.type]?.int64Value ?? 0) + 1) }
        return .object(object)
    }

    /// The independent fold of `first-order`.
    static func expectedFirstOrder(_ events: ArraySlice<F.Event>) -> JSONValue {
        let orders = events.filter { $0.stream == "order-1" }
        return ["count": .integer(Int64(orders.count)), "total": .integer(Int64(orders.reduce(0) { $0 + $1.amount }))]
    }

    func state(_ arguments: [String]) throws -> JSONValue {
        let r = try CLIRunner.rewind(["project", "state"] + arguments + ["--json"])
        guard r.status == 0 else { throw CLITestError("project state \(arguments) failed (\(r.status)): \(r.stderr)") }
        return try JSONValue.parse(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func makeLog(_ events: [F.Event]) throws -> (ScratchDirectory, String) {
        let dir = ScratchDirectory()
        let log = dir.file("bank")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        try F.importEvents(events, into: log, dir: dir, name: "events.jsonl")
        _ = try dir.write("bank/rewind.toml", F.config)
        return (dir, log)
    }

    @Test func exactStatesAtSeveralPositionsMatchAnIndependentFold() throws {
        let events = F.events(600, seed: 5, accounts: 40)
        let (dir, log) = try makeLog(events)
        _ = dir
        for p in [0, 1, 2, 37, 299, 300, 599, 600] {
            let prefix = Array(events.prefix(p))
            #expect(try state([log, "balances", "--position", String(p)]) == F.expectedBalances(prefix), "balances at \(p)")
            #expect(try state([log, "types", "--position", String(p)]) == Self.expectedTypes(events.prefix(p)), "types at \(p)")
            #expect(try state([log, "first-order", "--position", String(p)]) == Self.expectedFirstOrder(events.prefix(p)), "first-order at \(p)")
        }
        // No position: the head.
        #expect(try state([log, "balances"]) == F.expectedBalances(events))
        // --key: one partition's state, the same number as in the whole object.
        let whole = F.expectedBalances(Array(events.prefix(450)))
        let key = try #require(whole.objectValue?.keys.first)
        #expect(try state([log, "balances", "--position", "450", "--key", key]) == whole[key])
        // The text form: a header naming the position and the last event, then the state.
        let text = try CLIRunner.rewind(["project", "state", log, "balances", "--position", "450"])
        #expect(text.status == 0)
        #expect(text.lines.first?.hasPrefix("balances @ position 450 of 600 · last event ") == true)
        #expect(text.lines.first?.contains("partitions") == true)
    }

    @Test func aSavedStateIsOnlyReadAndGivesTheSameAnswer() throws {
        // Two histories (as the import of the same line twice is recognised and skipped).
        let events = F.events(300, seed: 9, accounts: 30) + F.events(200, seed: 177, accounts: 30)
        let (dir, log) = try makeLog(Array(events.prefix(300)))
        #expect(try CLIRunner.rewind(["project", "run", log]).status == 0)
        try F.importEvents(Array(events.suffix(200)), into: log, dir: dir, name: "more.jsonl")
        #expect(try CLIRunner.rewind(["project", "state", log, "types", "--json"]).status == 0)
        let projections = log + "/projections"
        func snapshot() throws -> [String: Data] {
            var out: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: projections) {
                out[name] = try Data(contentsOf: URL(fileURLWithPath: projections + "/" + name))
            }
            return out
        }
        let before = try snapshot()
        for p in [120, 300, 301, 444, 500] {
            let expected = F.expectedBalances(Array(events.prefix(p)))
            #expect(try state([log, "balances", "--position", String(p)]) == expected, "balances at \(p)")
            #expect(try state([log, "balances", "--position", String(p), "--from-start"]) == expected, "balances from the start at \(p)")
            #expect(try state([log, "types", "--position", String(p)]) == Self.expectedTypes(events.prefix(p)))
        }
        let resumed = try CLIRunner.rewind(["project", "state", log, "balances", "--position", "444"])
        #expect(resumed.lines.first?.contains("from the saved state at 300") == true)
        // Nothing under LOG/projections/ was created or changed.
        #expect(try snapshot() == before)
        // A changed definition: the saved state is not used, and the answer is still exact.
        _ = try dir.write("bank/rewind.toml", F.config.replacingOccurrences(of: "MoneyWithdrawn = '. - $e.data.amountCents'", with: "MoneyWithdrawn = '. - $e.data.amountCents + 0'"))
        let changed = try CLIRunner.rewind(["project", "state", log, "balances", "--position", "444"])
        #expect(changed.status == 0)
        #expect(changed.lines.first?.contains("saved state") == false)
        #expect(try state([log, "balances", "--position", "444"]) == F.expectedBalances(Array(events.prefix(444))))
    }

    @Test func timeMeansTheLastEventAtOrBeforeTheInstantByItsOwnTime() throws {
        let dir = ScratchDirectory()
        let log = dir.file("bank")
        _ = try CLIRunner.rewind(["init", log])
        _ = try dir.write("bank/rewind.toml", F.config)
        let lines = (0..<6).map { i in
            "{\"stream\":\"account-\(i % 2)\",\"type\":\"MoneyDeposited\",\"data\":{\"amountCents\":\(i + 1)},\"time\":\"2026-01-15T10:0\(i):00Z\"}"
        }
        let file = try dir.write("e.jsonl", lines.joined(separator: "\n") + "\n")
        #expect(try CLIRunner.rewind(["import", log, file]).status == 0)
        // 10:02:30 is after the third event (10:02) and before the fourth (10:03).
        #expect(try state([log, "balances", "--time", "2026-01-15T10:02:30Z"]) == ["account-0": 4, "account-1": 2])
        #expect(try state([log, "balances", "--time", "2026-01-15T10:03:00Z"]) == ["account-0": 4, "account-1": 6])
        #expect(try state([log, "balances", "--time", "2026-01-15 10:00"]) == ["account-0": 1])
        #expect(try state([log, "balances", "--time", "2020-01-01T00:00:00Z"]) == [:])
        #expect(try state([log, "balances", "--time", "2030-01-01T00:00:00Z"]) == ["account-0": 9, "account-1": 12])
    }

    @Test func aHandlerErrorIsReportedLikeProjectRunWithTheStateBeforeIt() throws {
        let dir = ScratchDirectory()
        let log = dir.file("bank")
        _ = try CLIRunner.rewind(["init", log])
        _ = try dir.write("bank/rewind.toml", F.config)
        let before = F.events(40, seed: 3)
        let poison = "{\"stream\":\"order-1\",\"type\":\"OrderPlaced\",\"data\":{\"total\":\"ten\"}}"
        let file = try dir.write("e.jsonl", (before.map(\.line) + [poison] + F.events(10, seed: 4).map(\.line)).joined(separator: "\n") + "\n")
        #expect(try CLIRunner.rewind(["import", log, file]).status == 0)
        let r = try CLIRunner.rewind(["project", "state", log, "first-order", "--position", "45"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("handler OrderPlaced failed on order-1 version"))
        #expect(r.stderr.contains("(position 41, type OrderPlaced)"))
        #expect(r.lines.first?.hasPrefix("first-order @ position 45") == true)
        let shown = try JSONValue.parse(r.lines.dropFirst().joined(separator: "\n"))
        #expect(shown == Self.expectedFirstOrder(before[...]))
        // Before the poison event there is nothing to report.
        #expect(try state([log, "first-order", "--position", "40"]) == Self.expectedFirstOrder(before[...]))
        // Nothing was written.
        #expect(!FileManager.default.fileExists(atPath: log + "/projections"))
    }

    @Test func theNextQuestionStartsFromTheCacheFilesWhichAreRebuiltWhenDamaged() throws {
        // Past 4,096 positions: files are kept every 4,096 (the smallest file stride).
        let events = F.events(9000, seed: 21, accounts: 50)
        let (dir, log) = try makeLog(events)
        _ = dir
        let cache = log + "/cache/project-state/balances"
        #expect(try state([log, "balances", "--position", "8500"]) == F.expectedBalances(Array(events.prefix(8500))))
        let files = try FileManager.default.contentsOfDirectory(atPath: cache).sorted()
        #expect(files == ["00000000000000004096.ckpt", "00000000000000008192.ckpt"])
        let second = try CLIRunner.rewind(["project", "state", log, "balances", "--position", "8300"])
        #expect(second.status == 0 && second.stderr.isEmpty)
        #expect(second.lines.first?.contains("from the cached state at 8192") == true)
        #expect(try JSONValue.parse(second.lines.dropFirst().joined(separator: "\n")) == F.expectedBalances(Array(events.prefix(8300))))
        // A damaged file: one line on stderr, the same answer, the file written again.
        let damaged = cache + "/00000000000000008192.ckpt"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: damaged))
        bytes[bytes.count / 2] ^= 0x04
        try bytes.write(to: URL(fileURLWithPath: damaged))
        let third = try CLIRunner.rewind(["project", "state", log, "balances", "--position", "8400", "--json"])
        #expect(third.status == 0)
        #expect(third.stderr.split(separator: "\n").count == 1)
        #expect(third.stderr.contains("00000000000000008192.ckpt is damaged"))
        #expect(try JSONValue.parse(third.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) == F.expectedBalances(Array(events.prefix(8400))))
        #expect(try Data(contentsOf: URL(fileURLWithPath: damaged)) != bytes)
        // --key from the cache, and --no-cache: the same answers.
        let key = "account-7"
        #expect(try state([log, "balances", "--position", "8999", "--key", key]) == F.expectedBalances(Array(events.prefix(8999)))[key])
        #expect(try state([log, "balances", "--position", "8999", "--no-cache"]) == F.expectedBalances(Array(events.prefix(8999))))
        // Nothing under LOG/projections/.
        #expect(!FileManager.default.fileExists(atPath: log + "/projections"))
        // --no-cache writes nothing; a cache directory that cannot be made is no error.
        try FileManager.default.removeItem(atPath: log + "/cache")
        #expect(try state([log, "balances", "--position", "8500", "--no-cache"]) == F.expectedBalances(Array(events.prefix(8500))))
        #expect(!FileManager.default.fileExists(atPath: log + "/cache"))
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: log + "/cache"))
        let blocked = try CLIRunner.rewind(["project", "state", log, "balances", "--position", "8500", "--json"])
        #expect(blocked.status == 0 && blocked.stderr.isEmpty)
        #expect(try JSONValue.parse(blocked.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) == F.expectedBalances(Array(events.prefix(8500))))
    }

    @Test func badInputIsAClearError() throws {
        let (dir, log) = try makeLog(F.events(20, seed: 2))
        _ = dir
        let both = try CLIRunner.rewind(["project", "state", log, "balances", "--position", "3", "--time", "2026-01-01T00:00:00Z"])
        #expect(both.status == 64)
        #expect(both.stderr.contains("at most one of --position and --time"))
        let badTime = try CLIRunner.rewind(["project", "state", log, "balances", "--time", "yesterday"])
        #expect(badTime.status == 64)
        #expect(badTime.stderr.contains("is not a time; use RFC 3339"))
        let past = try CLIRunner.rewind(["project", "state", log, "balances", "--position", "21"])
        #expect(past.status == 1)
        #expect(past.stderr.contains("--position 21 is past the head") && past.stderr.contains("0…20"))
        let unknown = try CLIRunner.rewind(["project", "state", log, "balance"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no projection named 'balance'") && unknown.stderr.contains("balances"))
        let keyless = try CLIRunner.rewind(["project", "state", log, "types", "--key", "x"])
        #expect(keyless.status == 1)
        #expect(keyless.stderr.contains("has no partition, so --key does not apply"))
        let noKey = try CLIRunner.rewind(["project", "state", log, "balances", "--key", "account-\u{1B}[31m"])
        #expect(noKey.status == 1)
        #expect(noKey.stderr.contains("has no partition 'account-\\e[31m'") || noKey.stderr.contains("has no partition 'account-\\u{1B}[31m'"))
        #expect(!noKey.stderr.contains("\u{1B}"))
        let help = try CLIRunner.rewind(["project", "state", "--help"])
        #expect(help.stdout.contains("--position") && help.stdout.contains("--key"))
    }
}
