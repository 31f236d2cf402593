import CJQ
import EventLog

/// Builds `$e` for jq handlers from a stored event:
/// `{stream, version, position, type, data, metadata, id, time, schemaVersion}`, with `time`
/// as RFC 3339 (the event's original time). Data is parsed by libjq straight from the stored
/// bytes; binary data becomes a base64 string under `data` and `contentType: "binary"`.
enum EventJV {
    /// - Parameters:
    ///   - data: replaces the stored data (after upcasting), with its schema version.
    static func make(_ e: EventView, data: UnsafeRawBufferPointer? = nil, schemaVersion: UInt32? = nil) throws -> OwnedJV {
        var o = jv_object()
        o = jv_object_set(o, jv_string("stream"), JVConvert.makeString(e.stream))
        o = jv_object_set(o, jv_string("version"), jv_number(Double(e.version)))
        o = jv_object_set(o, jv_string("position"), jv_number(Double(e.position)))
        o = jv_object_set(o, jv_string("type"), JVConvert.makeString(e.type))
        let payload = data ?? e.data
        if e.contentType == .json || data != nil {
            let parsed = JVConvert.parse(payload)
            guard jv_get_kind(parsed) != JV_KIND_INVALID else {
                jv_free(o)
                let message = JVConvert.describe(jv_invalid_get_msg(parsed))
                throw JQError("the data of \(e.stream)@\(e.version) is not valid JSON (\(message))")
            }
            o = jv_object_set(o, jv_string("data"), parsed)
        } else {
            o = jv_object_set(o, jv_string("data"), JVConvert.makeString(Base64.encode(payload)))
            o = jv_object_set(o, jv_string("contentType"), jv_string("binary"))
        }
        let metadata = e.metadata.isEmpty ? jv_object() : JVConvert.parse(e.metadata)
        o = jv_object_set(o, jv_string("metadata"), jv_get_kind(metadata) == JV_KIND_INVALID ? (jv_free(metadata), jv_object()).1 : metadata)
        o = jv_object_set(o, jv_string("id"), JVConvert.makeString(e.id.description))
        o = jv_object_set(o, jv_string("time"), JVConvert.makeString(RFC3339.format(microsecondsSinceEpoch: e.originalMicros)))
        o = jv_object_set(o, jv_string("schemaVersion"), jv_number(Double(schemaVersion ?? e.schemaVersion)))
        return OwnedJV(o)
    }
}

/// Standard base64 without Foundation (for binary event data shown to jq).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            for s in [18, 12, 6, 0] { out.append(alphabet[Int(n >> UInt32(s) & 63)]) }
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }
}
