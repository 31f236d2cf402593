/// One JSON value: the payload of an event, a reducer's state, or any part of them.
///
/// Numbers are `.integer` when they were written without a fraction or exponent and fit in
/// `Int64`, and `.double` otherwise. Equality and hashing follow JSON's meaning rather than the
/// representation:
/// - numbers compare by value, so `.integer(1) == .double(1.0)`;
/// - objects compare as sets of members, so key order does not matter (it is still kept for
///   printing);
/// - strings and object keys compare by Unicode scalars, not by canonical equivalence, so
///   `"é"` (U+00E9) and `"e\u{301}"` are different strings and different members (see `JSONKey`),
///   and every value equals its own re-parse;
/// - `.double(.nan)` equals itself, so the value stays usable as a dictionary key. Parsed JSON
///   never contains NaN or infinities; they print as `null`.
///
/// Values are immutable, copy-on-write and `Sendable`.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

// MARK: - Accessors

extension JSONValue {
    /// The member named `key`, or nil when this is not an object or has no such member.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The element at `index`, or nil when this is not an array or `index` is out of range.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// The text of a string value; nil for every other kind.
    public var stringValue: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    /// The value of an integer, or of a double that is integral and fits in `Int64`; else nil.
    public var int64Value: Int64? {
        switch self {
        case .integer(let value): return value
        case .double(let value): return Int64(exactly: value)
        default: return nil
        }
    }

    /// The value of any number as a `Double` (large integers round to the nearest double).
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    /// The value of a boolean; nil for every other kind (no truthiness).
    public var boolValue: Bool? {
        guard case .bool(let value) = self else { return nil }
        return value
    }

    /// The members of an object; nil for every other kind.
    public var objectValue: JSONObject? {
        guard case .object(let members) = self else { return nil }
        return members
    }

    /// The elements of an array; nil for every other kind.
    public var arrayValue: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The JSON kind, as users read it: "null", "boolean", "number", "string", "array" or "object".
    ///
    /// `.integer` and `.double` are both "number"; a diff treats a change between them as a change
    /// of value, not of kind.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer, .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

// MARK: - Equality and hashing

extension JSONValue: Hashable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case let (.bool(a), .bool(b)):
            return a == b
        case let (.integer(a), .integer(b)):
            return a == b
        case let (.double(a), .double(b)):
            return a == b || (a.isNaN && b.isNaN)
        case let (.integer(a), .double(b)), let (.double(b), .integer(a)):
            // Exact: Double(a) would round large integers and call unequal values equal.
            return Int64(exactly: b) == a
        case let (.string(a), .string(b)):
            return JSONKey.scalarsEqual(a, b)
        case let (.array(a), .array(b)):
            return a == b
        case let (.object(a), .object(b)):
            return a == b
        default:
            return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null:
            hasher.combine(0 as UInt8)
        case .bool(let value):
            hasher.combine(1 as UInt8)
            hasher.combine(value)
        case .integer(let value):
            hasher.combine(2 as UInt8)
            hasher.combine(value)
        case .double(let value):
            // Hash integral doubles like the integer they equal; -0.0 becomes 0 here too.
            if let integral = Int64(exactly: value) {
                hasher.combine(2 as UInt8)
                hasher.combine(integral)
            } else {
                hasher.combine(3 as UInt8)
                hasher.combine(value.isNaN ? Double.nan.bitPattern : value.bitPattern)
            }
        case .string(let value):
            hasher.combine(4 as UInt8)
            JSONKey.hashScalars(of: value, into: &hasher)
        case .array(let elements):
            hasher.combine(5 as UInt8)
            hasher.combine(elements)
        case .object(let members):
            hasher.combine(6 as UInt8)
            hasher.combine(members)
        }
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .integer(value) }
}

extension JSONValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// Builds an object in the written order; a repeated key keeps its first position and its
    /// last value, as when parsing.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(uniqueKeysWithValues: elements))
    }
}
