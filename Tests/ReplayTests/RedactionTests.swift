import Replay
import Testing
import JSON

@Suite("redaction")
struct RedactionTests {
    let redactor = Redactor(RedactionRules(fields: ["email", "ssn", "cardNumber"]))

    @Test func hidesFieldsAtAnyDepthAndInArrays() throws {
        let value = try JSONValue.parse(#"""
            {"name":"Ada","EMAIL":"ada@example.com","profile":{"contacts":[{"email":"a@b.c","kind":"work"},{"phone":"1"}],
             "cardnumber":{"last4":"4242","full":"4242424242424242"}},"tags":["email","ssn"],"ssn":null}
            """#)
        let redacted = redactor.redact(value)
        let expected = try JSONValue.parse(#"""
            {"name":"Ada","EMAIL":"[redacted]","profile":{"contacts":[{"email":"[redacted]","kind":"work"},{"phone":"1"}],
             "cardnumber":"[redacted]"},"tags":["email","ssn"],"ssn":"[redacted]"}
            """#)
        #expect(redacted == expected)
        // Member order is kept.
        #expect(redacted.serialized().hasPrefix(#"{"name":"Ada","EMAIL":"[redacted]","profile":"#))
    }

    @Test func hidesInsideTopLevelArrays() throws {
        let value = try JSONValue.parse(#"[[{"ssn":"1"}],{"x":[{"Ssn":"2"}]}]"#)
        #expect(redactor.redact(value) == (try JSONValue.parse(#"[[{"ssn":"[redacted]"}],{"x":[{"Ssn":"[redacted]"}]}]"#)))
    }

    @Test func untouchedBytesAreNotRewritten() throws {
        // No field name in quotes: not even parsed.
        let plain = Array(#"{ "amountCents" : 500,   "note":"spaces kept" }"#.utf8)
        #expect(plain.withUnsafeBytes { redactor.mayHideSomething($0) } == false)
        #expect(redactor.redact(bytes: plain) == nil)
        // A field name as a value (not a key) is parsed, found harmless, and left alone.
        let lookalike = Array(#"{ "kind" : "email",  "n": 1.50 }"#.utf8)
        #expect(lookalike.withUnsafeBytes { redactor.mayHideSomething($0) } == true)
        #expect(redactor.redact(bytes: lookalike) == nil)
    }

    @Test func bytesWithAHiddenKeyAreRewrittenCompactly() {
        let bytes = Array(#"{ "user": { "Email": "ada@example.com", "age": 36 } }"#.utf8)
        #expect(redactor.redact(bytes: bytes).map { String(decoding: $0, as: UTF8.self) } == #"{"user":{"Email":"[redacted]","age":36}}"#)
    }

    @Test func escapedKeysAreFoundToo() {
        // "em\u0061il" is "email": the prefilter cannot read escapes, so it parses.
        let bytes = Array(#"{"em\u0061il":"ada@example.com"}"#.utf8)
        #expect(redactor.redact(bytes: bytes).map { String(decoding: $0, as: UTF8.self) } == #"{"email":"[redacted]"}"#)
    }

    @Test func unparsableBytesThatMayHoldAFieldAreHiddenWhole() {
        let bytes = Array(#"{"email":"ada@example.com""#.utf8)
        #expect(redactor.redact(bytes: bytes).map { String(decoding: $0, as: UTF8.self) } == #""[redacted]""#)
    }

    @Test func noFieldsHidesNothing() throws {
        let none = Redactor(RedactionRules())
        #expect(none.isEmpty)
        let value = try JSONValue.parse(#"{"email":"x"}"#)
        #expect(none.redact(value) == value)
        #expect(none.redact(bytes: Array(#"{"email":"x"}"#.utf8)) == nil)
    }

    @Test func nonASCIIFieldNamesMatchCaseInsensitively() throws {
        let r = Redactor(RedactionRules(fields: ["Straße"]))
        #expect(r.redact(bytes: Array(#"{"STRASSE":1,"straße":2}"#.utf8)).map { String(decoding: $0, as: UTF8.self) } == #"{"STRASSE":1,"straße":"[redacted]"}"#)
    }
}
