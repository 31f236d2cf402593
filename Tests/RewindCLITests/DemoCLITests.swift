import Foundation
import Platform
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("rewind demo", .serialized)
struct DemoCLITests {
    /// The demo's directory, from the status line "directory /tmp/rewind-demo-…: …".
    static func directory(in stdout: String) -> String? {
        for line in stdout.split(separator: "\n") where line.hasPrefix("directory ") {
            return line.dropFirst(10).split(separator: ":").first.map(String.init)
        }
        return nil
    }

    @Test func headlessRunsForTheGivenSecondsPrintsLagAndCleansUp() throws {
        let r = try CLIRunner.rewind(["demo", "bank", "--headless", "--seconds", "2", "--rate", "50", "--events", "40"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("bank sample: log "))
        #expect(r.stdout.contains("projection balances: keeps up") && r.stdout.contains("projection daily-volume: faults on poison events"))
        #expect(r.stdout.contains("CONSUMER") && r.stdout.contains("ledger-export"))
        let dir = try #require(Self.directory(in: r.stdout))
        #expect(dir.contains("rewind-demo-"))
        #expect(r.stderr.contains("removed \(dir)"))
        #expect(!FileManager.default.fileExists(atPath: dir))
    }

    @Test func keepLeavesALogTheOtherCommandsRead() throws {
        let r = try CLIRunner.rewind(["demo", "orders", "--headless", "--seconds", "1", "--keep", "--events", "30"])
        #expect(r.status == 0, "\(r.stderr)")
        let dir = try #require(Self.directory(in: r.stdout))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + "/orders"
        #expect(r.stderr.contains("kept at \(log)"))
        let lag = try CLIRunner.rewind(["lag", log, "--json"])
        #expect(lag.status == 0 && lag.stdout.contains("\"customers\"") && lag.stdout.contains("\"warehouse-sync\""))
        #expect(try CLIRunner.rewind(["verify", log]).status == 0)
    }

    @Test func sigtermStopsTheDemoAndRemovesItsDirectory() throws {
        let process = Process()
        process.executableURL = CLIRunner.executable("rewind")
        process.arguments = ["demo", "users", "--headless", "--rate", "40", "--events", "30"]
        var env = ProcessInfo.processInfo.environment
        env["CI"] = "1"
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        // Read on a thread of our own and poll with a deadline: a blocking read on the test's
        // thread could wait for ever if the demo stalled, and the test must fail instead.
        let collected = Monitor(Data())
        let reader = out.fileHandleForReading
        let drain = Thread {
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { return }
                collected.update { $0.append(chunk) }
            }
        }
        drain.start()
        _ = collected.wait(until: { Self.directory(in: String(decoding: $0, as: UTF8.self)) != nil }, timeout: 30)
        let text = collected.read { String(decoding: $0, as: UTF8.self) }
        if Self.directory(in: text) == nil { process.terminate() }
        let dir = try #require(Self.directory(in: text), "no directory line in: \(text)")
        #expect(FileManager.default.fileExists(atPath: dir + "/users/rewind.toml"))
        kill(process.processIdentifier, SIGTERM)
        // A demo that ignores SIGTERM must fail this test, not hang the suite.
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("the demo did not stop within 60 s of SIGTERM")
        }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: dir))
    }

    @Test func unknownSampleIsAUsageError() throws {
        let r = try CLIRunner.rewind(["demo", "shop", "--headless", "--seconds", "1"])
        #expect(r.status == 64 && r.stderr.contains("bank, orders, bookings, users"))
    }
}
