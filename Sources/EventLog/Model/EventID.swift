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
        let raw = UnsafeRawPointer(p)
        func eight(_ o: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        func four(_ o: Int) -> UInt64 { UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self))) }
        // Four words of eight digits each (the first digit in the lowest byte).
        let words: (UInt64, UInt64, UInt64, UInt64)
        if bytes.count == 36 {
            let dash = UInt8(ascii: "-")
            guard p[8] == dash, p[13] == dash, p[18] == dash, p[23] == dash else { return nil }
            words = (eight(0), four(9) | four(14) << 32, four(19) | four(24) << 32, eight(28))
        } else if bytes.count == 32 {
            words = (eight(0), eight(8), eight(16), eight(24))
        } else {
            return nil
        }
        guard let a = Self.hexWord(words.0), let b = Self.hexWord(words.1),
              let c = Self.hexWord(words.2), let d = Self.hexWord(words.3) else { return nil }
        self.init(high: a << 32 | b, low: c << 32 | d)
    }

    /// The value of eight ASCII hex digits of either case packed in a word (the first, most
    /// significant digit in the lowest byte), or nil when any byte is not a hex digit.
    ///
    /// All eight at once (an import parses an id per event; a digit at a time was 900
    /// instructions an id): with every byte below 0x80, adding `0x80 - k` to each sets its high
    /// bit exactly when it is at least `k`, without carries between bytes.
    @inline(__always)
    static func hexWord(_ x: UInt64) -> UInt64? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs = ones &* 0x80
        guard x & highs == 0 else { return nil }
        let lower = x | (ones &* 0x20)
        let digit = (x &+ ones &* (0x80 - 0x30)) & ~(x &+ ones &* (0x80 - 0x3A)) & highs
        let letter = (lower &+ ones &* (0x80 - 0x61)) & ~(lower &+ ones &* (0x80 - 0x67)) & highs
        guard digit | letter == highs else { return nil }
        // Digits keep their low nibble; letters (bit 6 set) add 9 to theirs: 'a' (1) is 10.
        let nibbles = (x & (ones &* 0x0F)) &+ ((x >> 6) & ones) &* 9
        let pairs = ((nibbles << 4) | (nibbles >> 8)) & 0x00FF_00FF_00FF_00FF
        let quads = ((pairs << 8) | (pairs >> 16)) & 0x0000_FFFF_0000_FFFF
        return ((quads << 16) | (quads >> 32)) & 0xFFFF_FFFF
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
