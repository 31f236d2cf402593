/// One step into a JSON value: an object member or an array element.
///
/// Keys compare by Unicode scalars, like `JSONKey`, so the paths of two members whose names are
/// only canonically equivalent stay apart.
public enum JSONPathComponent: Sendable, Hashable {
    case key(String)
    case index(Int)

    public static func == (lhs: JSONPathComponent, rhs: JSONPathComponent) -> Bool {
        switch (lhs, rhs) {
        case let (.key(a), .key(b)): return JSONKey.scalarsEqual(a, b)
        case let (.index(a), .index(b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .key(let key):
            hasher.combine(0 as UInt8)
            JSONKey.hashScalars(of: key, into: &hasher)
        case .index(let index):
            hasher.combine(1 as UInt8)
            hasher.combine(index)
        }
    }
}

/// A location inside a JSON value, written the way jq reads it: `.`, `.balance`,
/// `.items[2].sku`, `.["odd key"]`.
///
/// Keys that are identifiers (`[A-Za-z_][A-Za-z0-9_]*`) print as `.key`; any other key prints
/// as a quoted, JSON-escaped `["key"]`, which jq accepts both at the root and after a step.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// The steps from the root, outermost first; empty for the root itself.
    public var components: [JSONPathComponent]

    /// The path of the whole value.
    public static let root = JSONPath([])

    public init(_ components: [JSONPathComponent]) {
        self.components = components
    }

    /// This path extended by one step.
    public func appending(_ component: JSONPathComponent) -> JSONPath {
        JSONPath(components + [component])
    }

    public var description: String {
        guard !components.isEmpty else { return "." }
        var text = ""
        for component in components {
            switch component {
            case .key(let key) where Self.isIdentifier(key):
                text += "." + key
            case .key(let key):
                text += "[" + JSONValue.string(key).serialized() + "]"
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text.hasPrefix(".") ? text : "." + text
    }

    private static func isIdentifier(_ key: String) -> Bool {
        guard let first = key.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return key.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                return true
            default:
                return false
            }
        }
    }
}

extension JSONValue {
    /// The value found by following `path`, or nil where a step names a missing key, an index
    /// out of range, or a value of the wrong kind.
    public subscript(path: JSONPath) -> JSONValue? {
        var current = self
        for component in path.components {
            let next: JSONValue?
            switch component {
            case .key(let key): next = current[key]
            case .index(let index): next = current[index]
            }
            guard let next else { return nil }
            current = next
        }
        return current
    }
}
