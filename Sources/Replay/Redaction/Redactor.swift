import JSON
/// Hides personal data: replaces the value of every object member whose key is one of the
/// configured field names (compared case-insensitively), at any depth and inside arrays, by
/// the string `"[redacted]"`.
///
/// Works on `JSONValue`s and, through a fast path, on raw event bytes: bytes that cannot hold
/// one of the names as a key are passed through untouched without being parsed, and bytes
/// with nothing to hide come back byte-identical. Immutable and `Sendable`.
public struct Redactor: Sendable {
    /// What a hidden value becomes.
    public static let replacement = "[redacted]"

    public let rules: RedactionRules
    /// The field names, lowercased, for matching keys.
    private let names: Set<String>
    /// The field names as lowercased ASCII bytes, for the byte prefilter; nil when a name is
    /// not ASCII (its case variants cannot be found byte by byte, so every input is parsed).
    private let needles: [[UInt8]]?

    public init(_ rules: RedactionRules) {
        self.rules = rules
        names = Set(rules.fields.map { $0.lowercased() })
        let ascii = rules.fields.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
        needles = ascii ? names.map { Array($0.utf8) } : nil
    }

    /// True when there is nothing to hide (no fields configured).
    public var isEmpty: Bool { names.isEmpty }

    /// Whether `key` is one of the hidden fields.
    public func hides(_ key: String) -> Bool {
        names.contains(key.lowercased())
    }

    /// `value` with every hidden member's value replaced.
    public func redact(_ value: JSONValue) -> JSONValue {
        redacted(value) ?? value
    }

    /// The redacted value, or nil when nothing in `value` is hidden.
    func redacted(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .object(let members):
            var result: JSONObject?
            for (index, (key, member)) in members.enumerated() {
                let replacement: JSONValue? = hides(key) ? (member == .string(Self.replacement) ? nil : .string(Self.replacement)) : redacted(member)
                guard let replacement else { continue }
                if result == nil { result = members }
                result?.values[index] = replacement
            }
            return result.map(JSONValue.object)
        case .array(let elements):
            var result: [JSONValue]?
            for (index, element) in elements.enumerated() {
                guard let replacement = redacted(element) else { continue }
                if result == nil { result = elements }
                result?[index] = replacement
            }
            return result.map(JSONValue.array)
        default:
            return nil
        }
    }

    /// The redacted form of JSON `bytes` (compact), or nil when they are kept as they are
    /// because nothing in them is hidden.
    ///
    /// Only parses bytes that may hold a hidden key: a field name in quotes (ASCII case-
    /// insensitively), or a `\u` escape that could spell one. Bytes that may hold one but do
    /// not parse as JSON cannot be searched, so they are hidden whole: `"[redacted]"`.
    public func redact(bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        guard !isEmpty, mayHideSomething(bytes) else { return nil }
        guard let value = try? JSONValue.parse(bytes) else {
            return JSONValue.string(Self.replacement).serializedBytes()
        }
        return redacted(value)?.serializedBytes()
    }

    /// `redact(bytes:)` for an array.
    public func redact(bytes: [UInt8]) -> [UInt8]? {
        bytes.withUnsafeBytes { redact(bytes: $0) }
    }

    /// The prefilter: false only when `bytes` certainly hold no hidden key.
    public func mayHideSomething(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !isEmpty else { return false }
        guard let needles else { return true }
        let quote = UInt8(ascii: "\"")
        let count = bytes.count
        var i = 0
        while i < count {
            let c = bytes[i]
            if c == UInt8(ascii: "\\"), i + 1 < count, bytes[i + 1] == UInt8(ascii: "u") { return true }
            if c == quote {
                for needle in needles where i + needle.count + 1 < count && bytes[i + needle.count + 1] == quote {
                    var match = true
                    for (j, n) in needle.enumerated() where Self.asciiLower(bytes[i + 1 + j]) != n {
                        match = false
                        break
                    }
                    if match { return true }
                }
            }
            i += 1
        }
        return false
    }

    @inline(__always)
    static func asciiLower(_ c: UInt8) -> UInt8 {
        c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") ? c + 32 : c
    }
}
