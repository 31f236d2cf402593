import EventLog
import Glibc  // memchr and memcmp only: no system calls

/// What an event must satisfy for a `rewind find` predicate to have any chance of holding,
/// found by `PredicateAnalysis` and checked on the stored bytes before jq runs.
///
/// A requirement is necessary, never sufficient: an event it refuses surely fails the predicate;
/// one it lets through still goes to jq, unless the requirement is `exact` (the predicate is
/// nothing but `.type`/`.stream` equalities joined by `and`/`or`, so this is its answer).
public indirect enum FindRequirement: Sendable, Equatable {
    /// Nothing is known: every event goes to jq.
    case anything
    /// The event's type is one of these (UTF-8 bytes).
    case typeIs([[UInt8]])
    /// The event's stream is one of these.
    case streamIs([String])
    /// A string in the event's JSON data (or metadata) contains this text: the raw bytes contain
    /// it, or hold a backslash (an escape could spell it otherwise).
    case dataContains([UInt8])
    case metadataContains([UInt8])
    /// The type (or stream) contains this text.
    case typeContains([UInt8])
    case streamContains([UInt8])
    case all([FindRequirement])
    case any([FindRequirement])

    /// Whether `event` may satisfy the predicate.
    public func admits(_ event: EventView) -> Bool {
        switch self {
        case .anything: return true
        case .typeIs(let types):
            let bytes = event.typeBytes
            for t in types where t.count == bytes.count && t.withUnsafeBytes({ bytes.elementsEqual($0) }) { return true }
            return false
        case .streamIs(let streams):
            // Bytes, not String ==: Swift's equality is canonical (é == e + ◌́), jq's is not.
            return streams.contains { event.stream.utf8.elementsEqual($0.utf8) }
        case .dataContains(let literal):
            // Binary data reaches jq as base64: nothing to look for in the raw bytes.
            guard event.contentType == .json else { return true }
            return Self.jsonBytes(event.data, mayHold: literal)
        case .metadataContains(let literal): return Self.jsonBytes(event.metadata, mayHold: literal)
        case .typeContains(let literal): return Self.contains(event.typeBytes, literal)
        case .streamContains(let literal):
            var stream = event.stream
            return stream.withUTF8 { Self.contains(UnsafeRawBufferPointer($0), literal) }
        case .all(let parts):
            for p in parts where !p.admits(event) { return false }
            return true
        case .any(let parts):
            for p in parts where p.admits(event) { return true }
            return false
        }
    }

    /// Whether nothing is required (every event goes to jq).
    public var isAnything: Bool { self == .anything }

    /// A readable summary for `--explain`-style notes and tests: what is looked for first.
    public var summary: String {
        func quoted(_ b: [UInt8]) -> String { "\"" + String(decoding: b, as: UTF8.self) + "\"" }
        switch self {
        case .anything: return "nothing"
        case .typeIs(let t): return "type in [" + t.map(quoted).joined(separator: ", ") + "]"
        case .streamIs(let s): return "stream in [" + s.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        case .dataContains(let l): return "data contains " + quoted(l)
        case .metadataContains(let l): return "metadata contains " + quoted(l)
        case .typeContains(let l): return "type contains " + quoted(l)
        case .streamContains(let l): return "stream contains " + quoted(l)
        case .all(let p): return "(" + p.map(\.summary).joined(separator: " and ") + ")"
        case .any(let p): return "(" + p.map(\.summary).joined(separator: " or ") + ")"
        }
    }

    /// JSON text may hold a string containing `literal`: the bytes hold it verbatim, or a
    /// backslash shows an escape that could spell it differently.
    static func jsonBytes(_ bytes: UnsafeRawBufferPointer, mayHold literal: [UInt8]) -> Bool {
        if contains(bytes, literal) { return true }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return false }
        return memchr(base, Int32(UInt8(ascii: "\\")), bytes.count) != nil
    }

    static func contains(_ bytes: UnsafeRawBufferPointer, _ literal: [UInt8]) -> Bool {
        guard !literal.isEmpty else { return true }
        guard let base = bytes.baseAddress, bytes.count >= literal.count else { return false }
        return literal.withUnsafeBytes { l -> Bool in
            guard let needle = l.baseAddress else { return true }
            // memchr for the first byte, memcmp for the rest (glibc's memmem is not exported to Swift).
            let first = Int32(l[0])
            var at = UnsafeRawPointer(base)
            let end = base + bytes.count
            while end - at >= l.count {
                guard let hit = memchr(at, first, end - at - l.count + 1) else { return false }
                if memcmp(hit, needle, l.count) == 0 { return true }
                at = UnsafeRawPointer(hit) + 1
            }
            return false
        }
    }
}
