import Testing
import JSON

/// RFC 8259 conformance on the JSONTestSuite cases, scalar-exact keys and strings, and stable
/// round trips (a value equals its re-parse, and printing that re-parse gives the same text).
@Suite struct JSONConformanceTests {
    typealias Case = JSONTestSuiteCases.Case

    static let mustAccept = JSONTestSuiteCases.all.filter { if case .accept = $0.expectation { true } else { false } }
    static let mustReject = JSONTestSuiteCases.all.filter { if case .reject = $0.expectation { true } else { false } }
    static let parsersChoice = JSONTestSuiteCases.all.filter {
        if case .implementationDefined = $0.expectation { true } else { false }
    }

    private static let printings: [(pretty: Bool, sortedKeys: Bool)] = [(false, false), (true, false), (false, true), (true, true)]

    /// Checks that `value` prints, in every form, to text that parses back to an equal value and
    /// prints again to the very same bytes.
    private static func expectStableRoundTrip(_ value: JSONValue, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for printing in printings {
            let text = value.serializedBytes(pretty: printing.pretty, sortedKeys: printing.sortedKeys)
            let reparsed: JSONValue
            do {
                reparsed = try JSONValue.parse(text)
            } catch {
                Issue.record("\(label) \(printing): printed text does not parse: \(error)", sourceLocation: sourceLocation)
                continue
            }
            #expect(reparsed == value, "\(label) \(printing)", sourceLocation: sourceLocation)
            #expect(reparsed.hashValue == value.hashValue, "\(label) \(printing)", sourceLocation: sourceLocation)
            let again = reparsed.serializedBytes(pretty: printing.pretty, sortedKeys: printing.sortedKeys)
            #expect(again == text, "\(label) \(printing)", sourceLocation: sourceLocation)
        }
    }

    // MARK: JSONTestSuite

    @Test func suiteDataIsComplete() {
        #expect(JSONTestSuiteCases.all.filter { !$0.decoded }.map(\.name) == [])
        #expect(Self.mustAccept.count == 95)
        #expect(Self.mustReject.count == 188)
        #expect(Self.parsersChoice.count == 35)
        #expect(Set(JSONTestSuiteCases.all.map(\.name)).count == JSONTestSuiteCases.all.count)
    }

    @Test(arguments: mustAccept)
    func acceptedCaseParsesAndEqualsItsReparse(_ testCase: Case) throws {
        let value = try JSONValue.parse(testCase.bytes)
        Self.expectStableRoundTrip(value, testCase.name)
    }

    @Test(arguments: mustReject)
    func rejectedCaseThrows(_ testCase: Case) {
        #expect(throws: JSONParseError.self, "\(testCase.name)") { try JSONValue.parse(testCase.bytes) }
    }

    @Test(arguments: parsersChoice)
    func implementationDefinedCaseKeepsItsRecordedOutcome(_ testCase: Case) {
        guard case .implementationDefined(let recorded) = testCase.expectation else { return }
        let value = try? JSONValue.parse(testCase.bytes)
        #expect((value != nil) == recorded, "\(testCase.name): accepted \(value != nil)")
        if let value { Self.expectStableRoundTrip(value, testCase.name) }
    }

    // MARK: Keys and strings by Unicode scalars

    static let nfc = "\u{E9}"  // é, one scalar
    static let nfd = "e\u{301}"  // e + combining acute accent: canonically equivalent, other scalars

    @Test func nfcAndNfdKeysStayTwoMembers() throws {
        #expect(Self.nfc == Self.nfd, "Swift's String equality is canonical; this test relies on it")
        let text = "{\"\(Self.nfc)\":1,\"\(Self.nfd)\":2}"
        let value = try JSONValue.parse(text)
        let members = try #require(value.objectValue)
        #expect(members.count == 2)
        #expect(members[Self.nfc] == 1)
        #expect(members[Self.nfd] == 2)
        #expect(Array(members.keys).map { Array($0.unicodeScalars) } == [Array(Self.nfc.unicodeScalars), Array(Self.nfd.unicodeScalars)])
        #expect(value.serialized() == text)
        Self.expectStableRoundTrip(value, "nfc/nfd object")

        // Objects of more than 16 members take the parser's hashing path.
        let many = (0..<20).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let large = try JSONValue.parse("{\(many),\"\(Self.nfd)\":2,\"\(Self.nfc)\":1,\"\(Self.nfd)\":3}")
        #expect(large.objectValue?.count == 22)
        #expect(large[Self.nfd] == 3)
        #expect(large[Self.nfc] == 1)
        Self.expectStableRoundTrip(large, "large nfc/nfd object")

        // Built in code, too.
        var built = JSONObject()
        built[Self.nfc] = 1
        built[Self.nfd] = 2
        #expect(built.count == 2)
        #expect(built.contains(key: Self.nfd))
        #expect(JSONValue.object(built) == value)
        built.updateValue(3, forKey: Self.nfc)
        #expect(built[Self.nfd] == 2, "setting one spelling leaves the other alone")
    }

    @Test func nfcAndNfdStringsAreDifferentValues() throws {
        let nfc = JSONValue.string(Self.nfc)
        let nfd = JSONValue.string(Self.nfd)
        #expect(nfc != nfd)
        #expect(Set([nfc, nfd]).count == 2)
        #expect(try JSONValue.parse("[\"\(Self.nfc)\",\"\(Self.nfd)\"]") != JSONValue.parse("[\"\(Self.nfc)\",\"\(Self.nfc)\"]"))
        // The same member under either spelling of a value is a change a diff reports.
        let old: JSONValue = ["name": nfc]
        let new: JSONValue = ["name": nfd]
        #expect(JSONValue.diff(from: old, to: new).map(\.path.description) == [".name"])
        // And two paths that differ only by normalization are two paths.
        #expect(JSONPath([.key(Self.nfc)]) != JSONPath([.key(Self.nfd)]))
    }

    @Test func keysSortByScalars() {
        var members: JSONObject = ["b": 1, Self.nfd: 2, "a": 3, Self.nfc: 4]
        members.sortByKey()
        #expect(members.keys.map { Array($0.utf8) } == ["a", "b", Self.nfd, Self.nfc].map { Array($0.utf8) })
        #expect(JSONValue.object(members).serialized(sortedKeys: true) == "{\"a\":3,\"b\":1,\"\(Self.nfd)\":2,\"\(Self.nfc)\":4}")
    }

    // MARK: Numbers

    @Test func minusZeroRoundTripsStably() throws {
        for text in ["-0", "-0.0", "-0e0", "-0.0E+5", "-0e-3"] {
            let value = try JSONValue.parse(text)
            #expect(value.doubleValue?.sign == .minus, "\(text)")
            #expect(value == 0, "\(text): numbers compare by value")
            #expect(value.serialized() == "-0", "\(text)")
            Self.expectStableRoundTrip(value, text)
        }
        let inArray = try JSONValue.parse("[-0,0,{\"z\":-0}]")
        #expect(inArray.serialized() == "[-0,0,{\"z\":-0}]")
        #expect(try JSONValue.parse("0") == .integer(0))
        #expect(JSONValue.double(-0.0).serialized() == "-0")
    }

    // MARK: Every value equals its own re-parse

    static let trickyDocuments: [String] = [
        "{\"\(nfc)\":1,\"\(nfd)\":2,\"\(nfc)\":3}",
        "[\"\(nfc)\",\"\(nfd)\",\"\u{212B}\",\"\u{C5}\",\"A\u{30A}\"]",  // Angstrom sign, Å, A + ring
        "{\"\u{FB01}\":1,\"fi\":2}",  // compatibility-equivalent only
        "\"\\ud800\"", "\"\\udc00x\\ud83d\\ude00\"", "\"\\u0000\\u001f\\u007f\\u0085\\u2028\\u202e\"",
        "[-0,0,-0.0,1e400,-1e400,1e-400,123456789012345678901234567890,9007199254740993,0.1,5e-324]",
        "[-9223372036854775808,9223372036854775807,9223372036854775808,1.7976931348623157e308]",
        "{\"a\":{\"a\":{\"a\":[{},[],\"\",null,true,false]}}}",
        "{\"\":0,\" \":1,\"\\\"\":2,\"\\\\\":3,\"\\/\":4}",
    ]

    @Test(arguments: trickyDocuments)
    func everyValueEqualsItsOwnReparse(_ text: String) throws {
        let value = try JSONValue.parse(text)
        Self.expectStableRoundTrip(value, text)
    }
}
