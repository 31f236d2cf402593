import Testing
import JSON

@Suite struct JSONParserTests {
    private func parseError(_ text: String) -> JSONParseError? {
        do {
            _ = try JSONValue.parse(text)
            return nil
        } catch {
            return error
        }
    }

    private func parseError(bytes: [UInt8]) -> JSONParseError? {
        do {
            _ = try JSONValue.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Values

    @Test func scalarsParse() throws {
        #expect(try JSONValue.parse("null") == .null)
        #expect(try JSONValue.parse("true") == .bool(true))
        #expect(try JSONValue.parse("false") == .bool(false))
        #expect(try JSONValue.parse("\"hi\"") == .string("hi"))
        #expect(try JSONValue.parse(" \t\r\n 42 \n") == .integer(42))
        #expect(try JSONValue.parse("[]") == .array([]))
        #expect(try JSONValue.parse("{ }") == .object([:]))
    }

    @Test func nestedDocument() throws {
        let value = try JSONValue.parse(#"{"id": 7, "tags": ["a", "b"], "owner": {"name": "Ada", "admin": false}, "note": null}"#)
        #expect(value["id"] == 7)
        #expect(value["tags"]?[1] == "b")
        #expect(value["owner"]?["name"]?.stringValue == "Ada")
        #expect(value["owner"]?["admin"]?.boolValue == false)
        #expect(value["note"]?.isNull == true)
    }

    @Test func keyOrderIsKept() throws {
        let value = try JSONValue.parse(#"{"zeta": 1, "alpha": 2, "mid": {"y": 1, "b": 2, "x": 3}}"#)
        #expect(value.objectValue.map { Array($0.keys) } == ["zeta", "alpha", "mid"])
        #expect(value["mid"]?.objectValue.map { Array($0.keys) } == ["y", "b", "x"])
    }

    @Test func duplicateKeyKeepsFirstPositionAndLastValue() throws {
        let value = try JSONValue.parse(#"{"a": 1, "b": 2, "a": 3}"#)
        #expect(value.objectValue.map { Array($0.keys) } == ["a", "b"])
        #expect(value["a"] == .integer(3))
    }

    @Test func largeObjectsKeepOrderAndLastValue() throws {
        // Objects past 16 members take the hashing path; check both sides of the switch.
        for size in [15, 16, 17, 40] {
            let names = (0..<size).map { "k\(($0 * 7) % size)" }
            let members = names.enumerated().map { "\"\($1)\": \($0)" } + ["\"k0\": -1"]
            let value = try JSONValue.parse("{" + members.joined(separator: ", ") + "}")
            #expect(value.objectValue.map { Array($0.keys) } == names, "size \(size)")
            #expect(value["k0"] == -1, "size \(size)")
            #expect(value[names[size - 1]] == .integer(Int64(size - 1)), "size \(size)")
        }
    }

    @Test func allInputFormsAgree() throws {
        let text = #"{"k": [1, 2.5, "é"]}"#
        let fromString = try JSONValue.parse(text)
        let fromArray = try JSONValue.parse(Array(text.utf8))
        let fromBuffer = try Array(text.utf8).withUnsafeBytes { buffer in try JSONValue.parse(buffer) }
        #expect(fromString == fromArray)
        #expect(fromString == fromBuffer)
        #expect(fromString["k"]?[2] == "é")
    }

    @Test func byteOrderMarkIsSkipped() throws {
        #expect(try JSONValue.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == [1])
    }

    // MARK: Numbers

    @Test func integersStayIntegers() throws {
        #expect(try JSONValue.parse("0").int64Value == 0)
        #expect(try JSONValue.parse("-0") == .integer(0))
        #expect(try JSONValue.parse("9223372036854775807") == .integer(.max))
        #expect(try JSONValue.parse("-9223372036854775808") == .integer(.min))
        guard case .integer(let exact) = try JSONValue.parse("9223372036854775807") else {
            Issue.record("Int64.max should parse as .integer")
            return
        }
        #expect(exact == Int64.max)
    }

    @Test func integersBeyondInt64BecomeDoubles() throws {
        guard case .double(let above) = try JSONValue.parse("9223372036854775808") else {
            Issue.record("Int64.max + 1 should parse as .double")
            return
        }
        #expect(above == 9_223_372_036_854_775_808.0)
        guard case .double(let below) = try JSONValue.parse("-9223372036854775809") else {
            Issue.record("Int64.min - 1 should parse as .double")
            return
        }
        #expect(below == -9_223_372_036_854_775_808.0)
        #expect(try JSONValue.parse("123456789012345678901234567890") == .double(1.2345678901234568e29))
    }

    @Test func fractionsAndExponentsAreDoubles() throws {
        guard case .double(let hundred) = try JSONValue.parse("1e2") else {
            Issue.record("1e2 should parse as .double")
            return
        }
        #expect(hundred == 100)
        #expect(try JSONValue.parse("0.1") == .double(0.1))
        #expect(try JSONValue.parse("-2.5E-3") == .double(-0.0025))
        #expect(try JSONValue.parse("1.7976931348623157e308") == .double(.greatestFiniteMagnitude))
        #expect(try JSONValue.parse("5e-324") == .double(.leastNonzeroMagnitude))
        #expect(try JSONValue.parse("2.2250738585072014e-308") == .double(.leastNormalMagnitude))
        #expect(try JSONValue.parse("0.30000000000000004") == .double(0.30000000000000004))
        #expect(try JSONValue.parse("1.00000000000000000000000001") == .double(1.0))
        #expect(try JSONValue.parse("1e400") == .double(.greatestFiniteMagnitude))
        #expect(try JSONValue.parse("-1e400") == .double(-.greatestFiniteMagnitude))
        #expect(try JSONValue.parse("1e-400") == .double(0))
    }

    @Test func randomDoublesReadBackExactly() throws {
        var generator = JSONTestGenerator(seed: 0x5EED)
        for _ in 0..<20_000 {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite else { continue }
            let parsed = try JSONValue.parse(value.description).doubleValue
            #expect(parsed == value, "\(value.description)")
        }
    }

    // MARK: Strings

    @Test func escapesDecode() throws {
        #expect(try JSONValue.parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try JSONValue.parse(#""caf\u00e9 \u00C9""#) == .string("café É"))
        #expect(try JSONValue.parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try JSONValue.parse(#""a\nb" "#) == .string("a\nb"))
    }

    @Test func surrogatePairsCombine() throws {
        #expect(try JSONValue.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSONValue.parse(#""x\uD834\uDD1Ey""#) == .string("x𝄞y"))
    }

    @Test func loneSurrogatesBecomeReplacementCharacters() throws {
        #expect(try JSONValue.parse(#""\ud83dx""#) == .string("\u{FFFD}x"))
        #expect(try JSONValue.parse(#""\ude00""#) == .string("\u{FFFD}"))
        #expect(try JSONValue.parse(#""\ud83d\u0041""#) == .string("\u{FFFD}A"))
        #expect(try JSONValue.parse(#""\ud83d\ud83d\ude00""#) == .string("\u{FFFD}😀"))
        #expect(try JSONValue.parse(#""\ud83d""#) == .string("\u{FFFD}"))
    }

    @Test func rawUnicodeIsKept() throws {
        let text = "héllo, 日本語 😀 \u{2028}"
        #expect(try JSONValue.parse("\"" + text + "\"") == .string(text))
    }

    @Test func stringsOfEveryLengthAroundTheWordScan() throws {
        // The scanner reads 8 bytes at a time; put the quote, an escape and a non-ASCII byte at
        // every offset of the first few words.
        for length in 0..<40 {
            let plain = String(repeating: "a", count: length)
            #expect(try JSONValue.parse("\"" + plain + "\"") == .string(plain))
            #expect(try JSONValue.parse("[\"" + plain + "\\n" + plain + "\"]") == [.string(plain + "\n" + plain)])
            #expect(try JSONValue.parse("\"" + plain + "é" + plain + "\"") == .string(plain + "é" + plain))
            #expect(parseError("\"" + plain + "\u{1}\"")?.offset == length + 1)
        }
    }

    @Test func invalidUTF8IsRefusedAtTheBadByte() {
        let cases: [[UInt8]] = [
            [0xFF],  // never valid
            [0xC0, 0x80],  // overlong NUL
            [0xE0, 0x80, 0x80],  // overlong
            [0xED, 0xA0, 0x80],  // encoded surrogate
            [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
            [0x80],  // stray continuation
            [0xE2, 0x82],  // truncated before the closing quote
        ]
        for bad in cases {
            let error = parseError(bytes: Array("[\"ab".utf8) + bad + Array("cd\"]".utf8))
            #expect(error?.reason == .invalidUTF8, "\(bad)")
            #expect(error?.offset == 4, "\(bad)")
            #expect(error?.column == 5, "\(bad)")
        }
        // Also after an escape, which takes the slower path.
        let afterEscape = parseError(bytes: Array(#""\n"#.utf8) + [0xFF] + [0x22])
        #expect(afterEscape?.reason == .invalidUTF8)
        #expect(afterEscape?.offset == 3)
    }

    // MARK: Errors

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var input: String
        var reason: JSONParseError.Reason
        var line: Int
        var column: Int
        var testDescription: String { input.debugDescription }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(input: "", reason: .emptyInput, line: 1, column: 1),
        ErrorCase(input: "  \n ", reason: .emptyInput, line: 2, column: 2),
        ErrorCase(input: #"{"amount":10 "x":1}"#, reason: .expectedCommaOrObjectEnd, line: 1, column: 14),
        ErrorCase(input: "[1 2]", reason: .expectedCommaOrArrayEnd, line: 1, column: 4),
        ErrorCase(input: "[1,2", reason: .unexpectedEndOfInput, line: 1, column: 5),
        ErrorCase(input: #"{"a":"#, reason: .unexpectedEndOfInput, line: 1, column: 6),
        ErrorCase(input: #"{"a" 1}"#, reason: .expectedColon, line: 1, column: 6),
        ErrorCase(input: "{1:2}", reason: .expectedKey, line: 1, column: 2),
        ErrorCase(input: #"{"a":1,}"#, reason: .expectedKey, line: 1, column: 8),
        ErrorCase(input: "{'a':1}", reason: .expectedKey, line: 1, column: 2),
        ErrorCase(input: "[1,]", reason: .expectedValue, line: 1, column: 4),
        ErrorCase(input: "+1", reason: .expectedValue, line: 1, column: 1),
        ErrorCase(input: "NaN", reason: .expectedValue, line: 1, column: 1),
        ErrorCase(input: "tru", reason: .invalidLiteral, line: 1, column: 1),
        ErrorCase(input: "[nulx]", reason: .invalidLiteral, line: 1, column: 2),
        ErrorCase(input: "01", reason: .leadingZero, line: 1, column: 1),
        ErrorCase(input: "[-012]", reason: .leadingZero, line: 1, column: 3),
        ErrorCase(input: "-", reason: .unexpectedEndOfInput, line: 1, column: 2),
        ErrorCase(input: "-a", reason: .expectedDigit, line: 1, column: 2),
        ErrorCase(input: "1.", reason: .expectedFractionDigit, line: 1, column: 3),
        ErrorCase(input: "1.e3", reason: .expectedFractionDigit, line: 1, column: 3),
        ErrorCase(input: "1e", reason: .expectedExponentDigit, line: 1, column: 3),
        ErrorCase(input: "1e+", reason: .expectedExponentDigit, line: 1, column: 4),
        ErrorCase(input: "1 2", reason: .trailingData, line: 1, column: 3),
        ErrorCase(input: "{}\n}", reason: .trailingData, line: 2, column: 1),
        ErrorCase(input: #"["abc"#, reason: .unterminatedString, line: 1, column: 2),
        ErrorCase(input: #""abc\"#, reason: .unterminatedString, line: 1, column: 1),
        ErrorCase(input: #""\u12"#, reason: .unterminatedString, line: 1, column: 1),
        ErrorCase(input: #""a\x""#, reason: .invalidEscape, line: 1, column: 4),
        ErrorCase(input: #""\u12G4""#, reason: .invalidUnicodeEscape, line: 1, column: 6),
        ErrorCase(input: "\"a\tb\"", reason: .unescapedControlCharacter(0x09), line: 1, column: 3),
        ErrorCase(input: "\"a\nb\"", reason: .unescapedControlCharacter(0x0A), line: 1, column: 3),
        ErrorCase(input: "{\n  \"a\": 1,\n  \"b\" 2\n}", reason: .expectedColon, line: 3, column: 7),
        ErrorCase(input: "[\"é\", x]", reason: .expectedValue, line: 1, column: 7),
    ]

    @Test(arguments: errorCases)
    func errorsPointAtTheOffendingByte(_ errorCase: ErrorCase) {
        let error = parseError(errorCase.input)
        #expect(error?.reason == errorCase.reason)
        #expect(error?.line == errorCase.line)
        #expect(error?.column == errorCase.column)
    }

    @Test func errorOffsetIsInBytes() {
        #expect(parseError("[\"é\", x]")?.offset == 7)
        #expect(parseError("[1,2")?.offset == 4)
    }

    @Test func errorReadsLikeASentence() {
        let error = parseError(#"{"amount":10 "x":1}"#)
        #expect(error?.description == "invalid JSON at line 1, column 14: expected ',' or '}' after an object value")
        #expect(parseError("\"\u{1}\"")?.description == "invalid JSON at line 1, column 2: control character U+0001 must be escaped in a string")
    }

    // MARK: Depth

    @Test func nestingUpToTheLimitParses() throws {
        let depth = JSONValue.maximumParseDepth
        var value = try JSONValue.parse(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        var levels = 0
        while let inner = value.arrayValue {
            levels += 1
            guard let first = inner.first else { break }
            value = first
        }
        #expect(levels == depth)
    }

    @Test func nestingPastTheLimitIsAnError() {
        let depth = JSONValue.maximumParseDepth
        let error = parseError(String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1))
        #expect(error?.reason == .tooDeep(limit: 512))
        #expect(error?.offset == depth)
        #expect(error?.column == depth + 1)
        let objects = String(repeating: #"{"a":"#, count: depth) + "{}" + String(repeating: "}", count: depth)
        #expect(parseError(objects)?.reason == .tooDeep(limit: 512))
    }

    @Test func hugeNestingFailsWithoutOverflowingTheStack() {
        let error = parseError(String(repeating: "[", count: 1_000_000))
        #expect(error?.reason == .tooDeep(limit: 512))
    }
}

/// A small deterministic generator so failures reproduce.
struct JSONTestGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
