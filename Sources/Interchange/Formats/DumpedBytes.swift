import JSON

/// Bytes as JSON serializers write them, for binary events in dumps made by client libraries.
///
/// Protobuf's JSON mapping, .NET, Java and Go write bytes as base64 text; Rust's serde writes an
/// array of numbers; Node's `JSON.stringify` writes a `Uint8Array` as an object of index → byte
/// (`{"0":104,"1":105}`) and a `Buffer` as `{"type":"Buffer","data":[104,105]}`.
enum DumpedBytes {
    /// The bytes `value` spells in one of the shapes above, or nil when it is none of them
    /// (a string that is not base64 is not bytes).
    static func decode(_ value: JSONValue) -> [UInt8]? {
        switch value {
        case .string(let text): return base64(text)
        case .array(let items): return numbers(items)
        case .object(let members):
            if members["type"]?.stringValue == "Buffer", case .array(let items)? = members["data"], members.count == 2 {
                return numbers(items)
            }
            var out = [UInt8](repeating: 0, count: members.count)
            for (key, v) in members {
                guard let i = Int(key), i >= 0, i < out.count, let n = v.int64Value, (0...255).contains(n) else { return nil }
                out[i] = UInt8(n)
            }
            return out
        default: return nil
        }
    }

    private static func numbers(_ items: [JSONValue]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard let n = item.int64Value, (0...255).contains(n) else { return nil }
            out.append(UInt8(n))
        }
        return out
    }

    /// Standard or URL-safe base64, with or without padding; nil when `text` is not base64.
    static func base64(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        var padding = 0
        var count = 0
        for c in text.utf8 {
            let v: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): v = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): v = 63
            case UInt8(ascii: "="):
                padding += 1
                count += 1
                continue
            default: return nil
            }
            guard padding == 0 else { return nil }
            count += 1
            buffer = (buffer << 6) | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        // Padding only completes the last group of four; a lone leftover character is not base64,
        // nor are leftover bits that are not zero.
        guard padding <= 2, padding == 0 || count % 4 == 0, (count - padding) % 4 != 1, buffer == 0 else { return nil }
        return out
    }
}
