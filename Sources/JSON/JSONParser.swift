extension JSONValue {
    /// How deeply objects and arrays may nest in a parsed document; deeper input is an error.
    public static let maximumParseDepth = 512

    /// Parses one JSON text (RFC 8259) from UTF-8 bytes.
    ///
    /// Strict: exactly one value surrounded by optional whitespace; no comments, trailing commas,
    /// leading zeros, NaN or single quotes. A leading UTF-8 byte order mark is skipped (RFC 8259
    /// §8.1 allows it). Strings must be valid UTF-8 and may not hold raw control characters.
    /// Lossy on purpose, and only here:
    /// - a `\u` escape of a lone surrogate (one not part of a high-low pair) becomes U+FFFD;
    /// - a repeated object key keeps its first position and its last value (keys are the same
    ///   only when their Unicode scalars are: "é" and "e\u{301}" are two members; see `JSONKey`);
    /// - a number too large for a `Double` becomes ±`Double.greatestFiniteMagnitude`, as jq does;
    /// - `-0` (any negative zero) is `.double(-0.0)`, which prints as `-0`, so it round-trips
    ///   stably and keeps its sign for consumers that care; it equals `0` (numbers compare by value).
    /// Nesting is limited to `maximumParseDepth`; the parser never recurses, so any input is safe
    /// on any thread. The buffer is only read during the call.
    /// - Throws: `JSONParseError` locating the first offending byte.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw JSONParseError(offset: 0, line: 1, column: 1, reason: .emptyInput)
        }
        var parser = JSONParser(base: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        return try parser.parseDocument()
    }

    /// Parses one JSON text from UTF-8 bytes; see `parse(_: UnsafeRawBufferPointer)`.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(buffer) }
        }
        return try result.get()
    }

    /// Parses one JSON text from a string; see `parse(_: UnsafeRawBufferPointer)`.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(UnsafeRawBufferPointer(buffer)) }
        }
        return try result.get()
    }
}

/// A non-recursive JSON parser over a borrowed byte buffer; strings and numbers are in
/// JSONParser+Strings.swift and JSONParser+Numbers.swift.
///
/// Open containers live on `frames`; finished values wait on `values` (and object keys on
/// `keys`) until their container closes, so nesting depth costs heap, not stack.
struct JSONParser {
    private struct Frame {
        var isObject: Bool
        /// Index in `values` of the container's first element.
        var valueStart: Int
    }

    let base: UnsafePointer<UInt8>
    let count: Int
    var position = 0
    private var frames: [Frame] = []
    private var values: [JSONValue] = []
    private var keys: [JSONKey] = []
    /// Decoded bytes of the current string when it has escapes; reused across strings.
    var scratch: [UInt8] = []

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    @inline(__always)
    subscript(offset: Int) -> UInt8 { base[offset] }

    func error(_ reason: JSONParseError.Reason, at offset: Int) -> JSONParseError {
        JSONParseError(reason: reason, offset: offset, in: UnsafeRawBufferPointer(start: base, count: count))
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        if count >= 3, self[0] == 0xEF, self[1] == 0xBB, self[2] == 0xBF { position = 3 }
        skipWhitespace()
        if position == count { throw error(.emptyInput, at: position) }
        values.reserveCapacity(32)
        keys.reserveCapacity(32)

        while true {
            // A value starts here; whitespace before it has been skipped.
            guard position < count else { throw error(.unexpectedEndOfInput, at: position) }
            switch self[position] {
            case UInt8(ascii: "{"):
                try checkDepth()
                position += 1
                skipWhitespace()
                if position < count, self[position] == UInt8(ascii: "}") {
                    position += 1
                    values.append(.object([:]))
                } else {
                    frames.append(Frame(isObject: true, valueStart: values.count))
                    try parseKeyAndColon()
                    continue
                }
            case UInt8(ascii: "["):
                try checkDepth()
                position += 1
                skipWhitespace()
                if position < count, self[position] == UInt8(ascii: "]") {
                    position += 1
                    values.append(.array([]))
                } else {
                    frames.append(Frame(isObject: false, valueStart: values.count))
                    continue
                }
            case UInt8(ascii: "\""):
                position += 1
                values.append(.string(try parseString()))
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                values.append(.bool(true))
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                values.append(.bool(false))
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                values.append(.null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                values.append(try parseNumber())
            default:
                throw error(.expectedValue, at: position)
            }

            // A value just ended: close containers until one expects another value.
            while true {
                skipWhitespace()
                guard let frame = frames.last else {
                    if position != count { throw error(.trailingData, at: position) }
                    return values[0]
                }
                guard position < count else { throw error(.unexpectedEndOfInput, at: position) }
                let byte = self[position]
                position += 1
                if byte == UInt8(ascii: ",") {
                    skipWhitespace()
                    if frame.isObject { try parseKeyAndColon() }
                    break
                }
                if frame.isObject {
                    guard byte == UInt8(ascii: "}") else {
                        throw error(.expectedCommaOrObjectEnd, at: position - 1)
                    }
                    closeObject()
                } else {
                    guard byte == UInt8(ascii: "]") else {
                        throw error(.expectedCommaOrArrayEnd, at: position - 1)
                    }
                    closeArray()
                }
            }
        }
    }

    private func checkDepth() throws(JSONParseError) {
        if frames.count >= JSONValue.maximumParseDepth {
            throw error(.tooDeep(limit: JSONValue.maximumParseDepth), at: position)
        }
    }

    private mutating func closeObject() {
        let frame = frames.removeLast()
        let memberCount = values.count - frame.valueStart
        let keyStart = keys.count - memberCount
        if memberCount <= 16, !Self.hasDuplicate(keys, from: keyStart) {
            let objectKeys = Self.moveTail(of: &keys, from: keyStart, leaving: JSONKey(""))
            let objectValues = Self.moveTail(of: &values, from: frame.valueStart, leaving: .null)
            values.append(.object(JSONObject(uncheckedUniqueKeys: objectKeys, values: objectValues)))
            return
        }
        // Large or with repeated keys: let the dictionary hash and keep the last value.
        var members = JSONObject(minimumCapacity: memberCount)
        for index in 0..<memberCount {
            members[keys[keyStart + index]] = values[frame.valueStart + index]
        }
        keys.removeLast(memberCount)
        values.removeLast(memberCount)
        values.append(.object(members))
    }

    private mutating func closeArray() {
        let frame = frames.removeLast()
        let elements = Self.moveTail(of: &values, from: frame.valueStart, leaving: .null)
        values.append(.array(elements))
    }

    /// Whether any two of `keys[start...]` are equal; quadratic, for small objects only.
    private static func hasDuplicate(_ keys: [JSONKey], from start: Int) -> Bool {
        var index = start
        while index < keys.count {
            let key = keys[index]
            var other = index + 1
            while other < keys.count {
                if keys[other] == key { return true }
                other += 1
            }
            index += 1
        }
        return false
    }

    /// Removes `array[start...]` and returns it, moving elements instead of copying them.
    ///
    /// `filler` must hold no references: it briefly takes the moved-from slots so that removing
    /// them releases nothing.
    private static func moveTail<Element>(of array: inout [Element], from start: Int, leaving filler: Element) -> [Element] {
        let count = array.count - start
        guard count > 0 else { return [] }
        // reserveCapacity + append, unlike Array(unsafeUninitializedCapacity:), stays specialized
        // and skips a runtime metadata lookup per array.
        var tail: [Element] = []
        tail.reserveCapacity(count)
        array.withUnsafeMutableBufferPointer { source in
            guard let first = source.baseAddress.map({ $0 + start }) else { return }
            for offset in 0..<count {
                tail.append((first + offset).move())
            }
            first.initialize(repeating: filler, count: count)
        }
        array.removeLast(count)
        return tail
    }

    /// Reads `"key" :` and the whitespace after it; `position` is at the key's quote.
    private mutating func parseKeyAndColon() throws(JSONParseError) {
        guard position < count else { throw error(.unexpectedEndOfInput, at: position) }
        guard self[position] == UInt8(ascii: "\"") else { throw error(.expectedKey, at: position) }
        position += 1
        keys.append(JSONKey(try parseString()))
        skipWhitespace()
        guard position < count else { throw error(.unexpectedEndOfInput, at: position) }
        guard self[position] == UInt8(ascii: ":") else { throw error(.expectedColon, at: position) }
        position += 1
        skipWhitespace()
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < count {
            switch self[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let length = literal.utf8CodeUnitCount
        guard position + length <= count else { throw error(.invalidLiteral, at: position) }
        let expected = literal.utf8Start
        for index in 0..<length where self[position + index] != expected[index] {
            throw error(.invalidLiteral, at: position)
        }
        position += length
    }
}
