import Foundation
import Testing

@Suite("rewind generate")
struct GenerateCLITests {
    /// Samples/NAME/FILE in the repository (found from this file's path).
    static func committed(_ sample: String, _ file: String) throws -> String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return try String(contentsOfFile: url.path + "/Samples/\(sample)/\(file)", encoding: .utf8)
    }

    @Test func listsTheSamplesAndPrintsTheCommittedFilesByDefault() throws {
        let list = try CLIRunner.rewind(["generate", "--list"])
        #expect(list.status == 0)
        #expect(list.lines.map { String($0.prefix(while: { $0 != " " })) } == ["bank", "orders", "bookings", "users", "fulfilment"])
        for sample in ["bank", "users"] {
            let events = try CLIRunner.rewind(["generate", sample])
            #expect(events.status == 0 && events.stderr.isEmpty)
            let same = events.stdout == (try Self.committed(sample, "events.jsonl"))
            #expect(same, "rewind generate \(sample) differs from Samples/\(sample)/events.jsonl")
            let config = try CLIRunner.rewind(["generate", sample, "--config"])
            #expect(config.stdout == (try Self.committed(sample, "rewind.toml")))
        }
    }

    @Test func sizeAndSeedAreReproducibleAndOutWritesTheSameBytes() throws {
        let a = try CLIRunner.rewind(["generate", "orders", "--events", "37", "--seed", "9"])
        let b = try CLIRunner.rewind(["generate", "orders", "--events", "37", "--seed", "9"])
        let c = try CLIRunner.rewind(["generate", "orders", "--events", "37", "--seed", "10"])
        #expect(a.status == 0 && a.lines.count == 37)
        #expect(a.stdout == b.stdout && a.stdout != c.stdout)
        let dir = ScratchDirectory()
        let out = dir.file("orders.jsonl")
        let written = try CLIRunner.rewind(["generate", "orders", "--events", "37", "--seed", "9", "--out", out])
        #expect(written.status == 0 && written.stdout.isEmpty)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == a.stdout)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["orders.jsonl"])
    }

    @Test func mistakesSayWhatToDo() throws {
        let unknown = try CLIRunner.rewind(["generate", "shop"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no sample named 'shop'") && unknown.stderr.contains("bank, orders, bookings, users"))
        let none = try CLIRunner.rewind(["generate"])
        #expect(none.status == 64 && none.stderr.contains("--list"))
        let negative = try CLIRunner.rewind(["generate", "bank", "--events", "-3"])
        #expect(negative.status == 64)
        let badOut = try CLIRunner.rewind(["generate", "bank", "--out", "/nonexistent-dir/x.jsonl"])
        #expect(badOut.status == 1 && badOut.stderr.contains("cannot write /nonexistent-dir/x.jsonl"))
    }

    /// The whole path a user takes: a log from a generated history, checked, replayed,
    /// projected and exported without personal data.
    @Test func aGeneratedSampleOpensWithTheCommandLine() throws {
        let dir = ScratchDirectory()
        let log = dir.file("users")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        let config = try CLIRunner.rewind(["generate", "users", "--config", "--out", log + "/rewind.toml"])
        #expect(config.status == 0)
        let history = try CLIRunner.rewind(["generate", "users"])
        let imported = try CLIRunner.rewind(["import", log, "-"], stdin: history.stdout)
        #expect(imported.status == 0, "\(imported.stderr)")
        let check = try CLIRunner.rewind(["config", "check", log])
        #expect(check.status == 0 && check.stdout.contains("1 upcaster"))
        let project = try CLIRunner.rewind(["project", "run", log])
        #expect(project.status == 0, "\(project.stderr)")
        let state = try CLIRunner.rewind(["state", log, "user-3001", "--json"])
        #expect(state.status == 0 && state.stdout.contains("\"firstName\""))
        let export = try CLIRunner.rewind(["export", log, "--redact", "--upcast"])
        #expect(export.status == 0 && export.lines.count == 180)
        #expect(!export.stdout.contains("@example") && !export.stdout.contains("+44 7700"))
        #expect(export.stdout.contains("\"email\":\"[redacted]\""))
    }
}
