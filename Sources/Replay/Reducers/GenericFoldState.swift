import Glibc  // memcmp only: no system calls
import JSON

/// The generic fold's state: per top-level key, which event last set it and where its value
/// lies in that event's data, not the value itself. `GenericFold.json(of:)` re-reads those few
/// events to build the JSON. Values that exist nowhere in the log (data rewritten by an
/// upcaster, or a state restored from a snapshot) are kept as bytes here instead.
///
/// A value type (copy-on-write arrays): a copy kept as a checkpoint never changes. Keys keep
/// the order they first appeared in, as `JSONObject` does.
public struct GenericFoldState {
    /// Where a key's current value comes from.
    enum Source: UInt8 {
        /// `valueStart..<valueStart+valueLength` of the stored data of event `version`.
        case member
        /// The whole stored data of event `version` (JSON that is not an object).
        case wholeData
        /// The whole stored data of event `version`, binary: shown as base64.
        case binary
        /// `inline[inlineIndex]`, JSON text (upcasted data, or restored from a snapshot).
        case inline
    }

    struct Slot {
        /// The key's first 16 bytes, zero-padded (a key of at most 16 bytes compares by these).
        var k0: UInt64
        var k1: UInt64
        var hash: UInt64
        /// The version of the event that last set this key (0 when restored from a snapshot).
        var version: UInt64
        var keyStart: UInt32
        var keyLength: UInt32
        var valueStart: UInt32
        var valueLength: UInt32
        /// Index into `inline` once this key has held an inline value (reused afterwards).
        var inlineIndex: Int32
        var source: Source
        /// Set when the value came from a snapshot: which event set it is unknown.
        var restored: Bool
    }

    var slots: [Slot] = []
    /// Open addressing over `slots`: 0 is empty, else slot index + 1. Capacity a power of two.
    var table: [Int32] = [Int32](repeating: 0, count: 16)
    var keyBytes: [UInt8] = []
    var inline: [[UInt8]] = []
    /// `predicted[k]`: the slot of the k-th member of the last event that had one there.
    var predicted: [Int32] = []
    /// The version of the last event applied.
    public internal(set) var version: UInt64 = 0

    public init() {}

    /// The number of top-level keys.
    public var count: Int { slots.count }

    /// The keys in order.
    public var keys: [String] {
        slots.map { slot in
            keyBytes.withUnsafeBufferPointer { buffer in
                String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(slot.keyStart)..<Int(slot.keyStart + slot.keyLength)]), as: UTF8.self)
            }
        }
    }

    /// Bytes this state holds (for the checkpoint cache's memory budget).
    var memoryBytes: Int {
        slots.count * MemoryLayout<Slot>.stride + table.count * 4 + keyBytes.count + inline.reduce(0) { $0 + $1.count + 32 } + 64
    }

    // MARK: Keys

    /// A key's identity: its first 16 bytes as two words, and a hash of all of it.
    struct Key {
        var k0: UInt64
        var k1: UInt64
        var hash: UInt64
        var length: Int
    }

    @inline(__always)
    private static func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
        let x = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
        return x ^ (x >> 31)
    }

    @inline(__always)
    private static func lowBytes(_ count: Int) -> UInt64 {
        count >= 8 ? .max : (1 << UInt64(count * 8)) &- 1
    }

    /// The first 16 bytes of the `n` bytes at `p` (zero-padded), of which `readable` (≥ n) may
    /// be read: with 16 readable bytes that is two loads, else they are assembled byte by byte.
    @inline(__always)
    static func words(_ p: UnsafeRawPointer?, _ n: Int, readable: Int) -> (UInt64, UInt64) {
        guard let p, n > 0 else { return (0, 0) }
        if readable >= 16 {
            let k0 = p.loadUnaligned(as: UInt64.self).littleEndian & lowBytes(n)
            let k1 = n > 8 ? p.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian & lowBytes(n - 8) : 0
            return (k0, k1)
        }
        var k0: UInt64 = 0, k1: UInt64 = 0
        for i in 0..<min(n, 16) {
            let b = UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << UInt64((i & 7) * 8)
            if i < 8 { k0 |= b } else { k1 |= b }
        }
        return (k0, k1)
    }

    @inline(__always)
    static func key(_ p: UnsafeRawPointer?, _ n: Int, words: (UInt64, UInt64)) -> Key {
        let (k0, k1) = words
        var h = mix(0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n), k0)
        h = mix(h, k1)
        if n > 16, let p {
            var i = 16
            while i + 8 <= n {
                h = mix(h, p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                w |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift += 8
                i += 1
            }
            h = mix(h, w)
        }
        return Key(k0: k0, k1: k1, hash: h, length: n)
    }

    /// The slot index of the key at `p` (`n` bytes), inserting it (with no value) when new.
    @inline(__always)
    mutating func slotIndex(key p: UnsafeRawPointer?, length n: Int, readable: Int, ordinal: Int = -1) -> Int {
        let words = Self.words(p, n, readable: readable)
        // Events of one kind repeat their keys in the same order: try the slot the member at
        // this place had last time before hashing.
        if ordinal >= 0, ordinal < predicted.count {
            let guess = Int(predicted[ordinal])
            if guess < slots.count {
                let slot = slots[guess]
                if slot.k0 == words.0, slot.k1 == words.1, Int(slot.keyLength) == n, n <= 16 || sameTail(slot, p, n) { return guess }
            }
        }
        let k = Self.key(p, n, words: words)
        let index = find(k, p) ?? insert(k, p)
        if ordinal >= 0, ordinal < 64 {
            if ordinal >= predicted.count { predicted.append(contentsOf: repeatElement(Int32.max, count: ordinal + 1 - predicted.count)) }
            predicted[ordinal] = Int32(truncatingIfNeeded: index)
        }
        return index
    }

    /// `slotIndex(key:length:readable:)` for a buffer (which may be empty).
    mutating func slotIndex(key: UnsafeRawBufferPointer) -> Int {
        slotIndex(key: key.baseAddress, length: key.count, readable: key.count)
    }

    @inline(__always)
    private func find(_ k: Key, _ p: UnsafeRawPointer?) -> Int? {
        table.withUnsafeBufferPointer { table in
            slots.withUnsafeBufferPointer { slots in
                let mask = table.count - 1
                var probe = Int(truncatingIfNeeded: k.hash) & mask
                while true {
                    let entry = table[probe]
                    if entry == 0 { return nil }
                    let index = Int(entry) - 1
                    let slot = slots[index]
                    if slot.hash == k.hash, slot.k0 == k.k0, slot.k1 == k.k1, Int(slot.keyLength) == k.length {
                        if k.length <= 16 || sameTail(slot, p, k.length) { return index }
                    }
                    probe = (probe + 1) & mask
                }
            }
        }
    }

    private func sameTail(_ slot: Slot, _ p: UnsafeRawPointer?, _ n: Int) -> Bool {
        keyBytes.withUnsafeBytes { arena in
            guard let base = arena.baseAddress, let p else { return false }
            return memcmp(base + Int(slot.keyStart), p, n) == 0
        }
    }

    private mutating func insert(_ k: Key, _ p: UnsafeRawPointer?) -> Int {
        let index = slots.count
        let start = UInt32(truncatingIfNeeded: keyBytes.count)
        if let p, k.length > 0 { keyBytes.append(contentsOf: UnsafeRawBufferPointer(start: p, count: k.length)) }
        slots.append(Slot(
            k0: k.k0, k1: k.k1, hash: k.hash, version: 0, keyStart: start, keyLength: UInt32(truncatingIfNeeded: k.length),
            valueStart: 0, valueLength: 0, inlineIndex: -1, source: .inline, restored: false))
        if slots.count * 2 > table.count {
            rehash(capacity: table.count * 2)
        } else {
            let mask = table.count - 1
            var probe = Int(truncatingIfNeeded: k.hash) & mask
            while table[probe] != 0 { probe = (probe + 1) & mask }
            table[probe] = Int32(truncatingIfNeeded: index + 1)
        }
        return index
    }

    private mutating func rehash(capacity: Int) {
        var bigger = [Int32](repeating: 0, count: capacity)
        let mask = capacity - 1
        for (index, slot) in slots.enumerated() {
            var probe = Int(truncatingIfNeeded: slot.hash) & mask
            while bigger[probe] != 0 { probe = (probe + 1) & mask }
            bigger[probe] = Int32(truncatingIfNeeded: index + 1)
        }
        table = bigger
    }

    /// Points the key at a value in the stored data of event `version`.
    @inline(__always)
    mutating func set(_ index: Int, version: UInt64, source: Source, start: Int, length: Int) {
        slots.withUnsafeMutableBufferPointer { slots in
            slots[index].version = version
            slots[index].source = source
            slots[index].valueStart = UInt32(truncatingIfNeeded: start)
            slots[index].valueLength = UInt32(truncatingIfNeeded: length)
            slots[index].restored = false
        }
    }

    /// Gives the key a value held here (JSON text).
    mutating func setInline(_ index: Int, version: UInt64, json: [UInt8], restored: Bool = false) {
        if slots[index].inlineIndex >= 0 {
            inline[Int(slots[index].inlineIndex)] = json
        } else {
            slots[index].inlineIndex = Int32(truncatingIfNeeded: inline.count)
            inline.append(json)
        }
        slots[index].version = version
        slots[index].source = .inline
        slots[index].restored = restored
    }
}
