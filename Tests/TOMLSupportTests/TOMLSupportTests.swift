import Foundation
import SafeText
import Demo
import Testing
@testable import TOMLSupport

/// TOML is read through `TOMLDocument`: any bytes give a value or an error with its line, never
/// an abort inside toml++ (which asserts on some malformed input, such as `[\`).
@Suite struct TOMLSupportTests {
    func failure(_ bytes: [UInt8]) -> TOMLFileError? {
        do {
            _ = try TOMLDocument(bytes: bytes, file: "t.toml")
            return nil
        } catch {
            return error
        }
    }

    func failure(_ text: String) -> TOMLFileError? { failure(Array(text.utf8)) }

    @Test func bracketBackslashIsAnErrorNotAnAbort() throws {
        let e = try #require(failure("[\\"))
        #expect(e.kind == .syntax)
        #expect(e.line == 1)
        #expect(e.description.hasPrefix("t.toml, line 1, column 2: this is not valid TOML: expected a table name after '[', found '\\'"))
    }

    /// A key with an escaped NUL is cut at the NUL by TOMLKit (C strings): its iterator then
    /// force-unwrapped a failed lookup (the `config` fuzz target's crash), or the key would be
    /// taken for another. Both are refused, naming the table.
    @Test(arguments: [
        "a = { \"$\\u0000-0y\" = 1 }\n",
        "\"x\\u0000y\" = 1\n",
        "\"x\" = 1\n\"x\\u0000\" = 2\n",
    ])
    func aKeyWithAnEscapedNULIsAnErrorNotATrap(_ text: String) throws {
        let e = try #require(failure(text))
        #expect(e.kind == .syntax)
        #expect(e.description.contains("NUL character"))
    }

    @Test func aNULEscapeInAValueIsStillAccepted() throws {
        let doc = try TOMLDocument(text: "k = '\"\\u0000\"'\n", file: "t.toml")
        #expect(doc.root.members.map(\.0) == ["k"])
    }

    /// Inputs that reach an assertion in toml++ or are otherwise hostile: each is an error
    /// with a line.
    @Test(arguments: [
        "[\\", "[[\\", "[a.\\]", "a.\\ = 1", "a = {\\ = 1}", "[a]\nb = [1, {\\ = 2}]", "a = \"\\q\"", "a = \"\\uD800\"",
        "a = \"\\U00110000\"", "a = \"x", "a = 'x", "a = \"\"\"x", "a = '''x", "a = 1 2", "a = 0x", "a = 1__0", "a = 01",
        "a = +0x10", "a = 1.", "a = .5", "a = 1e", "a = 1979-05-27T", "a = 07:32", "a = tru", "a = inf1", "= 1", "a",
        "a =", "[a", "[[a]", "[ [a]]", "a = [1,,2]", "a = [,]", "a = {b = 1,}", "a = {b = 1\n}", "a = \"\u{1B}]52;c;x\u{07}\"",
        "a = 1\r", "# \u{1B}", "a = '\u{7F}'", "\"\"\"\"\"\" = 1", "[a]\n[a]", "a = 1\na = 2", "a = 99999999999999999999",
        "a = 1979-13-45", "a.b = 1\na = 2", "[[a]]\n[a]", "a = [" + String(repeating: "[", count: 200), "\u{FEFF}\u{FEFF}a = 1",
        String(repeating: "a.", count: 40) + "a = 1", "a = " + String(repeating: "{b = ", count: 100), "\\",
    ])
    func nastyInputIsAnErrorWithALine(_ text: String) throws {
        let e = try #require(failure(text), "accepted: \(SafeText.escape(text))")
        #expect(e.kind == .syntax)
        #expect(e.line != nil, "\(e)")
        #expect(SafeText.isClean(e.description.replacingOccurrences(of: "\n", with: " ")))
    }

    @Test func nulAndInvalidUTF8AreErrorsWithALine() throws {
        let nul = try #require(failure(Array("a = 1\nb = \"x".utf8) + [0] + Array("\"".utf8)))
        #expect(nul.kind == .syntax && nul.line == 2)
        let latin1 = try #require(failure(Array("a = 1\n\nb = \"caf".utf8) + [0xE9, 0x22]))
        #expect(latin1.kind == .unreadable && latin1.line == 3)
        #expect(latin1.description.contains("not UTF-8"))
    }

    /// Random bytes and mutations of real files: none may abort the process. The count comes
    /// from REWIND_TOML_FUZZ_CASES (default 2,000).
    @Test func randomAndMutatedInputNeverAborts() throws {
        let cases = ProcessInfo.processInfo.environment["REWIND_TOML_FUZZ_CASES"].flatMap(Int.init) ?? 2_000
        var rng = SplitMix64(seed: 0x7E57_7011)
        let alphabet = Array("[]{}\\\"'=.,#\n\r \t-+_:0123456789abefintruxTZ".utf8) + [0, 0x7F, 0xC3, 0xA9, 0xFF, 0xE2, 0x80]
        var accepted = 0
        for n in 0..<cases {
            var bytes: [UInt8]
            if n % 4 == 0 {
                bytes = (0..<Int(rng.next() % 64)).map { _ in rng.next() % 3 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            } else {
                bytes = Array(Self.seeds[Int(rng.next() % UInt64(Self.seeds.count))].utf8)
                for _ in 0...(rng.next() % 6) {
                    let i = Int(rng.next() % UInt64(bytes.count + 1))
                    switch rng.next() % 3 {
                    case 0: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: i)
                    case 1: if i < bytes.count { bytes.removeSubrange(i..<min(bytes.count, i + 1 + Int(rng.next() % 3))) }
                    default: if i < bytes.count { bytes[i] = alphabet[Int(rng.next() % UInt64(alphabet.count))] }
                    }
                }
                if rng.next() % 4 == 0 { bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count + 1)))) }
            }
            if let e = failure(bytes) {
                #expect(e.line != nil || e.kind != .syntax, "no line for \(SafeText.escape(bytes: bytes)): \(e)")
            } else {
                accepted += 1
            }
        }
        #expect(accepted > 0)
    }

    @Test func validTOMLIsAccepted() throws {
        for text in Self.seeds + Self.validExamples {
            do { _ = try TOMLDocument(text: text, file: "ok.toml") } catch { Issue.record("refused: \(text)\n\(error)") }
        }
    }

    @Test func membersKeepFileOrderAndKeysTheirLines() throws {
        let doc = try TOMLDocument(text: "zeta = 1\n\n[beta]\nx.y = 'v'\n[alpha]\nk = { b = 1, a = 2 }\n", file: "t.toml")
        #expect(doc.root.members.map(\.key) == ["zeta", "beta", "alpha"])
        #expect(doc.keys.line(of: ["beta", "x", "y"]) == 4)
        #expect(doc.keys.line(of: ["alpha", "k", "a"]) == 6)
        #expect(doc.root["alpha"]?.table?["k"]?.table?.members.map(\.key) == ["b", "a"])
    }

    @Test func oneSuggestionAlgorithmForEveryFile() {
        #expect(NameSuggestion.closest(to: "agregates", in: ["aggregates", "projections"]) == "aggregates")
        #expect(NameSuggestion.closest(to: "proj", in: ["aggregates", "projections"]) == "projections")
        #expect(NameSuggestion.closest(to: "lag_warning", in: ["lagWarning", "body"]) == "lagWarning")
        #expect(NameSuggestion.closest(to: "nmae", in: ["name"]) == "name")
        #expect(NameSuggestion.closest(to: "zzzz", in: ["name", "body"]) == nil)
    }

    @Test func errorDescriptionEscapesWhatCameFromTheFile() {
        let e = TOMLFileError(kind: .invalidValue, file: "a\u{1B}.toml", keyPath: "x\u{202E}", line: 2, problem: "'\u{1B}]52;c;x\u{07}' is not a source", fix: "write\u{2028}this")
        #expect(e.description == "a\\e.toml, line 2, x\\u{202E}: '\\e]52;c;x\\x07' is not a source\nwrite\\u{2028}this")
    }

    static let seeds = [
        "[aggregates.account]\nstreams = \"account-*\"\ninit = '{balanceCents: 0}'\n\n[aggregates.account.on]\nMoneyDeposited = '.balanceCents += $e.data.amountCents'\n\"$any\" = '.'\n",
        "[projections.balances]\nfrom = \"category:account\"\npartition = '$e.stream'\ninit = '0'\n[projections.balances.on]\nMoneyDeposited = '. + $e.data.amountCents'\n",
        "name = \"mine\"\ndescription = \"a theme\"\n\n[palette]\nbg = \"#101010\"\naccent = \"#5c9ff0\"\n\n[roles]\nbody = { fg = \"fg\", bg = \"bg\" }\nselection = { fg = \"bg\", bg = \"accent\", bold = true }\n",
        "[redact]\nfields = [\"email\", \"ssn\"]\n[snapshots]\nevery = 1000\nmaxReplayMillis = 50.5\n",
    ]

    static let validExamples = [
        "a = 1979-05-27T07:32:00Z\nb = 1979-05-27T00:32:00.999999-07:00\nc = 1979-05-27 07:32:00\nd = 1979-05-27\ne = 07:32:00.5\n",
        "i = [+99, 42, 0, -17, 1_000, 0xDEAD_beef, 0o755, 0b1101]\nf = [+1.0, 3.1415, -0.01, 5e+22, 1e06, -2E-2, 6.626e-34, 224_617.445_991, inf, -inf, nan, +nan]\n",
        "s = \"\"\"\nRoses are red\\\n   Violets are blue\"\"\"\nt = '''\nline\n'''\nu = \"\"\"Here are two quotes: \"\". \"\"\"\"\nv = 'C:\\Users\\x'\nw = \"\\u00E9\\U0001F600\\t\"\n",
        "[[fruits]]\nname = \"apple\"\n[fruits.physical]\ncolor = \"red\"\n[[fruits]]\nname = \"banana\"\n",
        "a = [\n  1, # one\n  2,\n]\nb = { x = 1, y.z = 2 }\n\"quoted key\" = true\n'lit' = false\n  [ spaced . table ]  # c\nk = []\n",
        "\u{FEFF}a = 1\r\nb = 2\r\n",
    ]
}
