import CJQ
import JSON

/// Which version last changed each field of a stream's state at one version.
public struct Blame: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// A field: a top-level key for the generic fold; a leaf (a scalar or an empty
        /// container) for jq states.
        public var path: JSONPath
        /// The version of the event that last changed it; 0 when it has not changed since the
        /// initial state; nil when it last changed at or before `horizon` (outside the window
        /// that was replayed) or came from a snapshot.
        public var version: UInt64?

        public init(path: JSONPath, version: UInt64?) {
            self.path = path
            self.version = version
        }
    }

    /// The version whose state this describes.
    public var version: UInt64
    /// Fields in the order the state prints them.
    public var entries: [Entry]
    /// Changes at or before this version were not looked at (0: the whole history was).
    public var horizon: UInt64

    public init(version: UInt64, entries: [Entry], horizon: UInt64) {
        self.version = version
        self.entries = entries
        self.horizon = horizon
    }

    /// The entry for `path`, if it is a field of the state.
    public func entry(for path: JSONPath) -> Entry? {
        entries.first { $0.path == path }
    }
}

/// Records, event by event, the last version that changed each leaf path of a state.
struct ChangeTracker {
    private(set) var lastChange: [JSONPath: UInt64] = [:]
    private var path: [JSONPathComponent] = []

    /// Compares two libjq states (borrowed) and records what `version` changed. Subtrees that
    /// are the same libjq value (jq shares what a handler did not touch) are skipped at once.
    mutating func record(old: jv, new: jv, version: UInt64) {
        path.removeAll(keepingCapacity: true)
        walk(old: old, new: new, version: version)
    }

    private mutating func walk(old: jv, new: jv, version: UInt64) {
        if jv_identical(jv_copy(old), jv_copy(new)) != 0 { return }
        let oldKind = jv_get_kind(old), newKind = jv_get_kind(new)
        if oldKind == JV_KIND_OBJECT, newKind == JV_KIND_OBJECT {
            var it = jv_object_iter(new)
            var any = false
            while jv_object_iter_valid(new, it) != 0 {
                any = true
                let key = OwnedJV(jv_object_iter_key(new, it))
                let value = OwnedJV(jv_object_iter_value(new, it))
                let before = OwnedJV(jv_object_get(jv_copy(old), key.copy()))
                path.append(.key(JVConvert.string(key.borrow)))
                if before.kind == JV_KIND_INVALID {
                    markAll(value.borrow, version: version)
                } else {
                    walk(old: before.borrow, new: value.borrow, version: version)
                }
                path.removeLast()
                it = jv_object_iter_next(new, it)
            }
            if !any { lastChange[JSONPath(path)] = version }
        } else if oldKind == JV_KIND_ARRAY, newKind == JV_KIND_ARRAY {
            let oldCount = Int(jv_array_length(jv_copy(old)))
            let newCount = Int(jv_array_length(jv_copy(new)))
            if newCount == 0 { lastChange[JSONPath(path)] = version }
            for i in 0..<newCount {
                let value = OwnedJV(jv_array_get(jv_copy(new), Int32(i)))
                path.append(.index(i))
                if i < oldCount {
                    let before = OwnedJV(jv_array_get(jv_copy(old), Int32(i)))
                    walk(old: before.borrow, new: value.borrow, version: version)
                } else {
                    markAll(value.borrow, version: version)
                }
                path.removeLast()
            }
        } else if jv_equal(jv_copy(old), jv_copy(new)) == 0 {
            markAll(new, version: version)
        }
    }

    /// Every leaf under `value` (borrowed) was set by `version`.
    private mutating func markAll(_ value: jv, version: UInt64) {
        switch jv_get_kind(value) {
        case JV_KIND_OBJECT where jv_object_length(jv_copy(value)) > 0:
            var it = jv_object_iter(value)
            while jv_object_iter_valid(value, it) != 0 {
                let key = OwnedJV(jv_object_iter_key(value, it))
                let child = OwnedJV(jv_object_iter_value(value, it))
                path.append(.key(JVConvert.string(key.borrow)))
                markAll(child.borrow, version: version)
                path.removeLast()
                it = jv_object_iter_next(value, it)
            }
        case JV_KIND_ARRAY where jv_array_length(jv_copy(value)) > 0:
            let n = Int(jv_array_length(jv_copy(value)))
            for i in 0..<n {
                let child = OwnedJV(jv_array_get(jv_copy(value), Int32(i)))
                path.append(.index(i))
                markAll(child.borrow, version: version)
                path.removeLast()
            }
        default:
            lastChange[JSONPath(path)] = version
        }
    }

    /// The same for JSON values (any reducer): what `version` changed between two states.
    mutating func record(old: JSONValue, new: JSONValue, version: UInt64) {
        let changes = JSONValue.diff(from: old, to: new)
        for change in changes where change.kind != .removed {
            path = change.path.components
            if let value = change.newValue { markAll(value, version: version) }
        }
        // A container that became empty is a leaf of its own.
        for change in changes where change.kind == .removed {
            var parent = change.path.components
            parent.removeLast()
            if let container = new[JSONPath(parent)], container.arrayValue?.isEmpty == true || container.objectValue?.isEmpty == true {
                lastChange[JSONPath(parent)] = version
            }
        }
    }

    private mutating func markAll(_ value: JSONValue, version: UInt64) {
        switch value {
        case .object(let members) where !members.isEmpty:
            for (key, child) in members {
                path.append(.key(key))
                markAll(child, version: version)
                path.removeLast()
            }
        case .array(let elements) where !elements.isEmpty:
            for (i, child) in elements.enumerated() {
                path.append(.index(i))
                markAll(child, version: version)
                path.removeLast()
            }
        default:
            lastChange[JSONPath(path)] = version
        }
    }

    /// The leaves of `state` in print order, each with the version that last changed it
    /// (`unknown` for leaves not seen changing).
    func entries(of state: JSONValue, unknown: UInt64?) -> [Blame.Entry] {
        var out: [Blame.Entry] = []
        var path: [JSONPathComponent] = []
        func visit(_ value: JSONValue) {
            switch value {
            case .object(let members) where !members.isEmpty:
                for (key, child) in members {
                    path.append(.key(key))
                    visit(child)
                    path.removeLast()
                }
            case .array(let elements) where !elements.isEmpty:
                for (i, child) in elements.enumerated() {
                    path.append(.index(i))
                    visit(child)
                    path.removeLast()
                }
            default:
                let p = JSONPath(path)
                out.append(Blame.Entry(path: p, version: lastChange[p] ?? unknown))
            }
        }
        visit(state)
        return out
    }
}
