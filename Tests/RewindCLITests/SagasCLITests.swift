import Foundation
import Testing

/// `rewind sagas` with the real binary on the fulfilment sample: the list with counts per
/// status (human and JSON), the status filter, one instance step by step, usage errors (64),
/// a log without sagas (1), and hostile ids on a terminal.
@Suite struct SagasCLITests {
    /// The fulfilment sample imported into a fresh log with its rewind.toml.
    static func fulfilmentLog(_ dir: ScratchDirectory) throws -> String {
        let log = dir.file("fulfilment")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        let config = try CLIRunner.rewind(["generate", "fulfilment", "--config"])
        try Data(config.stdout.utf8).write(to: URL(fileURLWithPath: log + "/rewind.toml"))
        let lines = try CLIRunner.rewind(["generate", "fulfilment"])
        let imported = try CLIRunner.rewind(["import", log, "-"], stdin: lines.stdout)
        #expect(imported.status == 0, "\(imported.stderr)")
        return log
    }

    static func objects(_ r: CLIRunner.Result) throws -> [[String: Any]] {
        try r.lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    @Test func theSampleListsOneStuckAndOneOutOfOrderInstanceWithCounts() throws {
        let dir = ScratchDirectory()
        let log = try Self.fulfilmentLog(dir)
        let r = try CLIRunner.rewind(["sagas", log, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let objects = try Self.objects(r)
        let summary = try #require(objects.last)
        let counts = try #require(summary["counts"] as? [String: Int])
        let instances = objects.dropLast()
        #expect(summary["instances"] as? Int == instances.count)
        for status in ["completed", "compensated", "failed", "stuck", "running"] {
            #expect(counts[status] == instances.filter { $0["status"] as? String == status }.count, "\(status)")
        }
        #expect(counts["stuck"] == 1 && counts["outOfOrder"] == 1)
        let bad = try #require(instances.first { $0["inOrder"] as? Bool == false })
        #expect((bad["reason"] as? String)?.contains("StockReleased (undoing StockReserved) ran before PaymentRefunded (undoing PaymentCharged)") == true)

        let human = try CLIRunner.rewind(["sagas", log])
        #expect(human.lines.first?.hasPrefix("saga fulfilment (correlation; 4 steps; timeout 12h): \(instances.count) instances") == true)
        #expect(human.lines[1].contains("stuck 1") && human.lines[1].contains("(1 out of order)"))
        #expect(human.lines[2].hasPrefix("INSTANCE"))

        let stuck = try CLIRunner.rewind(["sagas", log, "fulfilment", "--status", "stuck"])
        #expect(stuck.status == 0 && stuck.lines.count == 4, "\(stuck.stdout)")
        #expect(stuck.lines[3].contains("stuck") && stuck.lines[3].contains("2/4") && stuck.lines[3].contains("waiting for ShipmentDispatched"))
    }

    @Test func oneInstanceShowsItsStepsEventsAndCompensations() throws {
        let dir = ScratchDirectory()
        let log = try Self.fulfilmentLog(dir)
        let list = try Self.objects(try CLIRunner.rewind(["sagas", log, "fulfilment", "--status", "compensated", "--json"]))
        let id = try #require(list.first { $0["inOrder"] as? Bool == false }?["instance"] as? String)
        let r = try CLIRunner.rewind(["sagas", log, "fulfilment", "--instance", id])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines.first == "saga fulfilment, instance \(id): compensated")
        #expect(r.lines.contains("steps") && r.lines.contains("failure"))
        #expect(r.lines.contains { $0.hasPrefix("  1. StockReserved") && $0.contains(" inventory-") })
        #expect(r.lines.contains { $0.hasPrefix("  3. ShipmentDispatched") && $0.hasSuffix("not run") })
        #expect(r.lines.contains("compensations, in the order they ran (OUT OF ORDER)"))
        let json = try #require(try Self.objects(try CLIRunner.rewind(["sagas", log, "fulfilment", "--instance", id, "--json"])).first)
        #expect(json["status"] as? String == "compensated" && json["inOrder"] as? Bool == false)
        #expect(json["compensationOrder"] as? [String] == ["StockReserved", "PaymentCharged"])
        let steps = try #require(json["steps"] as? [[String: Any]])
        let reserve = try #require((steps[0]["events"] as? [[String: Any]])?.first)
        #expect((reserve["stream"] as? String)?.hasPrefix("inventory-") == true && reserve["type"] as? String == "StockReserved")
        #expect(reserve["position"] is Int && reserve["version"] is Int && reserve["time"] is String)
        // The events behind it are the trace of its correlation.
        let trace = try CLIRunner.rewind(["trace", log, "--correlation", id, "--json"])
        #expect(try Self.objects(trace).count == 5)
    }

    @Test func usageErrorsExit64AndALogWithoutSagasExits1() throws {
        let dir = ScratchDirectory()
        let log = try Self.fulfilmentLog(dir)
        for args in [["sagas", log, "--instance", "x"], ["sagas", log, "--status", "sideways"], ["sagas", log, "nope"],
                     ["sagas", log, "fulfilment", "--instance", "x", "--status", "stuck"]] {
            let r = try CLIRunner.rewind(args)
            #expect(r.status == 64, "\(args): \(r.stderr)")
        }
        let unknown = try CLIRunner.rewind(["sagas", log, "fulfilment", "--instance", "nobody"])
        #expect(unknown.status == 1 && unknown.stderr.contains("has no instance 'nobody'"))
        let bare = dir.file("bare")
        _ = try CLIRunner.rewind(["init", bare])
        let none = try CLIRunner.rewind(["sagas", bare, "--json"])
        #expect(none.status == 1 && none.stderr.contains("defines no sagas") && none.stdout.contains("\"error\""))
    }

    @Test func hostileIdsAndTypesAreEscaped() throws {
        let dir = ScratchDirectory()
        let log = dir.file("log")
        _ = try CLIRunner.rewind(["init", log])
        let config = "[sagas.s]\ncorrelation = true\nsteps = [\"Did\\u001b[31m\", \"Next\"]\ntimeout = \"1m\"\n"
        try Data(config.utf8).write(to: URL(fileURLWithPath: log + "/rewind.toml"))
        let meta = #"{"correlationId":"\u001b]52;c;QUJD\u0007\u202e"}"#
        let appended = try CLIRunner.rewind(["append", log, "evil-1", "Did\u{1b}[31m", "{}", "--metadata", meta])
        #expect(appended.status == 0, "\(appended.stderr)")
        let list = try CLIRunner.rewind(["sagas", log])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("running") || list.stdout.contains("stuck"))
        let id = try #require(try Self.objects(try CLIRunner.rewind(["sagas", log, "--json"])).first?["instance"] as? String)
        let one = try CLIRunner.rewind(["sagas", log, "s", "--instance", id])
        #expect(one.status == 0, "\(one.stderr)")
        for out in [list.stdout, one.stdout] {
            #expect(!out.contains("\u{1b}") && !out.contains("\u{7}") && !out.contains("\u{202e}"))
        }
        #expect(one.stdout.contains("\\e[31m"))
    }
}
