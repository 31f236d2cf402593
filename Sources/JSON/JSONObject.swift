public import OrderedCollections

/// A JSON object: its members in the order they were written, keyed by Unicode scalars.
///
/// A String-keyed face over `OrderedDictionary<JSONKey, JSONValue>`: callers pass and get plain
/// `String`s, but two keys are the same member only when their scalars are equal (see
/// `JSONKey`), so "é" and "e\u{301}" stay two members, as in the JSON text and in jq.
///
/// Order is kept so users see their events' fields the way they wrote them; it does not take part
/// in equality or hashing, which treat the object as a set of members (as `JSONValue` does).
/// Iterating yields `(key, value)` pairs in order; indices are positions `0..<count`.
public struct JSONObject: Sendable {
    /// The members, keyed by `JSONKey`; for callers that already hold keys.
    public var storage: OrderedDictionary<JSONKey, JSONValue>

    public init() {
        storage = [:]
    }

    public init(minimumCapacity: Int) {
        storage = OrderedDictionary(minimumCapacity: minimumCapacity)
    }

    public init(_ storage: OrderedDictionary<JSONKey, JSONValue>) {
        self.storage = storage
    }

    /// Builds an object from pairs; a repeated key keeps its first position and its last value.
    public init<S: Sequence>(uniqueKeysWithValues pairs: S) where S.Element == (String, JSONValue) {
        storage = OrderedDictionary(minimumCapacity: pairs.underestimatedCount)
        for (key, value) in pairs { storage[JSONKey(key)] = value }
    }

    /// Builds an object from keys known to be distinct (the parser checks them).
    init(uncheckedUniqueKeys keys: [JSONKey], values: [JSONValue]) {
        storage = OrderedDictionary(uncheckedUniqueKeys: keys, values: values)
    }

    // MARK: Lookup

    /// The value of member `key`; setting nil removes the member, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get { storage[JSONKey(key)] }
        set { storage[JSONKey(key)] = newValue }
    }

    /// The value of member `key`, by `JSONKey`.
    public subscript(key: JSONKey) -> JSONValue? {
        get { storage[key] }
        set { storage[key] = newValue }
    }

    /// The value of member `key`, or `defaultValue` (appended on mutation) when it is missing.
    public subscript(key: String, default defaultValue: @autoclosure () -> JSONValue) -> JSONValue {
        get { storage[JSONKey(key)] ?? defaultValue() }
        set { storage[JSONKey(key)] = newValue }
    }

    /// The position of member `key`, or nil.
    public func index(forKey key: String) -> Int? {
        storage.index(forKey: JSONKey(key))
    }

    /// Whether the object has a member named exactly `key`.
    public func contains(key: String) -> Bool {
        storage.index(forKey: JSONKey(key)) != nil
    }

    /// The member names, in order.
    public var keys: Keys { Keys(base: storage.keys) }

    /// The member values, in order; mutable in place.
    public var values: OrderedDictionary<JSONKey, JSONValue>.Values {
        get { storage.values }
        _modify { yield &storage.values }
    }

    // MARK: Changing members

    /// Sets member `key` to `value` (appending a new key) and returns the value it replaced.
    @discardableResult
    public mutating func updateValue(_ value: JSONValue, forKey key: String) -> JSONValue? {
        storage.updateValue(value, forKey: JSONKey(key))
    }

    /// Replaces the value at `index`, keeping its key.
    public mutating func setValue(_ value: JSONValue, at index: Int) {
        storage.values[index] = value
    }

    /// Removes member `key` and returns its value, or nil when there was none.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        storage.removeValue(forKey: JSONKey(key))
    }

    /// Removes the member at `index` and returns it.
    @discardableResult
    public mutating func remove(at index: Int) -> Element {
        let removed = storage.remove(at: index)
        return (removed.key.string, removed.value)
    }

    public mutating func removeAll(keepingCapacity: Bool = false) {
        storage.removeAll(keepingCapacity: keepingCapacity)
    }

    public mutating func reserveCapacity(_ minimumCapacity: Int) {
        storage.reserveCapacity(minimumCapacity)
    }

    /// Adds the members of `other`; for a key in both, `combine(old, new)` gives the value.
    public mutating func merge(
        _ other: JSONObject, uniquingKeysWith combine: (JSONValue, JSONValue) throws -> JSONValue
    ) rethrows {
        try storage.merge(other.storage, uniquingKeysWith: combine)
    }

    /// Adds `pairs`; for a key already present, `combine(old, new)` gives the value.
    public mutating func merge<S: Sequence>(
        _ pairs: S, uniquingKeysWith combine: (JSONValue, JSONValue) throws -> JSONValue
    ) rethrows where S.Element == (String, JSONValue) {
        try storage.merge(pairs.lazy.map { (JSONKey($0.0), $0.1) }, uniquingKeysWith: combine)
    }

    /// This object with the members of `other` added; see `merge(_:uniquingKeysWith:)`.
    public func merging(
        _ other: JSONObject, uniquingKeysWith combine: (JSONValue, JSONValue) throws -> JSONValue
    ) rethrows -> JSONObject {
        var result = self
        try result.merge(other, uniquingKeysWith: combine)
        return result
    }

    // MARK: Reordering and transforming

    /// Reorders the members by `areInIncreasingOrder`.
    public mutating func sort(by areInIncreasingOrder: (Element, Element) throws -> Bool) rethrows {
        try storage.sort { try areInIncreasingOrder(($0.key.string, $0.value), ($1.key.string, $1.value)) }
    }

    /// Reorders the members by the Unicode scalars of their keys.
    public mutating func sortByKey() {
        storage.sort { $0.key < $1.key }
    }

    /// The members for which `isIncluded` holds, in order.
    public func filter(_ isIncluded: (Element) throws -> Bool) rethrows -> JSONObject {
        JSONObject(try storage.filter { try isIncluded(($0.key.string, $0.value)) })
    }

    /// The same keys with each value transformed.
    public func mapValues(_ transform: (JSONValue) throws -> JSONValue) rethrows -> JSONObject {
        JSONObject(try storage.mapValues(transform))
    }

    /// The same keys, in order, with each value transformed; members whose value maps to nil are dropped.
    public func compactMapValues(_ transform: (JSONValue) throws -> JSONValue?) rethrows -> JSONObject {
        JSONObject(try storage.compactMapValues(transform))
    }
}

// MARK: - Collection of members

extension JSONObject: RandomAccessCollection {
    public typealias Element = (key: String, value: JSONValue)
    public typealias Index = Int
    public typealias Indices = Range<Int>

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }
    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    public subscript(position: Int) -> Element {
        (storage.keys[position].string, storage.values[position])
    }

    /// The member names of a `JSONObject`, in order, as `String`s.
    public struct Keys: RandomAccessCollection, Sendable {
        let base: OrderedSet<JSONKey>

        public var startIndex: Int { 0 }
        public var endIndex: Int { base.count }
        public subscript(position: Int) -> String { base[position].string }

        /// The names as `JSONKey`s, compared by scalars.
        public var jsonKeys: OrderedSet<JSONKey> { base }
    }
}

// MARK: - Equality, hashing, literals

extension JSONObject: Hashable {
    /// Objects are equal when they have the same members with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.storage.count == rhs.storage.count else { return false }
        for (key, value) in lhs.storage {
            guard let other = rhs.storage[key], other == value else { return false }
        }
        return true
    }

    /// Order-independent, to match `==`: each member's own hash is combined commutatively.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.count)
        var combined = 0
        for (key, value) in storage {
            var memberHasher = Hasher()
            memberHasher.combine(key)
            memberHasher.combine(value)
            combined ^= memberHasher.finalize()
        }
        hasher.combine(combined)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// Builds an object in the written order; a repeated key keeps its first position and its
    /// last value, as when parsing.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(uniqueKeysWithValues: elements)
    }
}

extension JSONObject: CustomStringConvertible {
    /// The compact JSON text, with keys in stored order.
    public var description: String { JSONValue.object(self).serialized() }
}
