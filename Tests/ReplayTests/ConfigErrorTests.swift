import Replay
import Testing

/// Every mistake in rewind.toml names the file, the key, the line (when known), what is wrong
/// and what to write instead.
@Suite("rewind.toml errors")
struct ConfigErrorTests {
    /// Parses `text` expecting a `ConfigError`.
    func failure(_ text: String, file: String = "bank/rewind.toml") -> ConfigError? {
        do {
            _ = try RewindConfig.parse(text, path: file)
            return nil
        } catch {
            return error as? ConfigError
        }
    }

    @Test func tomlSyntaxErrorGivesTheLineAndColumn() throws {
        let text = """
            [aggregates.account]
            streams = "account-*"
            [aggregates.account.on]
            MoneyDeposited = .balanceCents += $e.data.amountCents
            """
        let e = try #require(failure(text))
        #expect(e.kind == .syntax)
        #expect(e.line == 4)
        #expect(e.column != nil)
        #expect(e.description.hasPrefix("bank/rewind.toml, line 4, column "))
        #expect(e.description.contains("not valid TOML"))
        #expect(e.description.contains("single quotes"))
    }

    @Test func missingStreamsNamesTheAggregateAndItsLine() throws {
        let text = """
            # accounts

            [aggregates.account]
            init = '{}'
            """
        let e = try #require(failure(text))
        #expect(e.kind == .missingKey)
        #expect(e.keyPath == "aggregates.account")
        #expect(e.line == 3)
        #expect(e.description == """
            bank/rewind.toml, line 3, aggregates.account: the aggregate has no streams (the glob of the streams it folds)
            add streams = "account-*" under [aggregates.account]
            """)
    }

    @Test func badFromSaysWhatSourcesExist() throws {
        let text = """
            [projections.balances]
            from = "category"
            """
        let e = try #require(failure(text))
        #expect(e.kind == .invalidValue)
        #expect(e.keyPath == "projections.balances.from")
        #expect(e.line == 2)
        #expect(e.description.contains("'category' is not a source"))
        #expect(e.description.contains("from = \"all\", from = \"category:account\""))
    }

    @Test func missingFromIsReported() throws {
        let e = try #require(failure("[projections.balances]\ninit = '0'\n"))
        #expect(e.kind == .missingKey)
        #expect(e.keyPath == "projections.balances")
        #expect(e.description.contains("has no from"))
    }

    @Test func badJqCarriesLibjqsMessageAndTheHandlersKey() throws {
        let text = """
            [aggregates.account]
            streams = "account-*"
            [aggregates.account.on]
            MoneyOpened = '.opened = true'
            MoneyDeposited = '.balanceCents +='
            """
        let e = try #require(failure(text))
        #expect(e.kind == .jq)
        #expect(e.keyPath == "aggregates.account.on.MoneyDeposited")
        #expect(e.line == 5)
        #expect(e.description.hasPrefix("bank/rewind.toml, line 5, aggregates.account.on.MoneyDeposited: jq cannot compile '.balanceCents +=': "))
        #expect(e.description.contains("syntax error"))
        #expect(e.description.contains("`$e` the event"))
    }

    @Test func eventIsNotDefinedInInit() throws {
        let e = try #require(failure("[aggregates.a]\nstreams = \"a-*\"\ninit = '{n: $e.version}'\n"))
        #expect(e.kind == .jq)
        #expect(e.keyPath == "aggregates.a.init")
        #expect(e.line == 3)
        #expect(e.description.contains("$e is not defined"))
    }

    @Test func anyHandlerKeyIsShownQuoted() throws {
        let e = try #require(failure("[projections.p]\nfrom = \"all\"\n[projections.p.on]\n\"$any\" = '. +'\n"))
        #expect(e.keyPath == "projections.p.on.\"$any\"")
        #expect(e.line == 4)
    }

    @Test func unknownKeyListsTheKnownOnes() throws {
        let text = """
            [aggregates.account]
            stream = "account-*"
            """
        let e = try #require(failure(text))
        #expect(e.kind == .unknownKey)
        #expect(e.keyPath == "aggregates.account.stream")
        #expect(e.line == 2)
        #expect(e.description == """
            bank/rewind.toml, line 2, aggregates.account.stream: unknown key 'stream' in an aggregate
            did you mean streams? the known ones are: streams (required), init, on
            """)
    }

    @Test func unknownSectionListsTheSections() throws {
        let e = try #require(failure("[redact]\nfields = []\n\n[aggregate.account]\nstreams = \"account-*\"\n"))
        #expect(e.kind == .unknownKey)
        #expect(e.keyPath == "aggregate")
        #expect(e.line == 4)
        #expect(e.description.contains("unknown section 'aggregate'"))
        #expect(e.description.contains("did you mean [aggregates]?"))
        #expect(e.description.contains("[aggregates.NAME], [upcasters.TYPE], [projections.NAME], [redact], [snapshots]"))
    }

    @Test func unknownKeysInEverySectionAreCaught() throws {
        #expect(try #require(failure("[projections.p]\nfrom = \"all\"\npartitions = '$e.stream'\n")).description.contains("did you mean partition?"))
        #expect(try #require(failure("[redact]\nfield = [\"email\"]\n")).description.contains("did you mean fields?"))
        #expect(try #require(failure("[snapshots]\nevery = 10\nmaxReplayMs = 5\n")).description.contains("every, maxReplayMillis"))
    }

    @Test func nonIntegerUpcasterKeyIsRefused() throws {
        let text = """
            [upcasters.UserRegistered]
            1 = '. + {email: null}'
            v2 = '. + {verified: false}'
            """
        let e = try #require(failure(text))
        #expect(e.kind == .invalidValue)
        #expect(e.keyPath == "upcasters.UserRegistered.v2")
        #expect(e.line == 3)
        #expect(e.description.contains("'v2' is not a schema version (a whole number)"))
        #expect(e.description.contains("1 = '. + {email: null}' turns version 1 data into version 2"))
    }

    @Test func wrongTypesSayWhatWasFound() throws {
        let streams = try #require(failure("[aggregates.a]\nstreams = 5\n"))
        #expect(streams.kind == .wrongType)
        #expect(streams.description.contains("aggregates.a.streams: expected a string, found the integer 5"))
        let handler = try #require(failure("[aggregates.a]\nstreams = \"a-*\"\non = \"x\"\n"))
        #expect(handler.keyPath == "aggregates.a.on")
        #expect(handler.description.contains("expected a table, found a string"))
        let fields = try #require(failure("[redact]\nfields = \"email\"\n"))
        #expect(fields.description.contains("expected an array of field names"))
        let every = try #require(failure("[snapshots]\nevery = -1\n"))
        #expect(every.kind == .invalidValue)
        let section = try #require(failure("redact = [\"email\"]\n"))
        #expect(section.keyPath == "redact")
        #expect(section.description.contains("write [redact] and under it fields = "))
    }

    @Test func projectionNamesMustBeFileNames() throws {
        let e = try #require(failure("[projections.\"a/b\"]\nfrom = \"all\"\n"))
        #expect(e.keyPath == "projections.\"a/b\"")
        #expect(e.description.contains("cannot be used as a file name"))
    }

    /// `config check` and `project run` ask the same question of a name, so a name the one
    /// accepts the other runs.
    @Test func projectionNameCheckIsTheRunnersCheck() throws {
        for name in ["bälance", "a b", "tab\tname", String(repeating: "x", count: 201), ".hidden"] {
            let quoted = name.replacing("\t", with: "\\t")
            let e = try #require(failure("[projections.\"\(quoted)\"]\nfrom = \"all\"\n"), "accepted \(name)")
            #expect(e.kind == .invalidValue)
            #expect(ProjectionDefinition.problem(withName: name) != nil)
        }
        #expect(failure("[projections.\"ok.name-1_x\"]\nfrom = \"all\"\n") == nil)
    }

    @Test func errorWithoutAKnownLineSaysNoLine() {
        let e = ConfigError(kind: .missingKey, file: "f.toml", keyPath: "aggregates.x", problem: "something is wrong", fix: "do this")
        #expect(e.description == "f.toml, aggregates.x: something is wrong\ndo this")
    }
}

extension ConfigErrorTests {
    @Test func jqLineNumbersCountInTheUsersExpression() throws {
        let text = """
            [aggregates.a]
            streams = "a-*"
            [aggregates.a.on]
            X = '''
            .a = 1 |
            .b = = 2
            '''
            """
        let e = try #require(failure(text))
        #expect(e.line == 4)
        #expect(e.description.contains("at line 2 of the expression"))
        #expect(!e.description.contains("<top-level>"))
        #expect(!e.description.contains("compile error"))
    }
}

extension ConfigErrorTests {
    @Test func anExpressionEndingTooEarlySaysSo() throws {
        let e = try #require(failure("[aggregates.a]\nstreams = \"a-*\"\n[aggregates.a.on]\nX = '.n -= '\n"))
        #expect(e.description.contains("unexpected end"))
        #expect(e.description.contains("at the end of the expression"))
        #expect(!e.description.contains("')'"))
    }

    @Test func aCategoryWithADashIsRefused() throws {
        let e = try #require(failure("[projections.p]\nfrom = \"category:account-1\"\n"))
        #expect(e.kind == .invalidValue)
        #expect(e.description.contains("from = \"category:account\", or from = \"stream:account-1\""))
    }
}

extension ConfigErrorTests {
    @Test func syntaxHintFitsTheMistake() throws {
        let unquoted = try #require(failure("[aggregates.a]\nstreams = \"a-*\"\n[aggregates.a.on]\nX = .n + 1\n"))
        #expect(unquoted.line == 4)
        #expect(unquoted.fix?.hasPrefix("quote every jq expression") == true)
        let header = try #require(failure("[aggregates.a\nstreams = \"a-*\"\n"))
        #expect(header.kind == .syntax)
        #expect(header.line == 1)
        #expect(header.fix?.hasPrefix("see docs/CONFIG.md for the format") == true)
    }
}
