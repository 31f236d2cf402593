import EventLog
import Foundation
import Replay
import Testing

#if canImport(Glibc)
import Glibc
import JSON
#endif

/// A `rewind` child left running (for --follow), to be signalled.
final class BackgroundRewind {
    let process = Process()
    let stderrPipe = Pipe()

    init(_ arguments: [String]) throws {
        process.executableURL = CLIRunner.executable("rewind")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["CI"] = "1"
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderrPipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Sends `signal`, waits for the exit; returns the exit status (or signal number) and stderr.
    func stop(_ signal: Int32) -> (status: Int32, killed: Bool, stderr: String) {
        kill(process.processIdentifier, signal)
        let err = stderrPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal, String(decoding: err, as: UTF8.self))
    }
}

/// Events, a rewind.toml and expectations for the projection commands.
enum ProjectCLIFixtures {
    static let config = """
        [projections.balances]
        from = "category:account"
        partition = '$e.stream'
        init = '0'
        [projections.balances.on]
        MoneyDeposited = '. + $e.data.amountCents'
        MoneyWithdrawn = '. - $e.data.amountCents'

        [projections.types]
        from = "all"
        init = '{}'
        [projections.types.on]
        "$any" = '.[$e.type] += 1'

        [projections.first-order]
        from = "stream:order-1"
        init = '{count: 0, total: 0}'
        [projections.first-order.on]
        OrderPlaced = '.count += 1 | .total += $e.data.total'
        """

    struct Event {
        var stream: String
        var type: String
        var amount: Int
        var line: String { "{\"stream\":\"\(stream)\",\"type\":\"\(type)\",\"data\":{\"amountCents\":\(amount),\"total\":\(amount)}}" }
    }

    static func events(_ count: Int, seed: Int, accounts: Int = 200) -> [Event] {
        (0..<count).map { i in
            let n = (i &+ seed) &* 7919
            if i % 4 == 3 { return Event(stream: "order-\(n % 3)", type: "OrderPlaced", amount: n % 50) }
            return Event(stream: "account-\(n % accounts)", type: n % 5 == 0 ? "MoneyWithdrawn" : "MoneyDeposited", amount: n % 1000)
        }
    }

    static func expectedBalances(_ events: [Event]) -> JSONValue {
        var sums: [String: Int64] = [:]
        for e in events where e.stream.hasPrefix("account-") {
            sums[e.stream, default: 0] += Int64(e.type == "MoneyDeposited" ? e.amount : -e.amount)
        }
        return .object(JSONObject(uniqueKeysWithValues: sums.keys.sorted().map { ($0, JSONValue.integer(sums[$0] ?? 0)) }))
    }

    /// Imports `events` with `rewind import`.
    static func importEvents(_ events: [Event], into log: String, dir: ScratchDirectory, name: String) throws {
        let file = try dir.write(name, events.map(\.line).joined(separator: "\n") + "\n")
        let r = try CLIRunner.rewind(["import", log, file])
        guard r.status == 0 else { throw CLITestError("import failed: \(r.stderr)") }
    }

    static func record(_ log: String, _ name: String) throws -> ProjectionRecord {
        guard let r = try ProjectionStore(logPath: log).load(name) else { throw CLITestError("no file for \(name)") }
        return r
    }
}

@Suite("rewind project", .serialized)
struct ProjectCLITests {
    typealias F = ProjectCLIFixtures

    @Test func runStatusAndRebuildOverAnImportedLog() throws {
        let dir = ScratchDirectory()
        let log = dir.file("bank")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        let events = F.events(2000, seed: 1)
        try F.importEvents(events, into: log, dir: dir, name: "events.jsonl")
        _ = try dir.write("bank/rewind.toml", F.config)

        let run = try CLIRunner.rewind(["project", "run", log])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        let partitions = F.expectedBalances(events).objectValue?.count ?? 0
        #expect(run.stderr.contains("balances: checkpoint 2,000 of 2,000 (caught up), 1,500 events applied in all, \(partitions) partitions"))
        let balances = try F.record(log, "balances")
        #expect(balances.stateValue == F.expectedBalances(events))
        #expect(balances.partitionCount == partitions)
        #expect(try F.record(log, "types").stateValue?["OrderPlaced"] == 500)
        let firstOrders = events.filter { $0.stream == "order-1" }
        #expect(try F.record(log, "first-order").stateValue == ["count": .integer(Int64(firstOrders.count)), "total": .integer(Int64(firstOrders.reduce(0) { $0 + $1.amount }))])

        let status = try CLIRunner.rewind(["project", "status", log])
        #expect(status.status == 0)
        #expect(status.lines.first?.hasPrefix("NAME") == true)
        #expect(status.lines.contains { $0.hasPrefix("balances") && $0.contains("stopped") && $0.contains("2,000") })
        let json = try CLIRunner.rewind(["project", "status", log, "--json"])
        let rows = try JSONValue.parse(json.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValue ?? []
        #expect(rows.map { $0["name"]?.stringValue } == ["balances", "types", "first-order"])
        #expect(rows.first?["status"] == "stopped")
        #expect(rows.first?["checkpoint"] == 2000 && rows.first?["lagEvents"] == 0 && rows.first?["partitions"] == .integer(Int64(partitions)))

        // More events: a second run resumes from the checkpoint.
        let more = F.events(500, seed: 77)
        try F.importEvents(more, into: log, dir: dir, name: "more.jsonl")
        #expect(try CLIRunner.rewind(["project", "run", log, "balances"]).status == 0)
        #expect(try F.record(log, "balances").stateValue == F.expectedBalances(events + more))
        #expect(try F.record(log, "types").checkpoint == 2000)

        let rebuild = try CLIRunner.rewind(["project", "rebuild", log, "balances", "types"])
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        #expect(try F.record(log, "balances").stateValue == F.expectedBalances(events + more))
        #expect(try F.record(log, "types").checkpoint == 2500)
    }

    @Test func unknownNamesAndMissingProjectionsAreExplained() throws {
        let dir = ScratchDirectory()
        let log = dir.file("bank")
        _ = try CLIRunner.rewind(["init", log])
        let none = try CLIRunner.rewind(["project", "run", log])
        #expect(none.status == 1)
        #expect(none.stderr.contains("defines no projections") && none.stderr.contains("[projections.NAME]"))
        _ = try dir.write("bank/rewind.toml", F.config)
        let unknown = try CLIRunner.rewind(["project", "run", log, "balance", "types"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no projection named 'balance'") && unknown.stderr.contains("the projections are: balances, types, first-order"))
        let status = try CLIRunner.rewind(["project", "status", log, "nope"])
        #expect(status.status == 1 && status.stderr.contains("no projection named 'nope'"))
        let never = try CLIRunner.rewind(["project", "status", log])
        #expect(never.lines.contains { $0.hasPrefix("balances") && $0.contains("never run") })
    }

    @Test func faultedProjectionFailsTheRunButTheOthersAreSaved() throws {
        let dir = ScratchDirectory()
        let log = dir.file("bank")
        _ = try CLIRunner.rewind(["init", log])
        _ = try dir.write("bank/rewind.toml", F.config)
        let poison = "{\"stream\":\"order-1\",\"type\":\"OrderPlaced\",\"data\":{\"total\":\"ten\"}}"
        let lines = F.events(40, seed: 3).map(\.line) + [poison] + F.events(40, seed: 4).map(\.line)
        let file = try dir.write("e.jsonl", lines.joined(separator: "\n") + "\n")
        #expect(try CLIRunner.rewind(["import", log, file]).status == 0)
        let run = try CLIRunner.rewind(["project", "run", log])
        #expect(run.status == 1)
        #expect(run.stderr.contains("projection first-order faulted at checkpoint 40: handler OrderPlaced failed on order-1 version"))
        #expect(run.stderr.contains("(position 41, type OrderPlaced)"))
        #expect(run.stderr.contains("rewind project rebuild \(log) first-order"))
        #expect(try F.record(log, "balances").checkpoint == 81)
        #expect(try F.record(log, "first-order").status == .faulted)
        let status = try CLIRunner.rewind(["project", "status", log])
        #expect(status.lines.contains { $0.hasPrefix("first-order") && $0.contains("faulted") })
        #expect(status.stdout.contains("first-order: faulted: handler OrderPlaced failed"))

        // A changed definition is stale until rebuilt.
        _ = try dir.write("bank/rewind.toml", F.config.replacingOccurrences(of: ".count += 1 |", with: ".count += 1 | .seen = true |"))
        let stale = try CLIRunner.rewind(["project", "run", log])
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("projection first-order was not run") && stale.stderr.contains("another definition"))
        #expect(stale.stderr.contains("--rebuild-stale"))
    }

    @Test func followStopsCleanlyOnSIGINTWithEverythingSaved() throws {
        let dir = ScratchDirectory()
        let log = dir.file("bank")
        _ = try CLIRunner.rewind(["init", log])
        _ = try dir.write("bank/rewind.toml", F.config)
        let events = F.events(300, seed: 9)
        try F.importEvents(events, into: log, dir: dir, name: "a.jsonl")
        let child = try BackgroundRewind(["project", "run", log, "--follow", "--save-interval", "20"])
        try Self.waitFor { (try? F.record(log, "balances").checkpoint) == 300 }
        let more = F.events(100, seed: 10)
        try F.importEvents(more, into: log, dir: dir, name: "b.jsonl")
        try Self.waitFor { (try? F.record(log, "balances").checkpoint) == 400 }
        #expect(try F.record(log, "balances").status == .running)
        let ended = child.stop(SIGINT)
        #expect(ended.status == 0 && !ended.killed, "\(ended.stderr)")
        #expect(ended.stderr.contains("stopped by a signal"))
        let record = try F.record(log, "balances")
        #expect(record.status == .stopped && record.checkpoint == 400)
        #expect(record.stateValue == F.expectedBalances(events + more))
    }

    /// kill -9 of `rewind project run --follow` at random moments, with the log growing between
    /// kills: each restart resumes from the saved checkpoint, and the final state equals a
    /// clean rebuild (no event applied twice or skipped).
    @Test func killedRunnerResumesToTheSameStateAsACleanRebuild() throws {
        let dir = ScratchDirectory()
        let log = dir.file("bank")
        _ = try CLIRunner.rewind(["init", log])
        _ = try dir.write("bank/rewind.toml", F.config)
        var events = F.events(40_000, seed: 11)
        try F.importEvents(events, into: log, dir: dir, name: "base.jsonl")

        let rounds = Int(ProcessInfo.processInfo.environment["REWIND_PROJECTION_KILLS"] ?? "") ?? 12
        var midRun = 0
        var checkpoints: [UInt64] = []
        for round in 0..<rounds {
            let before = Self.checkpoint(log)
            let child = try BackgroundRewind(["project", "run", log, "--follow", "--save-every", "250", "--save-interval", "10"])
            // Starting takes about 0.5 s in a debug build (loading and compiling the configuration):
            // wait for the first save of this run, then kill at a random moment after it.
            try? Self.waitFor(seconds: 10) { Self.checkpoint(log) != before }
            usleep(UInt32(Int.random(in: 0...300) * 1000))
            let ended = child.stop(SIGKILL)
            #expect(ended.killed, "round \(round): the runner exited by itself: \(ended.stderr)")
            let checkpoint = Self.checkpoint(log)
            checkpoints.append(checkpoint)
            if checkpoint > 0 && checkpoint < UInt64(events.count) { midRun += 1 }
            if round % 3 == 2 {
                let more = F.events(3000, seed: 100 + round)
                try F.importEvents(more, into: log, dir: dir, name: "more-\(round).jsonl")
                events += more
            }
        }
        let finish = try CLIRunner.rewind(["project", "run", log])
        #expect(finish.status == 0, "\(finish.stderr)")
        let resumed = try ["balances", "types", "first-order"].map { try F.record(log, $0) }
        #expect(resumed.allSatisfy { $0.checkpoint == UInt64(events.count) })
        #expect(resumed[0].stateValue == F.expectedBalances(events))
        #expect(resumed[1].stateValue?["OrderPlaced"] == .integer(Int64(events.filter { $0.type == "OrderPlaced" }.count)))

        let rebuild = try CLIRunner.rewind(["project", "rebuild", log])
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        for before in resumed {
            let after = try F.record(log, before.name)
            #expect(after.checkpoint == before.checkpoint)
            #expect(after.stateValue == before.stateValue, "\(before.name) differs from a clean rebuild")
            #expect(after.applied == before.applied)
        }
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: log + "/projections")) ?? []
        #expect(!leftovers.contains { $0.contains(".tmp-") }, "temp files left: \(leftovers)")
        print("project kill -9: \(rounds) rounds, \(midRun) killed mid-run, checkpoints \(checkpoints), \(events.count) events")
        #expect(midRun > 0, "no kill landed in the middle of a run: nothing was tested")
    }

    static func checkpoint(_ log: String) -> UInt64 {
        (try? ProjectionStore(logPath: log).loadHeader("balances"))??.checkpoint ?? 0
    }

    static func waitFor(seconds: Double = 20, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { throw CLITestError("timed out after \(seconds) s") }
            usleep(10_000)
        }
    }
}
