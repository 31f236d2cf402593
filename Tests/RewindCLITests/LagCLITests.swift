import EventLog
import Foundation
import Replay
import Testing

#if canImport(Glibc)
import Glibc
import JSON
import Platform
#endif

@Suite("rewind lag", .serialized)
struct LagCLITests {
    typealias F = ProjectCLIFixtures

    /// A log with 400 events, the three projections run (types then faulted by nothing), and
    /// three external consumers: one behind, one caught up, one malformed.
    static func makeLog(_ dir: ScratchDirectory) throws -> String {
        let log = dir.file("bank")
        _ = try CLIRunner.rewind(["init", log])
        _ = try dir.write("bank/rewind.toml", F.config)
        try F.importEvents(F.events(400, seed: 5), into: log, dir: dir, name: "e.jsonl")
        #expect(try CLIRunner.rewind(["project", "run", log, "balances", "types"]).status == 0)
        try ExternalCheckpoints.write(name: "mailer", position: 150, updatedAtMicros: WallClock.nowMicros(), logPath: log)
        try ExternalCheckpoints.write(name: "search", position: 400, updatedAtMicros: WallClock.nowMicros() - 3_600_000_000, logPath: log)
        _ = try dir.write("bank/checkpoints/broken.json", "{\"position\": \"twelve\"}")
        return log
    }

    @Test func jsonIsAnArrayInTheDesignShape() throws {
        let dir = ScratchDirectory()
        let log = try Self.makeLog(dir)
        let r = try CLIRunner.rewind(["lag", log, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines.count == 1)
        let array = try #require(try JSONValue.parse(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValue)
        #expect(array.map { $0["name"]?.stringValue ?? "?" } == ["balances", "types", "first-order", "broken", "mailer", "search"])
        let design = ["name", "kind", "position", "head", "lagEvents", "lagSeconds", "rate", "status"]
        for item in array {
            let keys = item.objectValue.map { Array($0.keys) } ?? []
            #expect(Array(keys.prefix(8)) == design)
            #expect(Array(keys.dropFirst(8)) == ["eta", "updatedAt", "fault", "problem", "note"])
            #expect(item["head"] == 400)
        }
        let byName = Dictionary(uniqueKeysWithValues: array.map { ($0["name"]?.stringValue ?? "", $0) })
        #expect(byName["balances"]?["kind"] == "projection" && byName["balances"]?["position"] == 400)
        #expect(byName["balances"]?["lagEvents"] == 0 && byName["balances"]?["lagSeconds"] == 0 && byName["balances"]?["status"] == "ok")
        #expect(byName["balances"]?["rate"] == .null)  // one look: no rate
        #expect(byName["first-order"]?["position"] == 0 && byName["first-order"]?["status"] == "stalled")
        #expect(byName["first-order"]?["note"]?.stringValue?.contains("never run") == true)
        let mailer = try #require(byName["mailer"])
        #expect(mailer["kind"] == "external" && mailer["position"] == 150 && mailer["lagEvents"] == 250 && mailer["status"] == "catching-up")
        #expect((mailer["lagSeconds"]?.doubleValue ?? -1) >= 0)
        #expect(byName["search"]?["status"] == "ok")
        let broken = try #require(byName["broken"])
        #expect(broken["status"] == "unknown" && broken["position"] == .null && broken["lagEvents"] == .null)
        #expect(broken["problem"]?.stringValue?.contains("is malformed") == true)
    }

    @Test func tableAndStalledThreshold() throws {
        let dir = ScratchDirectory()
        let log = try Self.makeLog(dir)
        try ExternalCheckpoints.write(name: "mailer", position: 150, updatedAtMicros: WallClock.nowMicros() - 60_000_000, logPath: log)
        let r = try CLIRunner.rewind(["lag", log])
        #expect(r.status == 0)
        #expect(r.lines.first?.hasPrefix("CONSUMER") == true)
        #expect(r.lines.contains { $0.hasPrefix("mailer") && $0.contains("external") && $0.contains("250") && $0.hasSuffix("stalled") })
        #expect(r.lines.contains { $0.hasPrefix("balances") && $0.hasSuffix("ok") })
        #expect(r.stdout.contains("broken: ") && r.stdout.contains("is malformed"))
        let patient = try CLIRunner.rewind(["lag", log, "--json", "--stalled-after", "120"])
        #expect(patient.stdout.contains("\"name\":\"mailer\",\"kind\":\"external\",\"position\":150,\"head\":400,\"lagEvents\":250"))
        #expect(patient.stdout.contains("\"status\":\"catching-up\""))
        let empty = dir.file("empty")
        _ = try CLIRunner.rewind(["init", empty])
        let none = try CLIRunner.rewind(["lag", empty, "--json"])
        #expect(none.status == 0 && none.stdout == "[]\n")
    }

    @Test func watchPrintsOneArrayPerSampleWithRatesUntilInterrupted() throws {
        let dir = ScratchDirectory()
        let log = try Self.makeLog(dir)
        let process = Process()
        process.executableURL = CLIRunner.executable("rewind")
        process.arguments = ["lag", log, "--watch", "--json", "--interval", "0.2"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let samples = LineCollector(out.fileHandleForReading)
        try process.run()
        // The mailer moves after each sample is printed, so every later sample sees it moved:
        // its rate shows from the second sample on.
        for step in 1...4 {
            #expect(samples.waitForLines(step, timeout: 20))
            try ExternalCheckpoints.write(name: "mailer", position: UInt64(150 + step * 20), updatedAtMicros: WallClock.nowMicros(), logPath: log)
        }
        #expect(samples.waitForLines(5, timeout: 20))
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        out.fileHandleForReading.readabilityHandler = nil
        #expect(process.terminationStatus == 0)
        let lines = samples.lines
        #expect(lines.count >= 5)
        let rates = lines.compactMap { line -> Double? in
            let array = (try? JSONValue.parse(line))?.arrayValue ?? []
            return array.first { $0["name"] == "mailer" }?["rate"]?.doubleValue
        }
        #expect(rates.contains { $0 > 0 }, "rates seen: \(rates)")
    }
}
