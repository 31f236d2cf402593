import Testing
import JSON

@Suite struct JSONObjectTests {
    @Test func stringKeyedEditsKeepOrder() {
        var object: JSONObject = ["b": 1, "a": 2]
        object["c"] = 3
        #expect(Array(object.keys) == ["b", "a", "c"])
        #expect(object.updateValue(20, forKey: "a") == 2)
        #expect(object.index(forKey: "a") == 1)
        object.setValue(30, at: 2)
        #expect(object["c"] == 30)
        #expect(object.removeValue(forKey: "b") == 1)
        #expect(!object.contains(key: "b"))
        #expect(object.map(\.key) == ["a", "c"])
        #expect(object["missing", default: 7] == 7)
    }

    @Test func mergeFilterMapAndSort() {
        var object: JSONObject = ["x": 1, "y": 2]
        object.merge(["y": 5, "z": 6] as JSONObject) { old, new in old == 2 ? new : old }
        #expect(object == ["x": 1, "y": 5, "z": 6])
        #expect(Array(object.filter { $0.value != 5 }.keys) == ["x", "z"])
        #expect(object.mapValues { .integer(($0.int64Value ?? 0) * 10) } == ["x": 10, "y": 50, "z": 60])
        object.sort { $0.key > $1.key }
        #expect(Array(object.keys) == ["z", "y", "x"])
    }

    @Test func equalityAndHashIgnoreOrder() {
        let one: JSONObject = ["a": 1, "b": [true, nil]]
        let other: JSONObject = ["b": [true, nil], "a": 1.0]
        #expect(one == other)
        #expect(one.hashValue == other.hashValue)
        #expect(one != ["a": 1])
        #expect(one.description == "{\"a\":1,\"b\":[true,null]}")
    }
}
