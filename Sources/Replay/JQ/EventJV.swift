import CJQ
import EventLog

/// Builds `$e` for jq handlers from a stored event:
/// `{stream, version, position, type, data, metadata, id, time, schemaVersion}`, with `time`
/// as RFC 3339 (the event's original time). Data is parsed by libjq straight from the stored
/// bytes; binary data becomes a base64 string under `data` and `contentType: "binary"`.
enum EventJV {
    /// - Parameters:
    ///   - data: replaces the stored data (after upcasting), with its schema version.
    ///   - keys: the field names, made once per owner instead of once per event.
    static func make(_ e: EventView, data: UnsafeRawBufferPointer? = nil, schemaVersion: UInt32? = nil, keys: EventJVKeys? = nil) throws -> OwnedJV {
        let k = keys ?? EventJVKeys()
        var o = jv_object()
        o = jv_object_set(o, k.stream.copy(), JVConvert.makeString(e.stream))
        o = jv_object_set(o, k.version.copy(), jv_number(Double(e.version)))
        o = jv_object_set(o, k.position.copy(), jv_number(Double(e.position)))
        o = jv_object_set(o, k.type.copy(), JVConvert.makeString(e.type))
        let payload = data ?? e.data
        if e.contentType == .json || data != nil {
            let parsed = JVConvert.parse(payload)
            guard jv_get_kind(parsed) != JV_KIND_INVALID else {
                jv_free(o)
                let message = JVConvert.describe(jv_invalid_get_msg(parsed))
                throw JQError("the data of \(e.stream)@\(e.version) is not valid JSON (\(message))")
            }
            o = jv_object_set(o, k.data.copy(), parsed)
        } else {
            o = jv_object_set(o, k.data.copy(), JVConvert.makeString(Base64.encode(payload)))
            o = jv_object_set(o, jv_string("contentType"), jv_string("binary"))
        }
        let metadata = e.metadata.isEmpty ? jv_object() : JVConvert.parse(e.metadata)
        o = jv_object_set(o, k.metadata.copy(), jv_get_kind(metadata) == JV_KIND_INVALID ? (jv_free(metadata), jv_object()).1 : metadata)
        o = jv_object_set(o, k.id.copy(), JVConvert.makeString(e.id.description))
        o = jv_object_set(o, k.time.copy(), JVConvert.makeString(RFC3339.format(microsecondsSinceEpoch: e.originalMicros)))
        o = jv_object_set(o, k.schemaVersion.copy(), jv_number(Double(schemaVersion ?? e.schemaVersion)))
        return OwnedJV(o)
    }
}

/// The field names of `$e` as jq strings, made once and shared by reference count. libjq's
/// counts are not atomic: each owner (a handler set, an upcaster, a projector) keeps its own,
/// on its own thread.
final class EventJVKeys {
    let stream = OwnedJV(jv_string("stream"))
    let version = OwnedJV(jv_string("version"))
    let position = OwnedJV(jv_string("position"))
    let type = OwnedJV(jv_string("type"))
    let data = OwnedJV(jv_string("data"))
    let metadata = OwnedJV(jv_string("metadata"))
    let id = OwnedJV(jv_string("id"))
    let time = OwnedJV(jv_string("time"))
    let schemaVersion = OwnedJV(jv_string("schemaVersion"))
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
