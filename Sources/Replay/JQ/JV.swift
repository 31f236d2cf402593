import CJQ
import JSON

/// An owned libjq value, freed when dropped. libjq's rule: every `jv_*` call consumes its jv
/// arguments except `jv_copy`, `jv_get_kind`, `jv_string_value`, `jv_number_value` and the
/// object iterators; `take()` hands ownership to such a call, `borrow` lends it without.
///
/// Not thread-safe (libjq's reference counts are not atomic): confine to one thread.
struct OwnedJV: ~Copyable {
    private var raw: jv

    init(_ raw: jv) {
        self.raw = raw
    }

    deinit {
        jv_free(raw)
    }

    /// Gives up ownership, for a consuming libjq call.
    consuming func take() -> jv {
        let r = raw
        discard self
        return r
    }

    /// A new reference (libjq `jv_copy`), for a consuming call that must not eat this one.
    func copy() -> jv { jv_copy(raw) }

    /// The value without a new reference, for the non-consuming calls.
    var borrow: jv { raw }

    var kind: jv_kind { jv_get_kind(raw) }
}

/// Conversions between `JSONValue` and libjq values.
enum JVConvert {
    /// Builds a jv (owned by the caller) from a JSON value. Integers beyond ±2^53 lose
    /// precision: jq 1.6 numbers are doubles.
    static func make(_ value: JSONValue) -> jv {
        switch value {
        case .null: return jv_null()
        case .bool(let b): return b ? jv_true() : jv_false()
        case .integer(let i): return jv_number(Double(i))
        case .double(let d): return jv_number(d)
        case .string(let s): return makeString(s)
        case .array(let items):
            var a = jv_array_sized(Int32(clamping: items.count))
            for item in items { a = jv_array_append(a, make(item)) }
            return a
        case .object(let object):
            var o = jv_object()
            for (k, v) in object { o = jv_object_set(o, makeString(k), make(v)) }
            return o
        }
    }

    static func makeString(_ s: String) -> jv {
        var s = s
        return s.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { jv_string_sized($0.baseAddress, Int32(buf.count)) }
        }
    }

    /// Parses raw JSON bytes with libjq's own parser (fast, no JSONValue in between). Returns an
    /// invalid jv (with a message) for bad input.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> jv {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return jv_object() }
        return jv_parse_sized(base.assumingMemoryBound(to: CChar.self), Int32(clamping: bytes.count))
    }

    /// Reads a jv (borrowed, not consumed) back into a JSON value. Integral numbers within
    /// ±2^53 become integers, except negative zero.
    static func read(_ v: jv) -> JSONValue {
        switch jv_get_kind(v) {
        case JV_KIND_NULL, JV_KIND_INVALID: return .null
        case JV_KIND_TRUE: return .bool(true)
        case JV_KIND_FALSE: return .bool(false)
        case JV_KIND_NUMBER:
            let d = jv_number_value(v)
            // Negative zero stays a double, as the JSON parser reads `-0`, so it prints as `-0`.
            if d == 0, d.sign == .minus { return .double(d) }
            if d.rounded(.towardZero) == d, abs(d) <= 9_007_199_254_740_992 { return .integer(Int64(d)) }
            return .double(d)
        case JV_KIND_STRING:
            return .string(string(v))
        case JV_KIND_ARRAY:
            let n = Int(jv_array_length(jv_copy(v)))
            var items: [JSONValue] = []
            items.reserveCapacity(n)
            for i in 0..<n {
                let item = OwnedJV(jv_array_get(jv_copy(v), Int32(i)))
                items.append(read(item.borrow))
            }
            return .array(items)
        case JV_KIND_OBJECT:
            var object = JSONObject()
            var it = jv_object_iter(v)
            while jv_object_iter_valid(v, it) != 0 {
                let key = OwnedJV(jv_object_iter_key(v, it))
                let value = OwnedJV(jv_object_iter_value(v, it))
                object[string(key.borrow)] = read(value.borrow)
                it = jv_object_iter_next(v, it)
            }
            return .object(object)
        default:
            return .null
        }
    }

    /// The text of a string jv (borrowed). Only call on strings: libjq asserts otherwise.
    static func string(_ v: jv) -> String {
        guard jv_get_kind(v) == JV_KIND_STRING, let p = jv_string_value(v) else { return "" }
        let length = Int(jv_string_length_bytes(jv_copy(v)))
        return p.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// Any jv (consumed) as short text, for error messages.
    static func describe(_ v: jv) -> String {
        if jv_get_kind(v) == JV_KIND_STRING {
            let owned = OwnedJV(v)
            return string(owned.borrow)
        }
        let dumped = OwnedJV(jv_dump_string(v, 0))
        return string(dumped.borrow)
    }
}
