/// One difference between two JSON values, at one path.
public struct JSONChange: Sendable, Equatable {
    public enum Kind: Sendable, Hashable {
        /// `path` exists only in the new value; `oldValue` is nil.
        case added
        /// `path` exists only in the old value; `newValue` is nil.
        case removed
        /// `path` holds a different scalar, or a value of another kind; both values are set.
        case changed
    }

    public var kind: Kind
    public var path: JSONPath
    public var oldValue: JSONValue?
    public var newValue: JSONValue?

    public init(kind: Kind, path: JSONPath, oldValue: JSONValue?, newValue: JSONValue?) {
        self.kind = kind
        self.path = path
        self.oldValue = oldValue
        self.newValue = newValue
    }

    /// The changes as Rewind's commands print them in JSON (`state --diff`, `project diff`,
    /// `project step`, `project compare`): `[{"op":"added"|"removed"|"changed","path":".a.b[2]",
    /// "old":…,"new":…}]`; `old` is absent for an added path and `new` for a removed one.
    public static func report(_ changes: [JSONChange]) -> JSONValue {
        .array(changes.map { change in
            var object = JSONObject()
            switch change.kind {
            case .added: object["op"] = "added"
            case .removed: object["op"] = "removed"
            case .changed: object["op"] = "changed"
            }
            object["path"] = .string(change.path.description)
            if let old = change.oldValue { object["old"] = old }
            if let new = change.newValue { object["new"] = new }
            return .object(object)
        })
    }
}

extension JSONValue {
    /// The changes that turn `old` into `new`, smallest first: objects are compared member by
    /// member and arrays element by element, so only the leaves that differ are reported.
    ///
    /// Order: an object's old keys in old order (changed or removed), then keys only in `new` in
    /// new order; an array's common indices, then removed or added tail indices ascending.
    /// Equality is `JSONValue`'s (numbers by value, key order ignored), so equal inputs give [].
    /// Arrays are matched by index, not aligned: an insertion at the front reports every element
    /// after it as changed. Recurses once per nesting level.
    public static func diff(from old: JSONValue, to new: JSONValue) -> [JSONChange] {
        var changes: [JSONChange] = []
        var path: [JSONPathComponent] = []
        collectChanges(from: old, to: new, path: &path, into: &changes)
        return changes
    }

    private static func collectChanges(
        from old: JSONValue, to new: JSONValue, path: inout [JSONPathComponent], into changes: inout [JSONChange]
    ) {
        switch (old, new) {
        case let (.object(oldMembers), .object(newMembers)):
            for (key, oldValue) in oldMembers {
                path.append(.key(key))
                if let newValue = newMembers[key] {
                    collectChanges(from: oldValue, to: newValue, path: &path, into: &changes)
                } else {
                    changes.append(JSONChange(kind: .removed, path: JSONPath(path), oldValue: oldValue, newValue: nil))
                }
                path.removeLast()
            }
            for (key, newValue) in newMembers where oldMembers[key] == nil {
                path.append(.key(key))
                changes.append(JSONChange(kind: .added, path: JSONPath(path), oldValue: nil, newValue: newValue))
                path.removeLast()
            }
        case let (.array(oldElements), .array(newElements)):
            for index in 0..<max(oldElements.count, newElements.count) {
                path.append(.index(index))
                if index >= newElements.count {
                    changes.append(JSONChange(kind: .removed, path: JSONPath(path), oldValue: oldElements[index], newValue: nil))
                } else if index >= oldElements.count {
                    changes.append(JSONChange(kind: .added, path: JSONPath(path), oldValue: nil, newValue: newElements[index]))
                } else {
                    collectChanges(from: oldElements[index], to: newElements[index], path: &path, into: &changes)
                }
                path.removeLast()
            }
        default:
            if old != new {
                changes.append(JSONChange(kind: .changed, path: JSONPath(path), oldValue: old, newValue: new))
            }
        }
    }
}
