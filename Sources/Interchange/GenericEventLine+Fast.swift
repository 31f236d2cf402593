import EventLog
import JSON

extension GenericEventLine {
    /// The member names `decodeFast` knows, as bytes (with their quotes).
    private enum Member: Int {
        case stream, type, data, metadata, id, time, version, schemaVersion, contentType, other

        static func of(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Member {
            // Compared with the quotes stripped: the member names are short and distinct.
            let length = end - start - 2
            let q = p + start + 1
            func equals(_ name: StaticString) -> Bool {
                name.utf8CodeUnitCount == length && memcmp(q, name.utf8Start, length) == 0
            }
            switch length {
            case 2: return equals("id") ? .id : .other
            case 4:
                if equals("type") { return .type }
                if equals("data") { return .data }
                if equals("time") { return .time }
                return .other
            case 6: return equals("stream") ? .stream : .other
            case 7: return equals("version") ? .version : .other
            case 8: return equals("metadata") ? .metadata : .other
            case 11: return equals("contentType") ? .contentType : .other
            case 13: return equals("schemaVersion") ? .schemaVersion : .other
            default: return .other
            }
        }
    }

    /// `decode` for the common line, without building JSON values: nil whenever the line is not
    /// plainly right (then `decode` gives the same event, or the error), never a different
    /// result. Simple strings, canonical integers and `JSONCompactCopier`'s text only.
    static func decodeFast(_ bytes: UnsafeRawBufferPointer, copier: inout JSONCompactCopier) -> Decoded? {
        var types = RecentStrings()
        return decodeFast(bytes, copier: &copier, types: &types)
    }

    /// `decodeFast`, taking the type's String from `types` when the same type came recently.
    static func decodeFast(_ bytes: UnsafeRawBufferPointer, copier: inout JSONCompactCopier, types: inout RecentStrings) -> Decoded? {
        guard let raw = bytes.baseAddress else { return nil }
        let p = raw.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        var i = JSONCompactCopier.skipSpace(p, n, 0)
        guard i < n, p[i] == UInt8(ascii: "{") else { return nil }
        i = JSONCompactCopier.skipSpace(p, n, i + 1)
        var seen = 0
        var stream: String?
        var type: String?
        var data: [UInt8]?
        var metadata: [UInt8] = []
        var id: EventID?
        var original: Int64?
        var version: UInt64?
        var schema: UInt32 = 1
        guard i < n, p[i] != UInt8(ascii: "}") else { return nil }
        while true {
            guard i < n, p[i] == UInt8(ascii: "\""), let keyEnd = JSONCompactCopier.simpleStringEnd(p, n, i) else { return nil }
            let member = Member.of(p, i, keyEnd)
            if member != .other {
                guard seen & (1 << member.rawValue) == 0 else { return nil }
                seen |= 1 << member.rawValue
            }
            i = JSONCompactCopier.skipSpace(p, n, keyEnd)
            guard i < n, p[i] == UInt8(ascii: ":") else { return nil }
            i = JSONCompactCopier.skipSpace(p, n, i + 1)
            guard i < n else { return nil }
            let c = p[i]
            let isNull = c == UInt8(ascii: "n")
            switch member {
            case .stream, .type, .id, .time, .contentType:
                if isNull && (member == .id || member == .time) {
                    guard isNullLiteral(p, n, i) else { return nil }
                    i += 4
                    break
                }
                guard c == UInt8(ascii: "\""), let end = JSONCompactCopier.simpleStringEnd(p, n, i) else { return nil }
                let text = UnsafeBufferPointer(start: p + i + 1, count: end - i - 2)
                switch member {
                case .stream: stream = String(decoding: text, as: UTF8.self)
                case .type: type = types.string(text)
                case .id:
                    guard let parsed = EventID(utf8: text) else { return nil }
                    id = parsed
                case .time:
                    guard let micros = RFC3339.parse(utf8: text) else { return nil }
                    original = micros
                default:
                    guard text.elementsEqual("json".utf8) else { return nil }
                }
                i = end
            case .version, .schemaVersion:
                if isNull {
                    guard isNullLiteral(p, n, i) else { return nil }
                    i += 4
                    break
                }
                guard let end = JSONCompactCopier.integerEnd(p, n, i), p[i] != UInt8(ascii: "-") else { return nil }
                var value: UInt64 = 0
                for k in i..<end { value = value * 10 + UInt64(p[k] &- UInt8(ascii: "0")) }
                if member == .version {
                    guard value >= 1 else { return nil }
                    version = value
                } else {
                    guard value <= UInt64(UInt32.max) else { return nil }
                    schema = UInt32(value)
                }
                i = end
            case .data, .metadata, .other:
                if member == .metadata && isNull {
                    guard isNullLiteral(p, n, i) else { return nil }
                    metadata = []
                    i += 4
                    break
                }
                if member == .metadata && c != UInt8(ascii: "{") { return nil }
                copier.output.removeAll(keepingCapacity: true)
                guard let end = copier.copyValue(p, count: n, from: i) else { return nil }
                // An exact-size copy: the copier's buffer stays its own (no reallocation per
                // event) and a queued event holds no spare capacity.
                if member == .data {
                    data = copier.output.withUnsafeBufferPointer { Array($0) }
                } else if member == .metadata {
                    metadata = copier.output.withUnsafeBufferPointer { Array($0) }
                }
                i = end
            }
            i = JSONCompactCopier.skipSpace(p, n, i)
            guard i < n else { return nil }
            if p[i] == UInt8(ascii: ",") {
                i = JSONCompactCopier.skipSpace(p, n, i + 1)
                continue
            }
            guard p[i] == UInt8(ascii: "}") else { return nil }
            i = JSONCompactCopier.skipSpace(p, n, i + 1)
            guard i == n else { return nil }
            break
        }
        guard let stream, let type, let data, !type.isEmpty, type.utf8.count <= LogFormat.maxTypeBytes,
              StreamName.problem(with: stream) == nil else { return nil }
        // Without an id the caller derives one (`decode` draws a random one, which callers replace).
        let event = NewEvent(id: id ?? EventID(high: 0, low: 0), type: type, data: data, metadata: metadata, contentType: .json,
                             schemaVersion: schema, originalMicros: original)
        return Decoded(stream: stream, event: event, version: version, hasExplicitID: id != nil)
    }
}

@inline(__always)
private func isNullLiteral(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> Bool {
    i + 4 <= n && p[i] == UInt8(ascii: "n") && p[i + 1] == UInt8(ascii: "u") && p[i + 2] == UInt8(ascii: "l") && p[i + 3] == UInt8(ascii: "l")
}

#if canImport(Glibc)
import Glibc  // memcmp only: no system calls
#endif
