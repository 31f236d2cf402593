import EventLog
import JSON

/// The correlation and causation ids of one event, read from its metadata without building it.
///
/// Ids are untrusted text: only a string or a number counts (a number by its literal text), and
/// an id longer than `maxBytes` is treated as absent, so no index or trace holds an unbounded
/// key. A causation id that spells a UUID (either case, with or without dashes) is kept in the
/// canonical spelling of `EventID.description`, so that it meets the causing event's id however
/// the producer wrote it.
public struct TraceKeys: Sendable, Equatable {
    /// The longest id Rewind indexes and traces, in UTF-8 bytes.
    public static let maxBytes = 1_024

    public var correlation: [UInt8]?
    public var causation: [UInt8]?

    public init(correlation: [UInt8]? = nil, causation: [UInt8]? = nil) {
        self.correlation = correlation
        self.causation = causation
    }

    /// The keys of the event whose metadata is `bytes` (empty metadata means `{}`).
    public init(metadata bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty, let base = bytes.baseAddress else { return }
        let p = base.assumingMemoryBound(to: UInt8.self)
        var correlation: [UInt8]?
        var causation: [UInt8]?
        let whole = TopLevelScanner.scanObject(bytes) { m in
            let key = UnsafeRawBufferPointer(start: p + Int(m.keyStart), count: Int(m.keyLength))
            let which: Int
            if m.keyEscaped {
                // An escaped key ("correlation\u0049d") names the same member: decode it.
                guard let name = Self.decodedString(UnsafeRawBufferPointer(start: p + Int(m.keyStart) - 1, count: Int(m.keyLength) + 2))
                else { return }
                which = name.elementsEqual(Self.correlationKey) ? 1 : name.elementsEqual(Self.causationKey) ? 2 : 0
            } else {
                which = key.elementsEqual(Self.correlationKey) ? 1 : key.elementsEqual(Self.causationKey) ? 2 : 0
            }
            guard which != 0 else { return }
            let value = Self.idText(UnsafeRawBufferPointer(start: p + Int(m.valueStart), count: Int(m.valueLength)))
            if which == 1 { correlation = value } else { causation = value }
        }
        guard whole else { return }
        self.correlation = correlation
        self.causation = causation.map(Self.canonicalCausation)
    }

    public init(metadata bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { TraceKeys(metadata: $0) }
    }

    /// The causation id as a string (for printing; it may hold any text).
    public var causationText: String? { causation.map { String(decoding: $0, as: UTF8.self) } }
    public var correlationText: String? { correlation.map { String(decoding: $0, as: UTF8.self) } }

    static let correlationKey = Array("correlationId".utf8)
    static let causationKey = Array("causationId".utf8)

    /// The id a member's value spells: a string's contents or a number's text; nil for
    /// anything else, for an empty string and for text longer than `maxBytes`.
    static func idText(_ value: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let first = value.first, value.count <= maxBytes + 2 else { return nil }
        let text: [UInt8]
        if first == UInt8(ascii: "\"") {
            guard value.count >= 2 else { return nil }
            if value.contains(UInt8(ascii: "\\")) {
                guard let decoded = decodedString(value) else { return nil }
                text = decoded
            } else {
                text = Array(value[1..<(value.count - 1)])
            }
        } else if first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) {
            guard case .success = Result(catching: { try JSONValue.parse(value) }) else { return nil }
            text = Array(value)
        } else {
            return nil
        }
        guard !text.isEmpty, text.count <= maxBytes else { return nil }
        return text
    }

    /// The contents of a JSON string literal (quotes included in `literal`), decoded.
    static func decodedString(_ literal: UnsafeRawBufferPointer) -> [UInt8]? {
        guard case .string(let s)? = try? JSONValue.parse(literal) else { return nil }
        return Array(s.utf8)
    }

    /// A causation id that spells a UUID, in `EventID.description`'s spelling; anything else as is.
    static func canonicalCausation(_ text: [UInt8]) -> [UInt8] {
        guard text.count == 32 || text.count == 36, let id = EventID(String(decoding: text, as: UTF8.self)) else { return text }
        return Array(id.description.utf8)
    }
}
