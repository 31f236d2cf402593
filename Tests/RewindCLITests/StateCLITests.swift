import Foundation
import Testing

@Suite("rewind state")
struct StateCLITests {
    static let events = """
        {"stream":"account-1","type":"AccountOpened","data":{"currency":"EUR","owner":"ann"},"time":"2026-01-15T10:00:00Z"}
        {"stream":"account-1","type":"MoneyDeposited","data":{"amountCents":500},"time":"2026-01-15T11:00:00Z"}
        {"stream":"account-2","type":"AccountOpened","data":{"currency":"USD"},"time":"2026-01-15T11:30:00Z"}
        {"stream":"account-1","type":"MoneyWithdrawn","data":{"amountCents":200},"time":"2026-01-15T12:00:00Z"}
        {"stream":"account-1","type":"Tagged","data":["vip"],"time":"2026-01-15T13:00:00Z"}

        """

    static let toml = """
        [aggregates.account]
        streams = "account-*"
        init = '{balanceCents: 0, opened: false}'
        [aggregates.account.on]
        AccountOpened  = '.opened = true | .currency = $e.data.currency'
        MoneyDeposited = '.balanceCents += $e.data.amountCents'
        MoneyWithdrawn = '.balanceCents -= $e.data.amountCents'
        """

    /// A log made by `rewind import`.
    static func importedLog(_ dir: ScratchDirectory) throws -> String {
        let log = dir.file("bank")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        let imported = try CLIRunner.rewind(["import", log, "-"], stdin: events)
        #expect(imported.status == 0, "\(imported.stderr)")
        return log
    }

    @Test func genericFoldWithNoConfiguration() throws {
        let dir = ScratchDirectory()
        let log = try Self.importedLog(dir)
        let json = try CLIRunner.rewind(["state", log, "account-1", "--json"])
        #expect(json.status == 0)
        #expect(json.stdout == #"{"currency":"EUR","owner":"ann","amountCents":200,"Tagged":["vip"]}"# + "\n")
        let human = try CLIRunner.rewind(["state", log, "account-1"])
        #expect(human.status == 0)
        #expect(human.lines.first?.hasPrefix("account-1 @ version 4 of 4 · Tagged at 2026-01-15T13:00:00.000Z (position 5) · reducer: generic fold") == true)
        #expect(human.lines.dropFirst().joined(separator: "\n") == """
            {
              "currency": "EUR",
              "owner": "ann",
              "amountCents": 200,
              "Tagged": [
                "vip"
              ]
            }
            """)
    }

    @Test func versionTimeAndPositionChooseTheState() throws {
        let dir = ScratchDirectory()
        let log = try Self.importedLog(dir)
        func state(_ extra: [String]) throws -> String {
            let r = try CLIRunner.rewind(["state", log, "account-1", "--json"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout.trimmingCharacters(in: .newlines)
        }
        #expect(try state(["--version", "2"]) == #"{"currency":"EUR","owner":"ann","amountCents":500}"#)
        #expect(try state(["--version", "0"]) == "{}")
        #expect(try state(["--time", "2026-01-15T11:59:59Z"]) == #"{"currency":"EUR","owner":"ann","amountCents":500}"#)
        #expect(try state(["--time", "2026-01-15 12:00"]) == #"{"currency":"EUR","owner":"ann","amountCents":200}"#)
        #expect(try state(["--time", "2026-01-15T12:59:59+01:00"]) == #"{"currency":"EUR","owner":"ann","amountCents":500}"#)
        #expect(try state(["--time", "2026-01-15T13:00:00+01:00"]) == #"{"currency":"EUR","owner":"ann","amountCents":200}"#)
        // Position 3 belongs to account-2: the last account-1 event at or before it is version 2.
        #expect(try state(["--position", "3"]) == #"{"currency":"EUR","owner":"ann","amountCents":500}"#)
        let early = try CLIRunner.rewind(["state", log, "account-1", "--time", "2026-01-14"])
        #expect(early.status == 0)
        #expect(early.stdout.contains("version 0 of 4 · initial state"))
        #expect(early.stderr.contains("no event at or before 2026-01-14T00:00:00Z"))
    }

    @Test func jqAggregateFromTheConfiguration() throws {
        let dir = ScratchDirectory()
        let log = try Self.importedLog(dir)
        let config = try dir.write("rewind.toml", Self.toml)
        let r = try CLIRunner.rewind(["state", log, "account-1", "--config", config, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == #"{"balanceCents":300,"opened":true,"currency":"EUR"}"# + "\n")
        let human = try CLIRunner.rewind(["state", log, "account-1", "--config", config, "--version", "2"])
        #expect(human.lines.first?.contains("version 2 of 4 · MoneyDeposited") == true)
        #expect(human.lines.first?.contains("reducer: account (jq)") == true)
        // LOG/rewind.toml is found without --config.
        _ = try dir.write("bank/rewind.toml", Self.toml)
        #expect(try CLIRunner.rewind(["state", log, "account-1", "--json"]).stdout.contains("\"balanceCents\":300"))
    }

    @Test func blameShowsWhichVersionSetEachField() throws {
        let dir = ScratchDirectory()
        let log = try Self.importedLog(dir)
        let generic = try CLIRunner.rewind(["state", log, "account-1", "--blame"])
        #expect(generic.status == 0)
        #expect(generic.stdout.contains(#""currency": "EUR",   ← v1 AccountOpened"#))
        #expect(generic.stdout.contains(#""amountCents": 200,  ← v3 MoneyWithdrawn"#))
        #expect(generic.stdout.contains(#""Tagged": [          ← v4 Tagged"#))
        _ = try dir.write("bank/rewind.toml", Self.toml)
        let jq = try CLIRunner.rewind(["state", log, "account-1", "--blame", "--json"])
        #expect(jq.stdout == #"{"version":4,"state":{"balanceCents":300,"opened":true,"currency":"EUR"},"blame":{".balanceCents":3,".opened":1,".currency":1}}"# + "\n")
    }

    @Test func skipReplaysAWhatIfAndShowsTheDifference() throws {
        let dir = ScratchDirectory()
        let log = try Self.importedLog(dir)
        _ = try dir.write("bank/rewind.toml", Self.toml)
        let r = try CLIRunner.rewind(["state", log, "account-1", "--skip", "3"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines.first?.contains("what if version 3 had not happened") == true)
        #expect(r.stdout.contains(#"~ .balanceCents: 300 (actual) → 500 (what-if)"#))
        let json = try CLIRunner.rewind(["state", log, "account-1", "--skip", "2-3", "--json"])
        #expect(json.stdout == #"{"balanceCents":0,"opened":true,"currency":"EUR"}"# + "\n")
        let before = try CLIRunner.rewind(["state", log, "account-1", "--json"])
        #expect(before.stdout.contains("\"balanceCents\":300"))
    }

    @Test func errorsSayWhatToDo() throws {
        let dir = ScratchDirectory()
        let log = try Self.importedLog(dir)
        let unknown = try CLIRunner.rewind(["state", log, "account-9"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no stream named 'account-9'") && unknown.stderr.contains("rewind streams"))
        let beyond = try CLIRunner.rewind(["state", log, "account-1", "--version", "7"])
        #expect(beyond.status == 1)
        #expect(beyond.stderr.contains("account-1 has 4 events; --version 7 is beyond its end (use 0…4)"))
        let badTime = try CLIRunner.rewind(["state", log, "account-1", "--time", "yesterday"])
        #expect(badTime.status == 1)
        #expect(badTime.stderr.contains("is not a time; use RFC 3339"))
        let both = try CLIRunner.rewind(["state", log, "account-1", "--version", "1", "--position", "2"])
        #expect(both.status == 64)
        #expect(both.stderr.contains("at most one of --version, --time and --position"))
        let badSkip = try CLIRunner.rewind(["state", log, "account-1", "--skip", "0"])
        #expect(badSkip.status == 64)
        let skipBeyond = try CLIRunner.rewind(["state", log, "account-1", "--skip", "9"])
        #expect(skipBeyond.status == 1)
        #expect(skipBeyond.stderr.contains("has 4 events"))
    }

    @Test func handlerFailureNamesTheEventAndSuggestsTheVersionBefore() throws {
        let dir = ScratchDirectory()
        let log = try Self.importedLog(dir)
        _ = try dir.write("bank/rewind.toml", """
            [aggregates.account]
            streams = "account-*"
            init = '{}'
            [aggregates.account.on]
            MoneyWithdrawn = '.balance -= $e.data.note'
            """)
        let r = try CLIRunner.rewind(["state", log, "account-1"])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("handler for MoneyWithdrawn failed on account-1 version 3"))
        #expect(r.stderr.contains("--version 2"))
        #expect(try CLIRunner.rewind(["state", log, "account-1", "--version", "2"]).status == 0)
    }
}
