import Testing
import JSON

@Suite struct JSONPrinterTests {
    private let sample: JSONValue = [
        "id": 7,
        "name": "Ada",
        "tags": ["a", "b"],
        "owner": ["admin": false, "score": 2.5],
        "empty": [:],
        "none": [],
        "note": nil,
    ]

    @Test func compactHasNoSpaces() {
        let value: JSONValue = ["a": 1, "b": [1, 2]]
        #expect(value.serialized() == #"{"a":1,"b":[1,2]}"#)
        #expect(sample.serialized()
            == #"{"id":7,"name":"Ada","tags":["a","b"],"owner":{"admin":false,"score":2.5},"empty":{},"none":[],"note":null}"#)
    }

    @Test func prettyIndentsByTwoSpaces() {
        let expected = """
            {
              "id": 7,
              "name": "Ada",
              "tags": [
                "a",
                "b"
              ],
              "owner": {
                "admin": false,
                "score": 2.5
              },
              "empty": {},
              "none": [],
              "note": null
            }
            """
        #expect(sample.serialized(pretty: true) == expected)
    }

    @Test func prettyScalarsAndEmptyContainers() {
        #expect(JSONValue.integer(3).serialized(pretty: true) == "3")
        #expect(JSONValue.object([:]).serialized(pretty: true) == "{}")
        #expect(JSONValue.array([]).serialized(pretty: true) == "[]")
        #expect(JSONValue.array([[], [:]]).serialized(pretty: true) == "[\n  [],\n  {}\n]")
    }

    @Test func keysKeepTheirOrderUnlessSorted() {
        let value: JSONValue = ["b": 1, "a": 2, "é": 3, "B": 4, "aa": 5]
        #expect(value.serialized() == #"{"b":1,"a":2,"é":3,"B":4,"aa":5}"#)
        #expect(value.serialized(sortedKeys: true) == #"{"B":4,"a":2,"aa":5,"b":1,"é":3}"#)
        let nested: JSONValue = ["z": ["y": 1, "x": 2], "a": 0]
        #expect(nested.serialized(sortedKeys: true) == #"{"a":0,"z":{"x":2,"y":1}}"#)
    }

    @Test func controlCharactersAndSeparatorsAreEscaped() {
        let text = "\u{0}\u{1}\u{1F}\n\t\r\u{8}\u{C}\"\\/\u{7F}\u{2028}\u{2029}é😀 \u{2027}"
        #expect(JSONValue.string(text).serialized()
            == #""\u0000\u0001\u001f\n\t\r\b\f\"\\/\u007f\u2028\u2029é😀 "# + "\u{2027}\"")
        #expect(JSONValue.string("").serialized() == #""""#)
        #expect(JSONValue.object(["a\"b": 1]).serialized() == #"{"a\"b":1}"#)
    }

    @Test func integersPrintExactly() {
        #expect(JSONValue.integer(0).serialized() == "0")
        #expect(JSONValue.integer(-5).serialized() == "-5")
        #expect(JSONValue.integer(.max).serialized() == "9223372036854775807")
        #expect(JSONValue.integer(.min).serialized() == "-9223372036854775808")
    }

    @Test func doublesPrintShortestAndValid() {
        #expect(JSONValue.double(3.0).serialized() == "3")
        #expect(JSONValue.double(-0.0).serialized() == "-0")
        #expect(JSONValue.double(0.1).serialized() == "0.1")
        #expect(JSONValue.double(-2.5).serialized() == "-2.5")
        #expect(JSONValue.double(1e-7).serialized() == "1e-07")
        #expect(JSONValue.double(1e300).serialized() == "1e+300")
        #expect(JSONValue.double(9_007_199_254_740_992).serialized() == "9007199254740992")
        #expect(JSONValue.double(18_014_398_509_481_984).serialized() == "1.8014398509481984e+16")
        #expect(JSONValue.double(.nan).serialized() == "null")
        #expect(JSONValue.double(.infinity).serialized() == "null")
        #expect(JSONValue.double(-.infinity).serialized() == "null")
    }

    @Test func bytesMatchString() {
        #expect(sample.serializedBytes(pretty: true) == Array(sample.serialized(pretty: true).utf8))
    }

    @Test func descriptionIsCompactJSON() {
        #expect(sample.description == sample.serialized())
    }

    @Test func parsedTextPrintsBackIdentically() throws {
        let text = #"{"zeta":[1,-2,3.25,1e-07,true,null],"alpha":{"":"","é":"\n\u0001"},"n":-9223372036854775808}"#
        #expect(try JSONValue.parse(text).serialized() == text)
    }

    @Test func randomValuesRoundTrip() throws {
        var generator = JSONTestGenerator(seed: 42)
        for _ in 0..<500 {
            let value = Self.randomValue(depth: 0, using: &generator)
            #expect(try JSONValue.parse(value.serialized()) == value)
            #expect(try JSONValue.parse(value.serialized(pretty: true)) == value)
            #expect(try JSONValue.parse(value.serializedBytes(sortedKeys: true)) == value)
        }
    }

    @Test func stringsMatchAReferenceEscaper() {
        // The printer skips 8 bytes at a time; vary lengths and positions around word edges.
        var generator = JSONTestGenerator(seed: 7)
        for _ in 0..<3_000 {
            var text = String.UnicodeScalarView()
            let length = Int.random(in: 0..<40, using: &generator)
            for _ in 0..<length {
                let special = Int.random(in: 0..<6, using: &generator) == 0
                text.append(special ? (Self.interestingScalars.randomElement(using: &generator) ?? "a") : "x")
            }
            let string = String(text)
            #expect(JSONValue.string(string).serialized() == Self.referenceQuoted(string), "\(string.debugDescription)")
        }
    }

    /// A slow, obviously right escaper to compare against.
    private static func referenceQuoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case "\u{8}": result += "\\b"
            case "\u{C}": result += "\\f"
            case "\u{0}"..."\u{1F}", "\u{7F}"..."\u{9F}", "\u{61C}", "\u{200B}"..."\u{200F}", "\u{2028}"..."\u{202E}",
                 "\u{2060}"..."\u{2069}", "\u{FEFF}", "\u{FFF9}"..."\u{FFFB}":
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    private static let interestingScalars: [Unicode.Scalar] = [
        "a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "\u{80}", "é",
        "\u{2028}", "\u{2029}", "\u{2027}", "\u{202A}", "\u{202F}", "\u{9F}", "\u{A0}", "\u{FEFF}", "\u{2066}", "€", "\u{FFFD}", "\u{FFFF}", "日", "😀", "\u{10FFFF}",
    ]

    private static func randomString(using generator: inout JSONTestGenerator) -> String {
        var text = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0..<24, using: &generator) {
            text.append(interestingScalars.randomElement(using: &generator) ?? "a")
        }
        return String(text)
    }

    private static func randomValue(depth: Int, using generator: inout JSONTestGenerator) -> JSONValue {
        let choice = Int.random(in: 0..<(depth < 4 ? 8 : 6), using: &generator)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .integer(Int64(bitPattern: generator.next()) >> Int.random(in: 0..<64, using: &generator))
        case 3:
            let value = Double(bitPattern: generator.next())
            return .double(value.isFinite ? value : 0.5)
        case 4, 5: return .string(randomString(using: &generator))
        case 6:
            return .array((0..<Int.random(in: 0..<5, using: &generator)).map { _ in
                randomValue(depth: depth + 1, using: &generator)
            })
        default:
            var members = JSONObject()
            for _ in 0..<Int.random(in: 0..<5, using: &generator) {
                members[randomString(using: &generator)] = randomValue(depth: depth + 1, using: &generator)
            }
            return .object(members)
        }
    }
}

@Suite("JSON printer: terminal safety")
struct JSONPrinterTerminalSafetyTests {
    @Test func c1ControlsAndBidiOverridesAreEscaped() {
        let text = "a\u{1B}[2J\u{9B}31m\u{202E}evil\u{2066}\u{200B}\u{FEFF}\u{061C}é€😀z"
        let out = JSONValue.string(text).serialized()
        #expect(out == "\"a\\u001b[2J\\u009b31m\\u202eevil\\u2066\\u200b\\ufeff\\u061cé€😀z\"")
        #expect(!out.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x202E })
        #expect((try? JSONValue.parse(out)) == .string(text))
    }

    @Test func harmlessMultibyteTextIsKeptAsIs() {
        let text = "Grüße — ½ ✓ 漢字 \u{00A0}"
        #expect(JSONValue.string(text).serialized() == "\"\(text)\"")
    }
}
