import Foundation
import Testing

@Suite("rewind snapshot")
struct SnapshotCLITests {
    static let toml = """
        [aggregates.counter]
        streams = "counter-*"
        init = '{total: 0}'
        [aggregates.counter.on]
        Added = '.total += $e.data.by'

        [snapshots]
        every = 10
        """

    /// A log made by `rewind import`: counter-1 with 35 events (total after v = v(v+1)/2),
    /// plain-1 with 12 events for the generic fold.
    static func log(_ dir: ScratchDirectory) throws -> String {
        let log = dir.file("log")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        var lines = ""
        for i in 1...35 { lines += #"{"stream":"counter-1","type":"Added","data":{"by":\#(i)}}"# + "\n" }
        for i in 1...12 { lines += #"{"stream":"plain-1","type":"Set","data":{"i":\#(i)}}"# + "\n" }
        #expect(try CLIRunner.rewind(["import", log, "-"], stdin: lines).status == 0)
        _ = try dir.write("log/rewind.toml", toml)
        return log
    }

    @Test func createListVerifyAndUse() throws {
        let dir = ScratchDirectory()
        let log = try Self.log(dir)
        let create = try CLIRunner.rewind(["snapshot", "create", log])
        #expect(create.status == 0, "\(create.stderr)")
        #expect(create.stdout.contains("counter-1: 3 snapshots at versions 10…30 · reducer counter"))
        #expect(create.stdout.contains("plain-1: 1 snapshot at version 10 · reducer generic fold"))
        #expect(create.stderr.contains("created 4 snapshots of 2 streams"))
        let list = try CLIRunner.rewind(["snapshot", "list", log, "--json"])
        #expect(list.lines.count == 4)
        #expect(list.lines.allSatisfy { $0.contains(#""status":"ok""#) })
        let verify = try CLIRunner.rewind(["snapshot", "verify", log])
        #expect(verify.status == 0)
        #expect(verify.stderr.contains("verified 4 snapshots: all match a replay"))
        let state = try CLIRunner.rewind(["state", log, "counter-1", "--version", "33"])
        #expect(state.lines.first?.contains("from the snapshot at version 30 + 3 events") == true)
        #expect(state.stdout.contains(#""total": 561"#))
        // A glob picks streams; --every overrides the policy. Replay starts at the newest
        // snapshot (30), so only 35 is new.
        let more = try CLIRunner.rewind(["snapshot", "create", log, "counter-*", "--every", "5", "--json"])
        #expect(more.lines == [#"{"stream":"counter-1","version":35,"reducer":"counter","file":"\#(dir.file("log/snapshots/counter-1/v00000000000000000035.snap"))"}"#])
    }

    @Test func verifyFailsOnCorruptStaleAndDriftingSnapshots() throws {
        let dir = ScratchDirectory()
        let log = try Self.log(dir)
        #expect(try CLIRunner.rewind(["snapshot", "create", log, "counter-1"]).status == 0)
        let files = dir.file("log/snapshots/counter-1")
        // Corrupt: flip a byte of the state of version 20.
        let twenty = files + "/v00000000000000000020.snap"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: twenty)))
        bytes[bytes.count - 3] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: twenty))
        let verify = try CLIRunner.rewind(["snapshot", "verify", log])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("corrupt: counter-1 at version 20"))
        #expect(verify.stdout.contains("checksum mismatch"))
        #expect(verify.stderr.contains("1 of 3 snapshots verified cannot be used (1 corrupt)"))
        #expect(verify.stderr.contains("rewind snapshot rebuild"))
        // The state never uses it.
        let state = try CLIRunner.rewind(["state", log, "counter-1", "--version", "25"])
        #expect(state.stdout.contains("from the snapshot at version 10 + 15 events"))
        #expect(state.stdout.contains(#""total": 325"#))
        #expect(state.stderr.contains("the snapshot of counter-1 at version 20 was not used (corrupt"))
        // Stale: change a handler.
        _ = try dir.write("log/rewind.toml", Self.toml.replacingOccurrences(of: ".total += $e.data.by", with: ".total += $e.data.by * 1"))
        let stale = try CLIRunner.rewind(["snapshot", "verify", log, "--json"])
        #expect(stale.status == 1)
        #expect(stale.lines.filter { $0.contains(#""status":"stale""#) }.count == 2)
        // Rebuild makes them all good again.
        let rebuild = try CLIRunner.rewind(["snapshot", "rebuild", log, "counter-1"])
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        #expect(try CLIRunner.rewind(["snapshot", "verify", log]).status == 0)
    }

    @Test func importChecksProductionSnapshotsAgainstTheEvents() throws {
        let dir = ScratchDirectory()
        let log = try Self.log(dir)
        let file = try dir.write("prod.jsonl", """
            {"stream":"counter-1","version":10,"state":{"total":55}}
            {"stream":"counter-1","version":20,"state":{"total":200}}
            """)
        let r = try CLIRunner.rewind(["snapshot", "import", log, file])
        #expect(r.status == 1)
        #expect(r.stdout.contains("drift: counter-1 at version 20"))
        #expect(r.stdout.contains("~ .total: 210 (replay) → 200 (snapshot)"))
        #expect(r.stderr.contains("1 of 2 snapshots imported cannot be used (1 drift)"))
        let list = try CLIRunner.rewind(["snapshot", "list", log])
        #expect(list.stdout.contains("import"))
        #expect(list.lines.filter { $0.hasSuffix("drift") }.count == 1)
        let bad = try dir.write("bad.jsonl", #"{"stream":"counter-1","version":99,"state":{}}"# + "\n")
        let refused = try CLIRunner.rewind(["snapshot", "import", log, bad])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("line 1: counter-1 has 35 events; version 99 is beyond its end"))
        #expect(refused.stderr.contains("nothing was imported"))
        let good = try dir.write("good.jsonl", #"{"stream":"counter-1","version":30,"state":{"total":465}}"# + "\n")
        let ok = try CLIRunner.rewind(["snapshot", "import", log, good])
        #expect(ok.status == 0)
        #expect(ok.stderr.contains("imported 1 snapshot: all match a replay"))
    }

    @Test func errorsAndEmptyCases() throws {
        let dir = ScratchDirectory()
        let log = try Self.log(dir)
        let none = try CLIRunner.rewind(["snapshot", "list", log])
        #expect(none.status == 0)
        #expect(none.stderr.contains("no snapshots"))
        let unknown = try CLIRunner.rewind(["snapshot", "create", log, "nothing-*"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no stream named or matching 'nothing-*'"))
        let notDue = try CLIRunner.rewind(["snapshot", "create", log, "plain-1", "--every", "100"])
        #expect(notDue.status == 0)
        #expect(notDue.stderr.contains("no snapshot was due"))
        let missing = try CLIRunner.rewind(["snapshot", "import", log, dir.file("absent.jsonl")])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("does not exist"))
    }
}
