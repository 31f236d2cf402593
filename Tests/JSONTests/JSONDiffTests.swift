import Testing
import JSON

@Suite struct JSONDiffTests {
    private func rendered(_ changes: [JSONChange]) -> [String] {
        changes.map { change in
            let old = change.oldValue?.serialized() ?? "-"
            let new = change.newValue?.serialized() ?? "-"
            return "\(change.kind) \(change.path) \(old) \(new)"
        }
    }

    @Test func equalValuesHaveNoChanges() {
        let value: JSONValue = ["a": [1, 2, ["b": nil]], "c": "d"]
        #expect(JSONValue.diff(from: value, to: value).isEmpty)
        #expect(JSONValue.diff(from: ["n": 1], to: ["n": 1.0]).isEmpty)
        #expect(JSONValue.diff(from: ["x": 1, "y": 2], to: ["y": 2, "x": 1]).isEmpty)
    }

    @Test func objectMembersInOldThenNewOrder() {
        let old: JSONValue = ["a": 1, "b": 2, "c": 3, "gone": true]
        let new: JSONValue = ["fresh": "x", "c": 3, "b": 5, "a": 1, "later": nil]
        #expect(rendered(JSONValue.diff(from: old, to: new)) == [
            "changed .b 2 5",
            "removed .gone true -",
            "added .fresh - \"x\"",
            "added .later - null",
        ])
    }

    @Test func nestedPathsRenderLikeJq() {
        let old: JSONValue = ["items": [["sku": "A1"], ["sku": "B2"], ["sku": "C3", "qty": 1]]]
        let new: JSONValue = ["items": [["sku": "A1"], ["sku": "B2"], ["sku": "C4", "qty": 1]]]
        let changes = JSONValue.diff(from: old, to: new)
        #expect(changes == [
            JSONChange(kind: .changed, path: JSONPath([.key("items"), .index(2), .key("sku")]), oldValue: "C3", newValue: "C4"),
        ])
        #expect(changes.first?.path.description == ".items[2].sku")
    }

    @Test func arraysCompareByIndex() {
        #expect(rendered(JSONValue.diff(from: [1, 2, 3], to: [1, 9])) == [
            "changed .[1] 2 9",
            "removed .[2] 3 -",
        ])
        #expect(rendered(JSONValue.diff(from: ["l": [1]], to: ["l": [1, [2], 3]])) == [
            "added .l[1] - [2]",
            "added .l[2] - 3",
        ])
    }

    @Test func kindChangeIsOneChange() {
        #expect(rendered(JSONValue.diff(from: ["a": [1, 2]], to: ["a": ["x": 1]])) == ["changed .a [1,2] {\"x\":1}"])
        #expect(rendered(JSONValue.diff(from: ["a": "1"], to: ["a": 1])) == ["changed .a \"1\" 1"])
        #expect(rendered(JSONValue.diff(from: ["a": nil], to: ["a": false])) == ["changed .a null false"])
    }

    @Test func rootScalarChangeIsAtDot() {
        #expect(rendered(JSONValue.diff(from: 1, to: 2)) == ["changed . 1 2"])
        #expect(rendered(JSONValue.diff(from: [1], to: [:])) == ["changed . [1] {}"])
    }

    @Test func pathDescriptions() {
        #expect(JSONPath.root.description == ".")
        #expect(JSONPath([.key("balance")]).description == ".balance")
        #expect(JSONPath([.key("items"), .index(2), .key("sku")]).description == ".items[2].sku")
        #expect(JSONPath([.key("odd key")]).description == #".["odd key"]"#)
        #expect(JSONPath([.key("a"), .key("b c")]).description == #".a["b c"]"#)
        #expect(JSONPath([.index(0), .index(1)]).description == ".[0][1]")
        #expect(JSONPath([.key("1abc")]).description == #".["1abc"]"#)
        #expect(JSONPath([.key("")]).description == #".[""]"#)
        #expect(JSONPath([.key("quo\"te")]).description == #".["quo\"te"]"#)
        #expect(JSONPath([.key("_x1"), .key("Ünï")]).description == #"._x1["Ünï"]"#)
        #expect(JSONPath.root.appending(.key("a")).appending(.index(3)).description == ".a[3]")
    }

    @Test func valuesCanBeFoundByPath() {
        let value: JSONValue = ["items": [["sku": "A1"], ["sku": "B2"]]]
        #expect(value[JSONPath([.key("items"), .index(1), .key("sku")])] == "B2")
        #expect(value[JSONPath.root] == value)
        #expect(value[JSONPath([.key("items"), .index(5)])] == nil)
        #expect(value[JSONPath([.index(0)])] == nil)
    }
}
