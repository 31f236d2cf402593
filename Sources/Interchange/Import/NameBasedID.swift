import EventLog

extension EventID {
    /// The namespace of every id Rewind derives for an imported event that has none of its own.
    public static let importNamespace = EventID(high: 0xE322_EAA5_9EDC_4969, low: 0x9F50_7F36_9FED_5B40)

    /// A name-based (version 5, SHA-1) UUID of `components` in `namespace`, as RFC 9562 defines
    /// it: the same components always give the same id, so an event re-imported from the same
    /// source coordinates (topic, partition, offset; a line of a file…) is recognised.
    ///
    /// Each component is length-prefixed before hashing, so ("ab", "c") and ("a", "bc") differ.
    public static func nameBased(_ components: [[UInt8]], namespace: EventID = .importNamespace) -> EventID {
        var name: [UInt8] = []
        name.reserveCapacity(components.reduce(0) { $0 + $1.count + 4 })
        for c in components {
            let n = UInt32(truncatingIfNeeded: c.count)
            name.append(contentsOf: [UInt8(n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)])
            name.append(contentsOf: c)
        }
        return nameBased(rawName: name, namespace: namespace)
    }

    /// Convenience: components given as text.
    public static func nameBased(_ components: String..., namespace: EventID = .importNamespace) -> EventID {
        nameBased(components.map { Array($0.utf8) }, namespace: namespace)
    }

    /// RFC 9562 UUIDv5 of an exact name (no length prefixes): SHA-1 of namespace ++ name.
    public static func nameBased(rawName: [UInt8], namespace: EventID) -> EventID {
        var sha = SHA1()
        sha.update(namespace.bytes)
        sha.update(rawName)
        let digest = sha.finish()
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<8 { high = high << 8 | UInt64(digest[i]) }
        for i in 8..<16 { low = low << 8 | UInt64(digest[i]) }
        high = (high & ~0xF000) | 0x5000                                    // version 5
        low = (low & ~0xC000_0000_0000_0000) | 0x8000_0000_0000_0000       // RFC 4122 variant
        return EventID(high: high, low: low)
    }
}

/// SHA-1 (FIPS 180-4), only to derive name-based UUIDs; it is not used for anything that needs
/// collision resistance against an attacker.
struct SHA1 {
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    mutating func update(_ bytes: [UInt8]) {
        length &+= UInt64(bytes.count)
        pending.append(contentsOf: bytes)
        var start = 0
        while pending.count - start >= 64 {
            compress(pending, at: start)
            start += 64
        }
        pending.removeFirst(start)
    }

    /// The 20-byte digest. Consumes the hasher.
    mutating func finish() -> [UInt8] {
        let bits = length &* 8
        var tail: [UInt8] = [0x80]
        while (pending.count + tail.count) % 64 != 56 { tail.append(0) }
        for i in (0..<8).reversed() { tail.append(UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8))) }
        let saved = length
        update(tail)
        length = saved
        var out: [UInt8] = []
        for word in [state.0, state.1, state.2, state.3, state.4] {
            out.append(contentsOf: [UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word)])
        }
        return out
    }

    private mutating func compress(_ block: [UInt8], at offset: Int) {
        // The message schedule lives on the stack: one compression per 64 bytes of every name.
        let (a, b, c, d, e) = withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            for i in 0..<16 {
                let j = offset + i * 4
                w[i] = UInt32(block[j]) << 24 | UInt32(block[j + 1]) << 16 | UInt32(block[j + 2]) << 8 | UInt32(block[j + 3])
            }
            for i in 16..<80 {
                let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
                w[i] = x << 1 | x >> 31
            }
            var (a, b, c, d, e) = state
            for i in 0..<80 {
                let f: UInt32, k: UInt32
                switch i {
                case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
                case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
                case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
                default: f = b ^ c ^ d; k = 0xCA62_C1D6
                }
                let t = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
                e = d
                d = c
                c = b << 30 | b >> 2
                b = a
                a = t
            }
            return (a, b, c, d, e)
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e)
    }
}
