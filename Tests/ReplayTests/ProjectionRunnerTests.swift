import EventLog
import Foundation
import Replay
import Testing
import JSON

/// Logs and definitions for the projection and lag tests.
enum ProjectionFixtures {
    /// A fresh directory, removed when released.
    final class Scratch: Sendable {
        let path: String

        init() {
            path = NSTemporaryDirectory() + "rewind-proj-\(getpid())-\(UUID().uuidString.prefix(8))"
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }

        var log: String { path + "/log" }
    }

    static func json(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Appends `(stream, type, data)` events one batch per event.
    static func append(_ log: EventLog, _ events: [(String, String, String)]) throws {
        for (stream, type, data) in events {
            _ = try log.append(to: stream, [NewEvent(type: type, data: json(data))])
        }
    }

    /// A bank: `accounts` accounts with deposits and withdrawals, and some orders, interleaved.
    static func bankEvents(count: Int, accounts: Int = 7, seed: Int = 1) -> [(String, String, String)] {
        (0..<count).map { i in
            let n = i &* 31 &+ seed
            if i % 5 == 4 { return ("order-\(n % 3)", "OrderPlaced", "{\"total\":\(n % 100)}") }
            let type = n % 3 == 0 ? "MoneyWithdrawn" : "MoneyDeposited"
            return ("account-\(n % accounts)", type, "{\"amountCents\":\(n % 1000)}")
        }
    }

    /// What `balances` should hold for `events`, computed without jq.
    static func expectedBalances(_ events: [(String, String, String)]) -> JSONValue {
        var sums: [String: Int64] = [:]
        for (stream, type, data) in events where stream.hasPrefix("account-") {
            guard case .object(let o)? = try? JSONValue.parse(data), let amount = o["amountCents"]?.int64Value else { continue }
            sums[stream, default: 0] += type == "MoneyDeposited" ? amount : -amount
        }
        var object = JSONObject()
        for key in sums.keys.sorted() { object[key] = .integer(sums[key] ?? 0) }
        return .object(object)
    }

    static let balances = ProjectionDefinition(
        name: "balances", from: .category("account"), partition: "$e.stream", initExpression: "0",
        handlers: ["MoneyDeposited": ". + $e.data.amountCents", "MoneyWithdrawn": ". - $e.data.amountCents"])

    static let orders = ProjectionDefinition(
        name: "orders", from: .category("order"), initExpression: "{count: 0, total: 0}",
        handlers: ["OrderPlaced": ".count += 1 | .total += $e.data.total"])

    /// Counts every event by type, through "$any".
    static let types = ProjectionDefinition(name: "types", from: .all, initExpression: "{}", handlers: ["$any": ".[$e.type] += 1"])

    /// Creates a log with `events` and returns it open for writing.
    static func makeLog(_ scratch: Scratch, _ events: [(String, String, String)]) throws -> EventLog {
        try EventLog.create(at: scratch.log)
        let log = try EventLog.openWriter(at: scratch.log, options: .init(durability: .noSync, command: "projection-tests"))
        try append(log, events)
        return log
    }

    /// Runs `projections` to the head on the calling thread and returns their progress.
    @discardableResult
    static func run(_ log: EventLog, _ projections: [ProjectionDefinition], upcasters: [UpcasterDefinition] = [],
                    options: ProjectionRunner.Options = .init(saveEveryEvents: 50)) throws -> [String: ProjectionProgress] {
        let runner = try ProjectionRunner(log: log, projections: projections, upcasters: upcasters, options: options)
        try runner.run()
        return Dictionary(uniqueKeysWithValues: runner.progress().map { ($0.name, $0) })
    }

    static func saved(_ log: EventLog, _ name: String) throws -> ProjectionRecord {
        try #require(try ProjectionStore(logPath: log.path).load(name))
    }

    /// Polls `condition` until it holds or `seconds` pass; returns whether it held (assert it:
    /// the outcome is the condition, never the time waited).
    @discardableResult
    static func waitUntil(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { return false }
            usleep(5_000)
        }
        return true
    }
}

@Suite("Projection runner")
struct ProjectionRunnerTests {
    typealias F = ProjectionFixtures

    @Test func partitionedAndUnpartitionedProjectionsMatchAFoldByHand() throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 400)
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        let progress = try F.run(log, [F.balances, F.orders, F.types])
        #expect(progress.values.allSatisfy { $0.status == .stopped && $0.checkpoint == 400 })

        let balances = try F.saved(log, "balances")
        #expect(balances.checkpoint == 400)
        #expect(balances.status == .stopped)
        #expect(balances.stateValue == F.expectedBalances(events))
        #expect(balances.partitionCount == 7)
        #expect(balances.applied == 320)

        let orders = try F.saved(log, "orders")
        let placed = events.filter { $0.1 == "OrderPlaced" }
        let total = placed.reduce(Int64(0)) { $0 + (((try? JSONValue.parse($1.2))?["total"]?.int64Value) ?? 0) }
        #expect(orders.stateValue == ["count": .integer(Int64(placed.count)), "total": .integer(total)])

        let types = try F.saved(log, "types")
        #expect(types.stateValue?["OrderPlaced"] == .integer(Int64(placed.count)))
        #expect(types.stateValue?["MoneyDeposited"] == .integer(Int64(events.filter { $0.1 == "MoneyDeposited" }.count)))
    }

    @Test func streamSourceReadsOnlyThatStreamAndCategoryIsThePartBeforeTheDash() throws {
        let scratch = F.Scratch()
        let log = try F.makeLog(scratch, [
            ("account-1", "MoneyDeposited", "{\"amountCents\":10}"),
            ("account-2", "MoneyDeposited", "{\"amountCents\":20}"),
            ("accounts-9", "MoneyDeposited", "{\"amountCents\":40}"),
            ("account", "MoneyDeposited", "{\"amountCents\":80}"),
            ("account-1-x", "MoneyDeposited", "{\"amountCents\":160}"),
            ("account-1", "MoneyWithdrawn", "{\"amountCents\":1}"),
        ])
        defer { log.close() }
        var one = F.balances
        one.name = "one"
        one.from = .stream("account-1")
        one.partition = nil
        var category = F.balances
        category.partition = nil
        try F.run(log, [one, category])
        #expect(try F.saved(log, "one").stateValue == 9)
        // account-1, account-2, account (no dash: its own category) and account-1-x; not accounts-9.
        #expect(try F.saved(log, "balances").stateValue == .integer(10 + 20 + 80 + 160 - 1))
        #expect(ProjectionSource("category:account")?.matches("account-7") == true)
        #expect(ProjectionSource("category:a-b")?.matches("a-b-c") == false)
    }

    @Test func jqPartitionKeysStringsNumbersAndNullSkips() throws {
        let scratch = F.Scratch()
        let log = try F.makeLog(scratch, [
            ("account-1", "MoneyDeposited", "{\"amountCents\":10,\"currency\":\"EUR\"}"),
            ("account-2", "MoneyDeposited", "{\"amountCents\":20,\"currency\":\"USD\"}"),
            ("account-3", "MoneyDeposited", "{\"amountCents\":40,\"currency\":\"EUR\"}"),
            ("account-4", "MoneyDeposited", "{\"amountCents\":80}"),
            ("account-5", "MoneyDeposited", "{\"amountCents\":5,\"currency\":7}"),
        ])
        defer { log.close() }
        var byCurrency = F.balances
        byCurrency.name = "by-currency"
        byCurrency.partition = "$e.data.currency  # a comment"
        try F.run(log, [byCurrency])
        let record = try F.saved(log, "by-currency")
        #expect(record.stateValue == ["EUR": 50, "USD": 20, "7": 5])
        #expect(record.checkpoint == 5)
        #expect(record.applied == 4)
    }

    @Test func partitionKeyThatIsNotAStringOrNumberFaults() throws {
        let scratch = F.Scratch()
        let log = try F.makeLog(scratch, [
            ("account-1", "MoneyDeposited", "{\"amountCents\":10}"),
            ("account-2", "MoneyDeposited", "{\"amountCents\":20}"),
        ])
        defer { log.close() }
        var bad = F.balances
        bad.partition = "if $e.version == 1 and $e.stream == \"account-2\" then [1] else $e.stream end"
        let progress = try F.run(log, [bad])
        let p = try #require(progress["balances"])
        #expect(p.status == .faulted)
        #expect(p.checkpoint == 1)
        #expect(p.fault?.position == 2)
        #expect(p.fault?.handler == "partition")
        #expect(p.fault?.message.contains("string or a number") == true)
    }

    @Test func restartFromCheckpointGivesTheSameStateAsOneRun() throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 900, seed: 5)
        let log = try F.makeLog(scratch, Array(events[..<300]))
        defer { log.close() }
        try F.run(log, [F.balances, F.orders])
        #expect(try F.saved(log, "balances").checkpoint == 300)
        try F.append(log, Array(events[300..<650]))
        try F.run(log, [F.balances])  // orders stays behind at 300
        #expect(try F.saved(log, "orders").checkpoint == 300)
        try F.append(log, Array(events[650...]))
        try F.run(log, [F.balances, F.orders])
        let resumed = (try F.saved(log, "balances"), try F.saved(log, "orders"))
        #expect(resumed.0.checkpoint == 900 && resumed.1.checkpoint == 900)
        #expect(resumed.0.stateValue == F.expectedBalances(events))

        try F.run(log, [F.balances, F.orders], options: .init(rebuild: ["balances", "orders"]))
        let rebuilt = (try F.saved(log, "balances"), try F.saved(log, "orders"))
        #expect(rebuilt.0.stateValue == resumed.0.stateValue)
        #expect(rebuilt.1.stateValue == resumed.1.stateValue)
        #expect(rebuilt.0.applied == resumed.0.applied)
    }

    @Test func stoppedInTheMiddleAndResumedEqualsARebuild() throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 3000, accounts: 40, seed: 9)
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        var positions: [UInt64] = []
        for (round, holdAt) in [UInt64(500), 1100, 1700, 2300].enumerated() {
            // A pacer holds the runner before `holdAt` (as a stall would), so stop() lands mid-run.
            let runner = try ProjectionRunner(log: log, projections: [F.balances, F.types],
                                              options: .init(saveEveryEvents: 37 + round, pacer: { $0 >= holdAt ? 30 : 0 }))
            try runner.start()
            #expect(F.waitUntil { runner.progress().first?.checkpoint == holdAt - 1 })
            runner.stop()
            #expect(runner.wait() == nil)
            positions.append(try F.saved(log, "balances").checkpoint)
        }
        #expect(positions == [499, 1099, 1699, 2299])
        try F.run(log, [F.balances, F.types])
        let resumed = try F.saved(log, "balances")
        let resumedTypes = try F.saved(log, "types")
        #expect(resumed.stateValue == F.expectedBalances(events))
        try F.run(log, [F.balances, F.types], options: .init(rebuild: ["balances", "types"]))
        #expect(try F.saved(log, "balances").stateValue == resumed.stateValue)
        #expect(try F.saved(log, "types").stateValue == resumedTypes.stateValue)
    }

    @Test func poisonEventFaultsOneProjectionAndTheOthersKeepRunning() throws {
        let scratch = F.Scratch()
        let log = try F.makeLog(scratch, [
            ("order-1", "OrderPlaced", "{\"total\":10}"),
            ("account-1", "MoneyDeposited", "{\"amountCents\":10}"),
            ("order-2", "OrderPlaced", "{\"total\":\"ten\"}"),
            ("account-1", "MoneyDeposited", "{\"amountCents\":5}"),
            ("order-3", "OrderPlaced", "{\"total\":1}"),
        ])
        defer { log.close() }
        let progress = try F.run(log, [F.orders, F.balances, F.types])
        #expect(progress["balances"]?.status == .stopped && progress["balances"]?.checkpoint == 5)
        #expect(progress["types"]?.checkpoint == 5)
        let orders = try F.saved(log, "orders")
        #expect(orders.status == .faulted)
        #expect(orders.checkpoint == 2)
        #expect(orders.stateValue == ["count": 1, "total": 10])
        let fault = try #require(orders.fault)
        #expect(fault.position == 3 && fault.stream == "order-2" && fault.version == 1 && fault.eventType == "OrderPlaced")
        #expect(fault.handler == "OrderPlaced")
        #expect(fault.message.contains("cannot be added"))
        #expect(try F.saved(log, "balances").stateValue == ["account-1": 15])

        // Running again retries the poison event and faults on it again, keeping the state.
        let again = try F.run(log, [F.orders])
        #expect(again["orders"]?.status == .faulted)
        #expect(again["orders"]?.fault?.position == 3)
        #expect(try F.saved(log, "orders").stateValue == ["count": 1, "total": 10])
    }

    @Test func changedDefinitionIsStaleUntilRebuilt() throws {
        let scratch = F.Scratch()
        let log = try F.makeLog(scratch, F.bankEvents(count: 50))
        defer { log.close() }
        try F.run(log, [F.orders, F.balances])
        var changed = F.orders
        changed.handlers["OrderPlaced"] = ".count += 2"
        let refused = try F.run(log, [changed, F.balances])
        #expect(refused["orders"]?.status == .stale)
        #expect(refused["orders"]?.message?.contains("another definition") == true)
        #expect(refused["orders"]?.checkpoint == 50)
        #expect(refused["balances"]?.status == .stopped)
        #expect(try F.saved(log, "orders").stateValue?["total"] != nil)  // untouched

        let rebuilt = try F.run(log, [changed], options: .init(rebuildStale: true))
        #expect(rebuilt["orders"]?.status == .stopped)
        #expect(rebuilt["orders"]?.message?.contains("rebuilding it from the start") == true)
        #expect(try F.saved(log, "orders").stateValue == ["count": 20, "total": 0])
        #expect(try F.saved(log, "orders").fingerprint == changed.fingerprint(upcasters: []))
    }

    @Test func upcastersRunBeforeHandlersAndTakePartInTheFingerprint() throws {
        let scratch = F.Scratch()
        try EventLog.create(at: scratch.log)
        let log = try EventLog.openWriter(at: scratch.log, options: .init(durability: .noSync))
        defer { log.close() }
        _ = try log.append(to: "account-1", [NewEvent(type: "MoneyDeposited", data: F.json("{\"cents\":7}"), schemaVersion: 1)])
        _ = try log.append(to: "account-1", [NewEvent(type: "MoneyDeposited", data: F.json("{\"amountCents\":5}"), schemaVersion: 2)])
        let upcasters = [UpcasterDefinition(eventType: "MoneyDeposited", steps: [1: "{amountCents: .cents}"])]
        try F.run(log, [F.balances], upcasters: upcasters)
        #expect(try F.saved(log, "balances").stateValue == ["account-1": 12])
        let other = [UpcasterDefinition(eventType: "MoneyDeposited", steps: [1: "{amountCents: (.cents * 2)}"])]
        #expect(F.balances.fingerprint(upcasters: upcasters) != F.balances.fingerprint(upcasters: other))
        #expect(F.balances.fingerprint(upcasters: []) == F.balances.fingerprint(upcasters: [UpcasterDefinition(eventType: "Other", steps: [1: "."])]))

        let failing = [UpcasterDefinition(eventType: "MoneyDeposited", steps: [1: "error(\"no\")"])]
        let faulted = try F.run(log, [F.balances], upcasters: failing, options: .init(rebuild: ["balances"]))
        #expect(faulted["balances"]?.fault?.handler == "upcaster")
        #expect(faulted["balances"]?.fault?.position == 1)
    }

    @Test func followerAppliesNewEventsAsTheyAreAppendedAndSavesOnStop() throws {
        let scratch = F.Scratch()
        let writer = try F.makeLog(scratch, F.bankEvents(count: 20))
        defer { writer.close() }
        let reader = try EventLog.openReadOnly(at: scratch.log)
        defer { reader.close() }
        let runner = try ProjectionRunner(log: reader, projections: [F.balances], options: .init(follow: true, saveEveryMillis: 50, pollInterval: 0.02))
        try runner.start()
        let more = F.bankEvents(count: 60, seed: 3)
        for chunk in stride(from: 0, to: 60, by: 15) {
            try F.append(writer, Array(more[chunk..<(chunk + 15)]))
            // Each chunk is seen before the next is appended: the runner follows, not catches up.
            #expect(F.waitUntil { runner.progress().first?.checkpoint == UInt64(20 + chunk + 15) })
        }
        #expect(runner.progress().first?.status == .caughtUp)
        // Saved while following (every 50 ms), before any stop.
        #expect(F.waitUntil { (try? F.saved(writer, "balances").checkpoint) == 80 })
        #expect(try F.saved(writer, "balances").status == .running)
        runner.stop()
        #expect(runner.wait() == nil)
        #expect(runner.progress().first?.status == .stopped)
        let record = try F.saved(writer, "balances")
        #expect(record.status == .stopped && record.checkpoint == 80)
        #expect(record.stateValue == F.expectedBalances(F.bankEvents(count: 20) + more))
    }

    @Test func secondRunnerIsRefusedWhileTheFirstHoldsTheLock() throws {
        let scratch = F.Scratch()
        let log = try F.makeLog(scratch, F.bankEvents(count: 10))
        defer { log.close() }
        let first = try ProjectionRunner(log: log, projections: [F.balances], options: .init(follow: true, pollInterval: 0.02))
        try first.start()
        #expect(F.waitUntil { first.progress().first?.status == .caughtUp })
        #expect(ProjectionStore(logPath: log.path).isLocked())
        let second = try ProjectionRunner(log: log, projections: [F.orders])
        #expect {
            try second.run()
        } throws: { error in
            "\(error)".contains("are being run by pid \(getpid())") && "\(error)".contains("stop it first")
        }
        first.stop()
        #expect(first.wait() == nil)
        #expect(!ProjectionStore(logPath: log.path).isLocked())
    }

    @Test func damagedFileIsRebuiltAndTheUserIsTold() throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 30)
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        try F.run(log, [F.balances])
        let path = ProjectionStore(logPath: log.path).path(of: "balances")
        try Data("{\"format\":1,\"name\":\"bal".utf8).write(to: URL(fileURLWithPath: path))
        let progress = try F.run(log, [F.balances])
        #expect(progress["balances"]?.message?.contains("could not be read") == true)
        #expect(try F.saved(log, "balances").stateValue == F.expectedBalances(events))
    }

    @Test func checkpointPastTheHeadIsStale() throws {
        let scratch = F.Scratch()
        let log = try F.makeLog(scratch, F.bankEvents(count: 10))
        defer { log.close() }
        try F.run(log, [F.orders])
        var record = try F.saved(log, "orders")
        record.checkpoint = 99
        try ProjectionStore(logPath: log.path).save(record.encoded(), name: "orders")
        let progress = try F.run(log, [F.orders])
        #expect(progress["orders"]?.status == .stale)
        #expect(progress["orders"]?.message?.contains("past the head") == true)
    }

    @Test func initThatFailsFaultsTheProjectionWithoutAnEvent() throws {
        let scratch = F.Scratch()
        let log = try F.makeLog(scratch, F.bankEvents(count: 10))
        defer { log.close() }
        var broken = F.orders
        broken.initExpression = "error(\"no init\")"
        let progress = try F.run(log, [broken, F.balances])
        #expect(progress["orders"]?.status == .faulted)
        #expect(progress["orders"]?.fault?.position == nil)
        #expect(progress["orders"]?.fault?.handler == "init")
        #expect(progress["balances"]?.status == .stopped)
    }

    @Test func aRunnerRunsOnce() throws {
        let scratch = F.Scratch()
        let log = try F.makeLog(scratch, F.bankEvents(count: 5))
        defer { log.close() }
        let runner = try ProjectionRunner(log: log, projections: [F.orders])
        try runner.run()
        #expect(throws: ProjectionRunner.SetupError.self) { try runner.start() }
        #expect(throws: ProjectionRunner.SetupError.self) { try runner.run() }
        #expect(runner.isFinished && runner.wait() == nil)
    }

    @Test func namesMustBeUniqueFileNames() throws {
        let scratch = F.Scratch()
        let log = try F.makeLog(scratch, [])
        defer { log.close() }
        var slash = F.orders
        slash.name = "a/b"
        #expect(throws: ProjectionRunner.SetupError.self) { try ProjectionRunner(log: log, projections: [slash]) }
        #expect(throws: ProjectionRunner.SetupError.self) { try ProjectionRunner(log: log, projections: [F.orders, F.orders]) }
        #expect(ProjectionDefinition.problem(withName: "../x") != nil)
        #expect(ProjectionDefinition.problem(withName: "balances.v2") == nil)
    }
}
