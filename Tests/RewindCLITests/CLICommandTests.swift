import Foundation
import Platform
import Testing

@Suite("rewind command line")
struct CLICommandTests {
    @Test func noArgumentsPrintsAnOverviewAndSucceeds() throws {
        let r = try CLIRunner.rewind([])
        #expect(r.status == 0)
        #expect(r.stdout.contains("rewind init"))
        #expect(r.stdout.contains("verify"))
        #expect(r.stdout.contains("The live demo needs a terminal"))
    }

    @Test func appendPrintsPositionAndEnforcesExpectedVersion() throws {
        let dir = ScratchDirectory()
        let log = dir.file("bank")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        let first = try CLIRunner.rewind(["append", log, "account-1", "AccountOpened", "{\"currency\": \"EUR\"}", "--expected-version", "no-stream"])
        #expect(first.status == 0)
        #expect(first.stdout == "{\"stream\":\"account-1\",\"version\":1,\"position\":1}\n")
        let second = try CLIRunner.rewind(["append", log, "account-1", "MoneyDeposited", "-", "--expected-version", "1", "--metadata", "{\"correlationId\":\"c-1\"}"], stdin: "{\"amountCents\":500}\n")
        #expect(second.stdout == "{\"stream\":\"account-1\",\"version\":2,\"position\":2}\n")
        let stale = try CLIRunner.rewind(["append", log, "account-1", "MoneyDeposited", "{}", "--expected-version", "1"])
        #expect(stale.status == 3)
        #expect(stale.stdout.isEmpty)
        #expect(stale.stderr.contains("account-1") && stale.stderr.contains("expected 1") && stale.stderr.contains("version 2"))
        let bad = try CLIRunner.rewind(["append", log, "account-1", "X", "{not json"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("not valid JSON"))

        let read = try CLIRunner.rewind(["read", log, "account-1", "--json"])
        #expect(read.lines.count == 2)
        #expect(read.lines[0].hasPrefix("{\"stream\":\"account-1\",\"type\":\"AccountOpened\",\"data\":{\"currency\":\"EUR\"},\"metadata\":{},\"id\":\""))
        #expect(read.lines[1].contains("\"metadata\":{\"correlationId\":\"c-1\"}"))
        #expect(read.lines[1].contains("\"version\":2") && read.lines[1].contains("\"position\":2"))
    }

    @Test func importIsAllOrNothingAndReportsLineNumbers() throws {
        let dir = ScratchDirectory()
        let log = dir.file("log")
        _ = try CLIRunner.rewind(["init", log])
        let bad = try dir.write("bad.jsonl", """
            {"stream":"order-1","type":"OrderPlaced","data":{"total":10}}
            {"stream":"order-1","type":"OrderPaid"}
            {"stream":"order-2","type":"OrderPlaced","data":{},"version":3}

            [1,2]
            """)
        let r = try CLIRunner.rewind(["import", log, bad])
        #expect(r.status == 1)
        #expect(r.stderr.contains("line 2: missing \"data\""))
        #expect(r.stderr.contains("line 3: event claims version 3 of stream 'order-2'"))
        #expect(r.stderr.contains("line 5: expected a JSON object"))
        #expect(r.stderr.contains("nothing was imported"))
        let streams = try CLIRunner.rewind(["streams", log, "--json"])
        #expect(streams.stdout.isEmpty)

        let good = try dir.write("good.jsonl", """
            {"stream":"order-1","type":"OrderPlaced","data":{"total":10},"time":"2026-01-15T10:00:00Z","id":"3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f"}
            {"stream":"order-1","type":"OrderPaid","data":{},"version":2,"metadata":{"causationId":"x"}}
            {"stream":"cart-9","type":"ItemAdded","data":{"sku":"A"},"schemaVersion":2}
            """)
        let ok = try CLIRunner.rewind(["import", log, good, "--json"])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("\"events\":3") && ok.stdout.contains("\"streams\":2"))
        let e = try CLIRunner.rewind(["read", log, "order-1", "--json"]).lines
        #expect(e.count == 2)
        #expect(e[0].contains("\"id\":\"3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f\"") && e[0].contains("\"time\":\"2026-01-15T10:00:00.000000Z\""))
        #expect(try CLIRunner.rewind(["read", log, "cart-9", "--json"]).stdout.contains("\"schemaVersion\":2"))
    }

    @Test func exportImportsBackToTheSameEvents() throws {
        let dir = ScratchDirectory()
        let source = dir.file("source"), copy = dir.file("copy")
        _ = try CLIRunner.rewind(["init", source])
        var lines: [String] = []
        for i in 1...300 {
            lines.append("{\"stream\":\"account-\(i % 7)\",\"type\":\"MoneyDeposited\",\"data\":{\"amountCents\":\(i),\"note\":\"ünïcødé \\u001b[31m\"},\"metadata\":{\"actor\":\"u\(i)\"}}")
        }
        let input = lines.joined(separator: "\n") + "\n"
        #expect(try CLIRunner.rewind(["import", source, "-"], stdin: input).status == 0)
        let exported = try CLIRunner.rewind(["export", source])
        #expect(exported.lines.count == 300)
        _ = try CLIRunner.rewind(["init", copy])
        #expect(try CLIRunner.rewind(["import", copy, "-"], stdin: exported.stdout).status == 0)
        let again = try CLIRunner.rewind(["export", copy])
        // Same events; only recordedTime (when the copy was written) may be added.
        let strip: (String) -> String = { line in
            guard let r = line.range(of: ",\"recordedTime\"") else { return line }
            return String(line[..<r.lowerBound]) + "}"
        }
        #expect(again.lines.map(strip) == exported.lines.map(strip))
        let one = try CLIRunner.rewind(["export", copy, "--stream", "account-3"])
        #expect(one.lines.count == 43)
    }

    @Test func streamsListsCategoriesCountsAndFiltersByGlob() throws {
        let dir = ScratchDirectory()
        let log = dir.file("log")
        _ = try CLIRunner.rewind(["init", log])
        let input = ["account-1", "account-2", "account-1", "order-7", "order-7", "order-7"]
            .map { "{\"stream\":\"\($0)\",\"type\":\"T\",\"data\":{}}" }.joined(separator: "\n")
        _ = try CLIRunner.rewind(["import", log, "-"], stdin: input)
        let all = try CLIRunner.rewind(["streams", log, "--json", "--sort", "count"]).lines
        #expect(all.count == 3)
        #expect(all[0].hasPrefix("{\"name\":\"order-7\",\"category\":\"order\",\"count\":3,\"lastVersion\":3,\"lastTime\":\""))
        let accounts = try CLIRunner.rewind(["streams", log, "--match", "account-*"])
        #expect(accounts.status == 0)
        #expect(accounts.lines.count == 3)  // header + 2
        #expect(accounts.lines[1].hasPrefix("account-1") && accounts.lines[1].contains(" 2 "))
    }

    @Test func humanOutputNeverCarriesControlSequences() throws {
        let dir = ScratchDirectory()
        let log = dir.file("log")
        _ = try CLIRunner.rewind(["init", log])
        let evil = "{\"stream\":\"x-1\",\"type\":\"Evil\\u001b]0;owned\\u0007\",\"data\":{\"t\":\"\\u001b[2J\\u009b31m\\u202eabc\"}}"
        #expect(try CLIRunner.rewind(["import", log, "-"], stdin: evil).status == 0)
        let table = try CLIRunner.rewind(["read", log])
        #expect(table.status == 0)
        #expect(!table.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B || $0.value == 0x202E })
        #expect(table.stdout.contains("\\e]0;owned\\x07"))
        let json = try CLIRunner.rewind(["read", log, "--json"])
        #expect(!json.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B || $0.value == 0x202E })
        #expect(json.stdout.contains("\\u001b[2J\\u009b31m\\u202eabc"))
    }

    @Test func verifyReportsDamageWithSegmentAndOffset() throws {
        let dir = ScratchDirectory()
        let log = dir.file("log")
        _ = try CLIRunner.rewind(["init", log, "--segment-size", "4096"])
        let input = (1...200).map { "{\"stream\":\"s-\($0 % 5)\",\"type\":\"T\",\"data\":{\"n\":\($0),\"pad\":\"0123456789abcdef\"}}" }.joined(separator: "\n")
        #expect(try CLIRunner.rewind(["import", log, "-"], stdin: input).status == 0)
        let healthy = try CLIRunner.rewind(["verify", log, "--json"])
        #expect(healthy.status == 0)
        #expect(healthy.stdout.contains("\"ok\": true") && healthy.stdout.contains("\"events\": 200"))
        // Flip a byte in the middle of the first (sealed) segment.
        let segment = log + "/segments/000000000001.seg"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
        bytes[2000] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: segment))
        let damaged = try CLIRunner.rewind(["verify", log])
        #expect(damaged.status == 4)
        #expect(damaged.stdout.contains("error: \(segment) at offset"))
        #expect(damaged.stdout.contains("checksum mismatch"))
        let read = try CLIRunner.rewind(["read", log, "--json"])
        #expect(read.status == 4)
        #expect(read.stderr.contains("000000000001.seg") && read.stderr.contains("corrupt"))
    }

    @Test func missingLogAndLockedLogGiveClearErrors() throws {
        let dir = ScratchDirectory()
        let missing = try CLIRunner.rewind(["read", dir.file("nope")])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("rewind init"))
        let notALog = try CLIRunner.rewind(["streams", dir.path])
        #expect(notALog.status == 1)
        #expect(notALog.stderr.contains("is not a Rewind log"))
        let again = try CLIRunner.rewind(["init", dir.file("a")])
        #expect(again.status == 0)
        let twice = try CLIRunner.rewind(["init", dir.file("a")])
        #expect(twice.status == 1 && twice.stderr.contains("already holds a Rewind log"))
    }

    /// Events imported while `tail --follow` runs are printed, in order, across segment rolls.
    /// How quickly is a latency, not a test outcome on a loaded machine: the timeouts only
    /// bound a hang.
    @Test func tailFollowPrintsEventsAppendedWhileItRunsAcrossSegmentRolls() throws {
        let dir = ScratchDirectory()
        let log = dir.file("log")
        _ = try CLIRunner.rewind(["init", log, "--segment-size", "4096"])
        _ = try CLIRunner.rewind(["append", log, "s-1", "First", "{}"])
        let process = Process()
        process.executableURL = CLIRunner.executable("rewind")
        process.arguments = ["tail", log, "--follow", "--json"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        let reader = LineCollector(out.fileHandleForReading)
        #expect(reader.waitForLines(1, timeout: 30))
        // Enough appends to roll segments while following.
        let input = (1...60).map { "{\"stream\":\"s-2\",\"type\":\"Later\",\"data\":{\"n\":\($0),\"pad\":\"................................................\"}}" }.joined(separator: "\n")
        _ = try CLIRunner.rewind(["import", log, "-"], stdin: input)
        #expect(reader.waitForLines(61, timeout: 30))
        let lines = reader.lines
        #expect(lines.first?.contains("\"type\":\"First\"") == true)
        #expect(lines.last?.contains("\"n\":60") == true)
        #expect(lines.count == 61)
    }
}

/// Collects lines from a pipe on a background thread.
final class LineCollector: Sendable {
    private struct Lines {
        var partial = Data()
        var complete: [String] = []
    }

    private let state = Monitor(Lines())

    init(_ handle: Foundation.FileHandle) {
        handle.readabilityHandler = { [state] h in
            let data = h.availableData
            guard !data.isEmpty else { return }
            state.update { s in
                s.partial.append(data)
                while let nl = s.partial.firstIndex(of: 10) {
                    s.complete.append(String(decoding: s.partial[s.partial.startIndex..<nl], as: UTF8.self))
                    s.partial.removeSubrange(s.partial.startIndex...nl)
                }
            }
        }
    }

    var lines: [String] {
        state.read { $0.complete }
    }

    /// Waits until at least `n` lines arrived; false after `timeout` seconds.
    func waitForLines(_ n: Int, timeout: Double) -> Bool {
        state.wait(until: { $0.complete.count >= n }, timeout: timeout)
    }
}
