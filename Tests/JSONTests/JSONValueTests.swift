import Testing
import JSON

@Suite struct JSONValueTests {
    @Test func accessorsReturnOnlyTheirKind() {
        let value: JSONValue = ["s": "text", "i": 3, "d": 2.5, "b": true, "a": [1], "o": ["k": nil]]
        #expect(value["s"]?.stringValue == "text")
        #expect(value["i"]?.stringValue == nil)
        #expect(value["i"]?.int64Value == 3)
        #expect(value["d"]?.int64Value == nil)
        #expect(value["d"]?.doubleValue == 2.5)
        #expect(value["i"]?.doubleValue == 3.0)
        #expect(value["b"]?.boolValue == true)
        #expect(value["i"]?.boolValue == nil)
        #expect(value["a"]?.arrayValue == [1])
        #expect(value["o"]?.objectValue?["k"] == .null)
        #expect(value["o"]?["k"]?.isNull == true)
        #expect(value["missing"] == nil)
        #expect(value["a"]?[0] == 1)
        #expect(value["a"]?[1] == nil)
        #expect(value["a"]?[-1] == nil)
        #expect(value[0] == nil)
        #expect(JSONValue.string("x")["k"] == nil)
    }

    @Test func int64ValueFromIntegralDoubles() {
        #expect(JSONValue.double(2.0).int64Value == 2)
        #expect(JSONValue.double(-7.0).int64Value == -7)
        #expect(JSONValue.double(1e20).int64Value == nil)
        #expect(JSONValue.double(.nan).int64Value == nil)
        #expect(JSONValue.string("2").int64Value == nil)
    }

    @Test func kindNames() {
        let values: [JSONValue] = [nil, true, 1, 1.5, "s", [], [:]]
        #expect(values.map(\.kindName) == ["null", "boolean", "number", "number", "string", "array", "object"])
    }

    @Test func numbersCompareByValue() {
        #expect(JSONValue.integer(1) == .double(1.0))
        #expect(JSONValue.double(1.0) == .integer(1))
        #expect(JSONValue.integer(1) != .double(1.5))
        #expect(JSONValue.double(0.0) == .double(-0.0))
        // 2^63 is not Int64.max even though Double(Int64.max) rounds to it.
        #expect(JSONValue.integer(.max) != .double(9_223_372_036_854_775_808.0))
        #expect(JSONValue.integer(1) != .string("1"))
        #expect(JSONValue.bool(true) != .integer(1))
        #expect(JSONValue.double(.nan) == .double(.nan))
    }

    @Test func objectsCompareIgnoringKeyOrder() {
        #expect(JSONValue(dictionaryLiteral: ("a", 1), ("b", 2)) == ["b": 2, "a": 1])
        #expect(JSONValue(dictionaryLiteral: ("a", 1), ("b", 2)) != ["a": 1, "b": 3])
        #expect(JSONValue(dictionaryLiteral: ("a", 1)) != ["a": 1, "b": nil])
        #expect(JSONValue.array([1, 2]) != [2, 1])
    }

    @Test func hashAgreesWithEquality() {
        let set: Set<JSONValue> = [.integer(1), .double(1.0), .double(-0.0), .integer(0), ["a": 1, "b": 2], ["b": 2.0, "a": 1]]
        #expect(set.count == 3)
        #expect(set.contains(["a": 1.0, "b": 2]))
        #expect(!set.contains(.double(1.5)))
    }

    @Test func literalsBuildTheExpectedCases() {
        #expect({ if case .integer(5) = (5 as JSONValue) { true } else { false } }())
        #expect({ if case .double(2.5) = (2.5 as JSONValue) { true } else { false } }())
        #expect({ if case .string("s") = ("s" as JSONValue) { true } else { false } }())
        #expect({ if case .null = (nil as JSONValue) { true } else { false } }())
        let repeated: JSONValue = ["k": 1, "other": 2, "k": 3]
        #expect(repeated.objectValue.map { Array($0.keys) } == ["k", "other"])
        #expect(repeated["k"] == 3)
    }
}
