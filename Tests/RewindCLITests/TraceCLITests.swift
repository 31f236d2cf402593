import Foundation
import Testing

/// `rewind trace` with the real binary: a bank transfer's tree and correlation (human and
/// JSON Lines), event ids and @P, usage errors (64) and unknown events (1), hostile ids on a
/// terminal, and a damaged index file rebuilt with one line told.
@Suite struct TraceCLITests {
    /// A bank log of `events` events in 64 KiB segments (several sealed, each with a .trc).
    static func bankLog(_ dir: ScratchDirectory, events: Int = 1500) throws -> String {
        let log = dir.file("bank")
        #expect(try CLIRunner.rewind(["init", log, "--segment-size", "64KiB"]).status == 0)
        let lines = try CLIRunner.rewind(["generate", "bank", "--events", String(events)])
        let imported = try CLIRunner.rewind(["import", log, "-"], stdin: lines.stdout)
        #expect(imported.status == 0, "\(imported.stderr)")
        return log
    }

    static func objects(_ r: CLIRunner.Result) throws -> [[String: Any]] {
        try r.lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    /// The last TransferReceived of the log, read with `read --json`, and its metadata.
    static func lastTransfer(_ log: String) throws -> (position: Int, id: String, causation: String, correlation: String) {
        let all = try objects(try CLIRunner.rewind(["read", log, "--json"]))
        let received = try #require(all.last { $0["type"] as? String == "TransferReceived" })
        let meta = try #require(received["metadata"] as? [String: Any])
        return (try #require(received["position"] as? Int), try #require(received["id"] as? String),
                try #require(meta["causationId"] as? String), try #require(meta["correlationId"] as? String))
    }

    @Test func aTransfersTraceIsItsTwoEventsInTheTreeAndInTheCorrelation() throws {
        let dir = ScratchDirectory()
        let log = try Self.bankLog(dir)
        let t = try Self.lastTransfer(log)
        let first = try CLIRunner.rewind(["trace", log, "@\(t.position)", "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("built the trace index of"))
        let lines = try Self.objects(first)
        #expect(lines.map { $0["part"] as? String } == ["tree", "tree", "correlation", "correlation"])
        #expect(lines.map { $0["depth"] as? Int } == [0, 1, nil, nil])
        #expect(lines[0]["id"] as? String == t.causation && lines[0]["type"] as? String == "TransferSent")
        #expect(lines[0]["parent"] is NSNull && lines[1]["parent"] as? String == t.causation)
        #expect(lines[1]["position"] as? Int == t.position && lines[1]["chosen"] as? Bool == true && lines[0]["chosen"] == nil)
        #expect(lines[0]["stream"] as? String != lines[1]["stream"] as? String, "a transfer crosses accounts")
        #expect(lines[2]["id"] as? String == t.causation && lines[3]["id"] as? String == t.id)
        for l in lines { #expect(l["data"] != nil && l["metadata"] != nil && l["version"] != nil, "read --json's shape") }

        let byID = try CLIRunner.rewind(["trace", log, t.id, "--json"])
        #expect(byID.status == 0 && byID.stdout == first.stdout && byID.stderr.isEmpty, "\(byID.stderr)")
        let correlation = try CLIRunner.rewind(["trace", log, "--correlation", t.correlation, "--json"])
        #expect(try Self.objects(correlation).map { $0["id"] as? String } == [t.causation, t.id])

        let human = try CLIRunner.rewind(["trace", log, "@\(t.position)"])
        #expect(human.status == 0)
        #expect(human.lines.first == "causation tree")
        #expect(human.lines[2].hasPrefix("> @\(t.position) "))
        #expect(human.lines.contains("correlation \(t.correlation): 2 events"))
    }

    @Test func usageErrorsExit64AndUnknownEventsExit1WithASentence() throws {
        let dir = ScratchDirectory()
        let log = try Self.bankLog(dir, events: 200)
        for args in [["trace", log], ["trace", log, "@1", "--correlation", "x"], ["trace", log, "@zero"], ["trace", log, "@0"], ["trace", log, "not-an-id"]] {
            let r = try CLIRunner.rewind(args)
            #expect(r.status == 64, "\(args): \(r.stderr)")
        }
        let missing = try CLIRunner.rewind(["trace", log, "00000000-0000-4000-8000-000000000000"])
        #expect(missing.status == 1 && missing.stderr.contains("no event with id 00000000-0000-4000-8000-000000000000"))
        let past = try CLIRunner.rewind(["trace", log, "@201"])
        #expect(past.status == 1 && past.stderr.contains("no event at position 201"))
        let nobody = try CLIRunner.rewind(["trace", log, "--correlation", "nobody", "--json"])
        #expect(nobody.status == 1 && nobody.stderr.contains("no event in") && nobody.stdout.contains("\"error\""))
    }

    @Test func hostileIdsAreEscapedAndAMissingParentIsShown() throws {
        let dir = ScratchDirectory()
        let log = dir.file("log")
        _ = try CLIRunner.rewind(["init", log])
        let meta = #"{"correlationId":"\u001b]52;c;QUJD\u0007\u202e","causationId":"\u001b[2J-not-an-event"}"#
        let appended = try CLIRunner.rewind(["append", log, "evil-1", "Did\u{1b}[31m", "{}", "--metadata", meta])
        #expect(appended.status == 0, "\(appended.stderr)")
        let r = try CLIRunner.rewind(["trace", log, "@1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("\u{1b}") && !r.stdout.contains("\u{7}") && !r.stdout.contains("\u{202e}"))
        #expect(r.stdout.contains("missing parent") && r.stdout.contains("\\e[2J-not-an-event"))
        let json = try Self.objects(try CLIRunner.rewind(["trace", log, "@1", "--json"]))
        #expect(json.first?["missing"] as? Bool == true && json.first?["id"] as? String == "\u{1b}[2J-not-an-event")
        #expect(json[1]["depth"] as? Int == 1)
    }

    @Test func aDamagedIndexFileIsRebuiltWithOneLineAndTheSameTrace() throws {
        let dir = ScratchDirectory()
        let log = try Self.bankLog(dir)
        let t = try Self.lastTransfer(log)
        let clean = try CLIRunner.rewind(["trace", log, "@\(t.position)", "--json"])
        let file = log + "/index/000000000002.trc"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        // The page directory (the first page's checksum, after the 64-byte header), read at every open.
        bytes[68] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let again = try CLIRunner.rewind(["trace", log, "@\(t.position)", "--json"])
        #expect(again.status == 0 && again.stdout == clean.stdout)
        #expect(again.stderr.split(separator: "\n") == ["rewind: trace index index/000000000002.trc was damaged (checksum mismatch); rebuilt it from the segment"])
        let third = try CLIRunner.rewind(["trace", log, "@\(t.position)", "--json"])
        #expect(third.stderr.isEmpty && third.stdout == clean.stdout)
    }
}
