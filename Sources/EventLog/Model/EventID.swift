/// A 16-byte event identifier (a UUID), printed in the usual 8-4-4-4-12 lowercase hex form.
public struct EventID: Hashable, Sendable, CustomStringConvertible, Comparable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A random (version 4) UUID.
    public static func random() -> EventID {
        var g = SystemRandomNumberGenerator()
        var high = g.next() as UInt64
        var low = g.next() as UInt64
        high = (high & ~0xF000) | 0x4000                      // version 4
        low = (low & ~(0xC000_0000_0000_0000)) | 0x8000_0000_0000_0000  // RFC 4122 variant
        return EventID(high: high, low: low)
    }

    /// Parses "8-4-4-4-12" hex (either case) or 32 hex digits without dashes, from UTF-8 bytes
    /// (the same rule as `init?(_: String)`, without a copy).
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        guard let p = bytes.baseAddress else { return nil }
        let dashed = bytes.count == 36
        guard dashed || bytes.count == 32 else { return nil }
        if dashed {
            let dash = UInt8(ascii: "-")
            guard p[8] == dash, p[13] == dash, p[18] == dash, p[23] == dash else { return nil }
        }
        // Digits 0–15 make `high`, 16–31 `low`; with dashes, digit k sits after the dashes before it.
        var high: UInt64 = 0, low: UInt64 = 0
        var i = 0
        for k in 0..<32 {
            if dashed && (i == 8 || i == 13 || i == 18 || i == 23) { i += 1 }
            let c = p[i]
            i += 1
            let digit = c &- UInt8(ascii: "0")
            let letter = (c | 0x20) &- UInt8(ascii: "a")
            let v: UInt8
            if digit < 10 { v = digit } else if letter < 6 { v = letter + 10 } else { return nil }
            if k < 16 { high = high << 4 | UInt64(v) } else { low = low << 4 | UInt64(v) }
        }
        self.init(high: high, low: low)
    }

    /// Parses "8-4-4-4-12" hex (either case) or 32 hex digits without dashes.
    public init?(_ text: String) {
        var digits: [UInt8] = []
        digits.reserveCapacity(32)
        for (i, c) in text.utf8.enumerated() {
            if c == UInt8(ascii: "-") {
                guard [8, 13, 18, 23].contains(i) else { return nil }
                continue
            }
            guard let v = EventID.hexValue(c) else { return nil }
            digits.append(v)
        }
        guard digits.count == 32 else { return nil }
        if text.utf8.count != 32 && text.utf8.count != 36 { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for d in digits[0..<16] { high = high << 4 | UInt64(d) }
        for d in digits[16..<32] { low = low << 4 | UInt64(d) }
        self.init(high: high, low: low)
    }

    /// The 16 bytes in network (big-endian) order, as stored on disk.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            out[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(i)))
            out[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i)))
        }
        return out
    }

    init(bytes raw: UnsafeRawBufferPointer, at offset: Int) {
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<8 { high = high << 8 | UInt64(raw[offset + i]) }
        for i in 8..<16 { low = low << 8 | UInt64(raw[offset + i]) }
        self.init(high: high, low: low)
    }

    public var description: String {
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        for i in 0..<32 {
            if i == 8 || i == 12 || i == 16 || i == 20 { out.append(UInt8(ascii: "-")) }
            let word = i < 16 ? high : low
            let shift = UInt64(60 - 4 * (i % 16))
            out.append(hex[Int((word >> shift) & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func < (a: EventID, b: EventID) -> Bool { (a.high, a.low) < (b.high, b.low) }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
