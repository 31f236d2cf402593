import EventLog
import Testing
@testable import Interchange
import JSON

/// The fast decoder of Rewind's JSON Lines gives exactly what the parsing decoder gives, or
/// steps aside (nil) — never a different event.
@Suite("import: fast JSON Lines decoding")
struct GenericEventLineFastTests {
    static func slow(_ line: String) -> GenericEventLine.Decoded? {
        var text = line
        return text.withUTF8 { try? GenericEventLine.decode(UnsafeRawBufferPointer($0), line: 1) }
    }

    static func fast(_ line: String) -> GenericEventLine.Decoded? {
        var text = line
        var copier = JSONCompactCopier()
        return text.withUTF8 { GenericEventLine.decodeFast(UnsafeRawBufferPointer($0), copier: &copier) }
    }

    /// Both decoders, with the id of a line without one (random in `decode`) set aside.
    static func both(_ line: String) -> (GenericEventLine.Decoded?, GenericEventLine.Decoded?) {
        var slow = slow(line)
        var fast = fast(line)
        if slow?.hasExplicitID == false { slow?.event.id = EventID(high: 0, low: 0) }
        if fast?.hasExplicitID == false { fast?.event.id = EventID(high: 0, low: 0) }
        return (slow, fast)
    }

    static let taken = [
        #"{"stream":"account-1","type":"MoneyDeposited","data":{"amountCents":500,"note":"rent, june {x} [y]"},"metadata":{"correlationId":"c-1"},"id":"3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f","time":"2026-01-15T10:00:00.25Z","version":2,"schemaVersion":3}"#,
        #"{"stream":"account-1","type":"T","data":{"a":[1,-2,0,true,false,null,{"b":[]},{}],"c":"x y"},"metadata":null,"id":null,"time":null,"version":null,"position":17,"recordedTime":"2026-01-15T10:00:00Z"}"#,
        #"  { "stream" : "a-1" , "type":"T", "data" : { "x" : [ 1 , 2 ] } , "metadata" : { } }  "#,
        #"{"type":"T","data":[],"stream":"a-1","contentType":"json","extra":{"deep":[[[[1]]]]}}"#,
        #"{"stream":"a-1","type":"T","data":"text","metadata":{}}"#,
        #"{"stream":"a-1","type":"T","data":123456789012345678}"#,
        // Fractions written as the printer writes them are copied.
        #"{"stream":"a-1","type":"T","data":{"amount":887.38,"rate":-0.5,"tiny":0.001,"x":1.5,"pi":3.14159265358979}}"#,
        // Text beyond ASCII in values is copied as written (2-, 3- and 4-byte characters).
        #"{"stream":"a-1","type":"T","data":{"owner":"Tomás Müller","city":"Zürich","note":"東京 ✓ 😀"},"metadata":{"actor":"customer:Łukasz Ørsted"}}"#,
    ]

    /// Characters the printer escapes for terminals (C1 controls, zero-width, bidi, separators,
    /// BOM): the copy would differ from the printer's output, so the fast path steps aside.
    static let hazards = ["\u{85}", "\u{9B}", "\u{61C}", "\u{200B}", "\u{200F}", "\u{2028}", "\u{202E}", "\u{2066}", "\u{FEFF}", "\u{FFFA}"]

    static let refusedOrWrong = [
        #"{"stream":"a-1","type":"T","data":{"note":"rent, \"june\""}}"#,
        #"{"stream":"a-1","type":"T","data":{"x":1.50}}"#,
        #"{"stream":"a-1","type":"T","data":{"x":1e3}}"#,
        #"{"stream":"a-1","type":"T","data":{"x":-0}}"#,
        #"{"stream":"a-1","type":"T","data":{"x":01}}"#,
        #"{"stream":"a-1","type":"T","data":{"x":1234567890123456789}}"#,
        #"{"stream":"a-1","type":"T","data":{"x":"\u00e9"}}"#,
        #"{"stream":"a-1","type":"T","data":{"x":1,"x":2}}"#,
        #"{"stream":"a-1","type":"T","data":{"x":1,}}"#,
        #"{"stream":"a-1","type":"T","data":{"x":tru}}"#,
        #"{"stream":"a-1","type":"T","data":[1 2]}"#,
        #"{"stream":"a-1","type":"T","data":{}} x"#,
        #"{"stream":"a-1","type":"T","data":{}"#,
        #"{"stream":"a-1","type":"T","type":"U","data":{}}"#,
        #"{"stream":"a-1","type":"","data":{}}"#,
        #"{"stream":"","type":"T","data":{}}"#,
        #"{"stream":"a-1","type":"T"}"#,
        #"{"stream":"a-1","type":"T","data":{},"version":0}"#,
        #"{"stream":"a-1","type":"T","data":{},"version":-1}"#,
        #"{"stream":"a-1","type":"T","data":{},"version":2.0}"#,
        #"{"stream":"a-1","type":"T","data":{},"id":"nope"}"#,
        #"{"stream":"a-1","type":"T","data":{},"time":"yesterday"}"#,
        #"{"stream":"a-1","type":"T","data":{},"metadata":[]}"#,
        #"{"stream":"a-1","type":"T","data":"AAEC","contentType":"binary"}"#,
        #"{"stream":"a-1","type":"T","data":{},"contentType":null}"#,
        #"{"stream":"a-1","type":"T","data":{"k":"tab\there"}}"#,
        #"{"stream":"a-1","type":"T","data":{"k":"del"#,
        #"[1]"#,
        "",
    ]

    @Test func linesItTakesDecodeExactlyAsTheParser() throws {
        for line in Self.taken {
            let (slow, fast) = Self.both(line)
            #expect(fast != nil, "fast refused \(line)")
            #expect(slow != nil && fast == slow, "\(line)")
        }
    }

    @Test func linesItRefusesOrThatAreWrongGoToTheParser() throws {
        for line in Self.refusedOrWrong {
            let (slow, fast) = Self.both(line)
            // Either it steps aside, or it agrees with the parser (which may accept the line).
            #expect(fast == nil || fast == slow, "\(line)")
            if slow == nil { #expect(fast == nil, "fast accepted what the parser refuses: \(line)") }
        }
        // Those the parser reads but the fast path must not copy as written.
        for line in Self.refusedOrWrong.prefix(8) { #expect(Self.fast(line) == nil, "\(line)") }
    }

    /// Numbers with a fraction: copied exactly when the printer would write them the same way
    /// (checked against parsing and printing for many spellings), else left to the parser.
    @Test func fractionsAreCopiedOnlyWhenThePrinterWritesThemAlike() throws {
        var copier = JSONCompactCopier()
        var texts = ["0.1", "-0.1", "0.5", "12.5", "12.50", "2.0", "0.0", "-0.0", "0.001", "0.0001", "0.00001", "1.25e2",
                     "123456789012345.6", "12345678901234.5", "1234567890.12345", "0.30000000000000004", "0.3", "100.01",
                     "9007199254740993.5", "00.5", "-01.5", "1.", ".5", "5.5.5", "1.5E3"]
        var state: UInt64 = 0x5EED
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let integer = (state >> 40) % [1, 10, 1_000, 1_000_000, 10_000_000_000][Int((state >> 20) % 5)]
            let digits = Int((state >> 8) % 9) + 1
            var fraction = String((state >> 28) % 1_000_000_000)
            while fraction.count < digits { fraction = "0" + fraction }
            texts.append((state & 1 == 0 ? "-" : "") + "\(integer)." + fraction.prefix(digits))
        }
        var copied = 0
        for text in texts {
            var input = "[" + text + "]"
            copier.output.removeAll()
            let end = input.withUTF8 { copier.copyValue($0.baseAddress!, count: $0.count, from: 0) }
            let printed = (try? JSONValue.parse(input))?.serializedBytes()
            if end != nil {
                copied += 1
                #expect(copier.output == printed, "\(text)")
            }
        }
        // Most of them are written as the printer writes them (the others end in a zero, say).
        #expect(copied > texts.count / 2)
        for text in ["12.5", "0.001", "-0.5", "887.38"] {
            var input = text
            copier.output.removeAll()
            #expect(input.withUTF8 { copier.copyValue($0.baseAddress!, count: $0.count, from: 0) } != nil, "\(text)")
        }
        for text in ["12.50", "2.0", "0.00001", "1234567890.1234567", "1.5e3", "-0.0"] {
            var input = text
            copier.output.removeAll()
            #expect(input.withUTF8 { copier.copyValue($0.baseAddress!, count: $0.count, from: 0) } == nil, "\(text)")
        }
    }

    @Test func textTheTerminalPrinterEscapesIsLeftToTheParser() throws {
        for hazard in Self.hazards {
            let line = #"{"stream":"a-1","type":"T","data":{"x":"a"# + hazard + #"b"}}"#
            let (slow, fast) = Self.both(line)
            #expect(fast == nil, "fast copied \(hazard.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(slow != nil)
        }
    }

    @Test func malformedUTF8IsLeftToTheParserWhichRefusesIt() throws {
        let prefix = Array(#"{"stream":"a-1","type":"T","data":{"x":"a"#.utf8)
        let suffix = Array(#"b"}}"#.utf8)
        // A lone continuation byte, a truncated sequence, an overlong "/", a surrogate, a
        // value past U+10FFFF, a lead byte 0xFF, a sequence cut by the closing quote.
        let bad: [[UInt8]] = [[0x80], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xE2, 0x82]]
        for bytes in bad {
            let line = prefix + bytes + suffix
            var copier = JSONCompactCopier()
            let fast = line.withUnsafeBytes { GenericEventLine.decodeFast($0, copier: &copier) }
            let slow = line.withUnsafeBytes { try? GenericEventLine.decode($0, line: 1) }
            #expect(fast == nil, "\(bytes)")
            #expect(slow == nil, "\(bytes)")
        }
    }

    @Test func nonASCIIKeysAreLeftToTheParser() throws {
        // The parser compares keys as Swift strings ("é" precomposed and decomposed are one
        // key), the copier as bytes: keys stay ASCII on the fast path.
        let line = "{\"stream\":\"a-1\",\"type\":\"T\",\"data\":{\"caf\u{E9}\":1,\"cafe\u{301}\":2}}"
        #expect(Self.fast(line) == nil)
    }

    @Test func theCompactCopyIsThePrintersOutputForGeneratedEvents() throws {
        var copier = JSONCompactCopier()
        for text in [#"{ "a" : [ 1, {"b": null } ], "c": "d" }"#, "[ ]", "{}", #""x""#, "-12", "true", #" { "e" : "ü ✓" } "#,
                     "\t[ {\n\"a\" :\r\n\"Zürich\" } ,\tfalse , null ]  "] {
            var input = text
            copier.output.removeAll()
            let end = input.withUTF8 { copier.copyValue($0.baseAddress!, count: $0.count, from: 0) }
            #expect(end != nil, "\(text)")
            #expect(copier.output == (try JSONValue.parse(text)).serializedBytes(), "\(text)")
        }
    }
}
