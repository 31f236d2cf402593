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
    ]

    static let refusedOrWrong = [
        #"{"stream":"a-1","type":"T","data":{"note":"rent, \"june\""}}"#,
        #"{"stream":"a-1","type":"T","data":{"x":1.5}}"#,
        #"{"stream":"a-1","type":"T","data":{"x":1e3}}"#,
        #"{"stream":"a-1","type":"T","data":{"x":-0}}"#,
        #"{"stream":"a-1","type":"T","data":{"x":01}}"#,
        #"{"stream":"a-1","type":"T","data":{"x":1234567890123456789}}"#,
        #"{"stream":"a-1","type":"T","data":{"x":"\u00e9"}}"#,
        #"{"stream":"a-1","type":"T","data":{"x":"é"}}"#,
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
        for line in Self.refusedOrWrong.prefix(9) { #expect(Self.fast(line) == nil, "\(line)") }
    }

    @Test func theCompactCopyIsThePrintersOutputForGeneratedEvents() throws {
        var copier = JSONCompactCopier()
        for text in [#"{ "a" : [ 1, {"b": null } ], "c": "d" }"#, "[ ]", "{}", #""x""#, "-12", "true"] {
            var input = text
            copier.output.removeAll()
            let end = input.withUTF8 { copier.copyValue($0.baseAddress!, count: $0.count, from: 0) }
            #expect(end != nil, "\(text)")
            #expect(copier.output == (try JSONValue.parse(text)).serializedBytes(), "\(text)")
        }
    }
}
