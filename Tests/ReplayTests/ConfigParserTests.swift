import Foundation
import Replay
import Testing

/// A complete rewind.toml, deliberately not in alphabetical order: aggregates and handlers
/// must keep the order they are written in.
let fullExampleConfig = """
    # The bank demo.
    [aggregates.order]
    streams = "order-*"
    [aggregates.order.on]
    OrderPlaced = '.total = $e.data.total'

    [aggregates.account]
    streams = "account-*"                      # glob over stream names
    init = '{balanceCents: 0, opened: false}'
    [aggregates.account.on]
    MoneyWithdrawn = '.balanceCents -= $e.data.amountCents'
    AccountOpened  = '.opened = true | .currency = $e.data.currency'
    MoneyDeposited = '.balanceCents += $e.data.amountCents'
    "$any" = '.events += 1'

    [upcasters.UserRegistered]
    1 = '. + {email: null}'                    # data at schema version 1 -> version 2
    2 = '''
      . + {verified: false}   # a comment inside the expression
    '''

    [projections.balances]
    from = "category:account"                  # all | category:X | stream:S
    partition = '$e.stream'                    # optional: one state per key
    init = '0'
    [projections.balances.on]
    MoneyDeposited = '. + $e.data.amountCents'
    MoneyWithdrawn = '. - $e.data.amountCents'

    [projections.audit]
    from = "all"
    on = { "$any" = '. + 1', Zeta = '.', Alpha = '.' }

    [redact]
    fields = ["email", "ssn", "cardNumber"]

    [snapshots]
    every = 500
    maxReplayMillis = 25.5
    """

@Suite("rewind.toml parsing")
struct ConfigParserTests {
    @Test func fullExampleParsesToTheExpectedDefinitions() throws {
        let config = try RewindConfig.parse(fullExampleConfig, path: "bank/rewind.toml")
        #expect(config.path == "bank/rewind.toml")
        #expect(config.aggregates.map(\.name) == ["order", "account"])
        #expect(config.aggregates[0] == AggregateDefinition(name: "order", streams: "order-*", initExpression: "{}", handlers: ["OrderPlaced": ".total = $e.data.total"]))
        let account = config.aggregates[1]
        #expect(account.streams == "account-*")
        #expect(account.initExpression == "{balanceCents: 0, opened: false}")
        #expect(Array(account.handlers.keys) == ["MoneyWithdrawn", "AccountOpened", "MoneyDeposited", "$any"])
        #expect(account.handlers["AccountOpened"] == ".opened = true | .currency = $e.data.currency")

        #expect(config.upcasters.count == 1)
        #expect(config.upcasters[0].eventType == "UserRegistered")
        #expect(config.upcasters[0].steps[1] == ". + {email: null}")
        #expect(config.upcasters[0].steps[2]?.contains(". + {verified: false}") == true)

        #expect(config.projections.map(\.name) == ["balances", "audit"])
        let balances = config.projections[0]
        #expect(balances.from == .category("account"))
        #expect(balances.partition == "$e.stream")
        #expect(balances.initExpression == "0")
        #expect(Array(balances.handlers.keys) == ["MoneyDeposited", "MoneyWithdrawn"])
        let audit = config.projections[1]
        #expect(audit.from == .all)
        #expect(audit.partition == nil)
        #expect(audit.initExpression == "null")
        #expect(Array(audit.handlers.keys) == ["$any", "Zeta", "Alpha"])

        #expect(config.redaction == RedactionRules(fields: ["email", "ssn", "cardNumber"]))
        #expect(config.snapshots == SnapshotPolicy(everyEvents: 500, maxReplayMillis: 25.5))
        #expect(config.aggregate(for: "account-42")?.name == "account")
    }

    @Test func emptyTextIsTheDefaultConfiguration() throws {
        let config = try RewindConfig.parse("# nothing yet\n", path: "rewind.toml")
        #expect(config == RewindConfig(path: "rewind.toml"))
        #expect(config.snapshots == SnapshotPolicy())
    }

    @Test func dottedKeysAndInlineTablesDefineTheSameThings() throws {
        let text = """
            aggregates.cart.streams = "cart-*"
            aggregates.cart.on.ItemRemoved = '.items -= 1'
            aggregates.cart.on.ItemAdded = '.items += 1'
            [projections.by-stream]
            from = "stream:cart-1"
            """
        let config = try RewindConfig.parse(text, path: "x.toml")
        #expect(config.aggregates.first?.streams == "cart-*")
        #expect(config.aggregates.first.map { Array($0.handlers.keys) } == ["ItemRemoved", "ItemAdded"])
        #expect(config.projections.first?.from == .stream("cart-1"))
    }

    @Test func snapshotsKeepDefaultsForKeysNotGivenAndZeroTurnsCountingOff() throws {
        #expect(try RewindConfig.parse("[snapshots]\nmaxReplayMillis = 50", path: "r").snapshots == SnapshotPolicy(everyEvents: 1000, maxReplayMillis: 50))
        #expect(try RewindConfig.parse("[snapshots]\nevery = 0\nmaxReplayMillis = 5", path: "r").snapshots == SnapshotPolicy(everyEvents: nil, maxReplayMillis: 5))
    }

    @Test func keyIndexIgnoresLookalikesInsideStringsAndArrays() throws {
        // Lines that look like headers and keys inside multi-line strings and arrays must not
        // disturb the order of the real keys.
        let text = #"""
            [aggregates.b]
            streams = "b-*"
            [aggregates.b.on]
            Second = '''
            # [aggregates.a]
            # First = 1
            .
            '''
            Third = """
            .a = "[aggregates.a] x = 1"
            """
            [redact]
            fields = [
              "x", # [aggregates.a]
              "y",
            ]
            [aggregates.a]
            streams = "a-*"
            """#
        let config = try RewindConfig.parse(text, path: "r")
        #expect(config.aggregates.map(\.name) == ["b", "a"])
        #expect(config.aggregates.first.map { Array($0.handlers.keys) } == ["Second", "Third"])
        #expect(config.redaction.fields == ["x", "y"])
    }
}

@Suite("rewind.toml loading")
struct ConfigLoaderTests {
    @Test func noFileInTheLogIsTheEmptyConfiguration() throws {
        let dir = NSTemporaryDirectory() + "rewind-config-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let empty = try RewindConfig.load(forLog: dir, configPath: nil)
        #expect(empty == RewindConfig())
        #expect(empty.path == nil)

        try "[redact]\nfields = [\"email\"]\n".write(toFile: dir + "/rewind.toml", atomically: true, encoding: .utf8)
        let found = try RewindConfig.load(forLog: dir, configPath: nil)
        #expect(found.path == dir + "/rewind.toml")
        #expect(found.redaction.fields == ["email"])

        let other = dir + "/other.toml"
        try "[redact]\nfields = [\"ssn\"]\n".write(toFile: other, atomically: true, encoding: .utf8)
        #expect(try RewindConfig.load(forLog: dir, configPath: other).redaction.fields == ["ssn"])
    }

    @Test func aMissingConfigFileIsAnError() throws {
        #expect {
            try RewindConfig.load(forLog: "/nonexistent-log", configPath: "/nonexistent-log/custom.toml")
        } throws: { error in
            guard let e = error as? ConfigError else { return false }
            return e.kind == .unreadable && e.description.contains("/nonexistent-log/custom.toml") && e.description.contains("no such file")
        }
    }
}

extension ConfigParserTests {
    /// docs/CONFIG.md's complete example is a valid file.
    @Test func theDocumentedExampleParses() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/CONFIG.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let start = try #require(text.range(of: "```toml\n"))
        let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
        let config = try RewindConfig.parse(String(text[start.upperBound..<end.lowerBound]), path: "docs/CONFIG.md")
        #expect(config.aggregates.map(\.name) == ["account", "order"])
        #expect(config.aggregates[0].handlers.keys.last == "$any")
        #expect(config.upcasters.first?.steps.keys.sorted() == [1, 2])
        #expect(config.projections.map(\.name) == ["balances", "event-counts"])
        #expect(config.projections[1].handlers.keys.first == "$any")
        #expect(config.redaction.fields == ["email", "ssn", "cardNumber"])
        #expect(config.snapshots == SnapshotPolicy(everyEvents: 1000, maxReplayMillis: 50))
    }
}
