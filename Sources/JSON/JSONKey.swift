/// The name of a JSON object member, compared and hashed by its Unicode scalars.
///
/// Swift's `String` compares by canonical equivalence, so "é" (U+00E9) equals "e\u{301}". JSON
/// names are sequences of code points (RFC 8259 §8.3 compares them code unit by code unit, and jq
/// does too), so an object holding both spellings has two members, and a key type built on
/// `String` equality would silently drop one on import. `JSONKey` compares the UTF-8 bytes
/// instead: UTF-8 is a bijection on scalars that keeps their order, so equal bytes mean equal
/// scalars and byte order is scalar order.
///
/// Comparing and hashing work on the contiguous UTF-8 of native strings (a word at a time), which
/// is at least as fast as `String`'s own equality: there is never a normalization pass.
public struct JSONKey: Sendable, Hashable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The name as written (after JSON escapes are decoded).
    public let string: String

    public init(_ string: String) {
        self.string = string
    }

    public init(stringLiteral value: String) {
        self.string = value
    }

    public var description: String { string }

    public static func == (lhs: JSONKey, rhs: JSONKey) -> Bool {
        scalarsEqual(lhs.string, rhs.string)
    }

    public func hash(into hasher: inout Hasher) {
        Self.hashScalars(of: string, into: &hasher)
    }

    /// Orders by Unicode scalar values (the order `serialized(sortedKeys: true)` uses).
    public static func < (lhs: JSONKey, rhs: JSONKey) -> Bool {
        scalarsPrecede(lhs.string, rhs.string)
    }
}

// MARK: - Scalar-exact string comparison, shared with JSONValue's strings

extension JSONKey {
    /// Whether `a` and `b` hold the same Unicode scalars (not merely canonically equivalent ones).
    @inlinable
    public static func scalarsEqual(_ a: String, _ b: String) -> Bool {
        let count = a.utf8.count
        guard count == b.utf8.count else { return false }
        let fast = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right in bytesEqual(left, right, count: count) }
        }
        if let fast, let fast { return fast }
        // Only strings bridged from elsewhere lack contiguous UTF-8.
        return a.utf8.elementsEqual(b.utf8)
    }

    /// Feeds the UTF-8 bytes of `text` and their count to `hasher`, consistent with `scalarsEqual`.
    @inlinable
    public static func hashScalars(of text: String, into hasher: inout Hasher) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        }
        if done == nil {
            for byte in text.utf8 { hasher.combine(byte) }
        }
        // The count ends the bytes, so ("ab", "c") and ("a", "bc") hash apart inside a larger value.
        hasher.combine(text.utf8.count)
    }

    /// Whether `a` comes before `b` in Unicode scalar order (byte order of their UTF-8).
    public static func scalarsPrecede(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Compares the first `count` bytes of two buffers eight bytes at a time.
    @inlinable
    static func bytesEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, count: Int) -> Bool {
        guard let left = a.baseAddress, let right = b.baseAddress else { return count == 0 }
        if left == right { return true }
        var index = 0
        while index + 8 <= count {
            let l = UnsafeRawPointer(left + index).loadUnaligned(as: UInt64.self)
            let r = UnsafeRawPointer(right + index).loadUnaligned(as: UInt64.self)
            if l != r { return false }
            index += 8
        }
        while index < count {
            if left[index] != right[index] { return false }
            index += 1
        }
        return true
    }
}
