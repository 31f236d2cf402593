import JSON

/// The Confluent schema registry's wire format: a magic byte 0 and a 4-byte big-endian schema
/// id before the serialized key or value. kcat prints the bytes as they are, so a key
/// written by a registry serializer arrives as `"\u0000\u0000\u0000\u0000\u0007…"`.
///
/// `strip` takes the prefix off and reads what follows: JSON (the JSON Schema serializer
/// writes JSON text, so `"account-1"` with its quotes), else an Avro string (a zig-zag varint
/// length that matches the bytes that follow: the Avro serializer's encoding of a string key),
/// else the bytes as text. Protobuf and other Avro types are not decoded: they stay text, and
/// a stream name with control characters is refused as before.
enum WireFormatPrefix {
    /// What is left after the prefix, and the schema id it named.
    struct Stripped {
        var value: JSONValue
        var schemaID: Int64
    }

    /// The value without its wire-format prefix, or nil when `value` does not start with one.
    ///
    /// The 5 prefix bytes are read from the string's first 5 scalars, each at most U+00FF
    /// (a JSON escape such as `\u0086` of a byte); the rest is read as UTF-8.
    static func strip(_ value: JSONValue?) -> Stripped? {
        guard case .string(let text)? = value else { return nil }
        var scalars = text.unicodeScalars.makeIterator()
        guard scalars.next() == "\u{0}" else { return nil }
        var id: Int64 = 0
        for _ in 0..<4 {
            guard let s = scalars.next(), s.value <= 0xFF else { return nil }
            id = id << 8 | Int64(s.value)
        }
        var restScalars = String.UnicodeScalarView()
        while let s = scalars.next() { restScalars.append(s) }
        let rest = String(restScalars)
        return Stripped(value: decode(rest), schemaID: id)
    }

    /// The payload after the prefix: JSON, an Avro string, or the text itself.
    static func decode(_ rest: String) -> JSONValue {
        if let json = SourceValues.parseEmbedded(rest) { return json }
        // An Avro string: a zig-zag varint length (its bytes as scalars up to U+00FF, like
        // the prefix), then exactly that many bytes of UTF-8.
        var scalars = rest.unicodeScalars[...]
        var length: UInt64 = 0
        var shift: UInt64 = 0
        while let s = scalars.first, s.value <= 0xFF, shift < 63 {
            scalars = scalars.dropFirst()
            length |= UInt64(s.value & 0x7F) << shift
            if s.value & 0x80 == 0 {
                let decoded = Int64(bitPattern: length >> 1) ^ -Int64(bitPattern: length & 1)
                let text = String(String.UnicodeScalarView(scalars))
                if decoded >= 0, decoded == Int64(text.utf8.count) { return .string(text) }
                break
            }
            shift += 7
        }
        return .string(rest)
    }
}
