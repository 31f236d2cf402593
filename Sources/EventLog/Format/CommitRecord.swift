/// The commit record: how much of a segment is known to have been acknowledged, kept in the
/// last 4 bytes of the segment header (offset 36, outside the header CRC). See docs/FORMAT.md,
/// "Acknowledged means known".
///
///     record := units u26 | final u1 | check u5        (one little-endian u32, bit 0 first)
///               acknowledged bytes = units × 64; check = CRC-5 (x⁵+x²+1, init 0x1F) of the 27 bits
///               0 = no record (a segment written before records existed)
///
/// The writer never lets the record claim a byte that is not durable: during appends it carries
/// the end of the group before the one being written (already fsynced), and the group's own
/// fdatasync makes both durable. `final` says every byte of the file is acknowledged: set when
/// a segment is sealed or the writer closes cleanly, cleared when a writer opens the segment.
///
/// 64-byte units reach 4 GiB (batch offsets are u32 anyway). Rounding down is safe: the
/// smallest batch frame is 86 bytes, so losing any whole acknowledged batch takes the end of
/// the valid batches below the recorded end. The check catches every single-bit flip of the
/// field (a CRC with more than one term divides no single-bit error).
public struct CommitRecord: Equatable, Sendable {
    /// Byte offset of the record in the segment header.
    public static let headerOffset = 36
    /// Granularity of the recorded end.
    public static let unit = 64
    static let unitBits: UInt32 = 26
    static let maxUnits: UInt32 = (1 << unitBits) - 1

    /// Bytes [0, acknowledgedEnd) of the segment were acknowledged (a multiple of `unit`, rounded
    /// down from the real end).
    public var acknowledgedEnd: Int
    /// Every byte of the file was acknowledged: the segment was sealed, or its writer closed.
    public var isFinal: Bool

    /// A record for data that ends at `end` (rounded down to `unit`; never claims more).
    public init(end: Int, final: Bool) {
        let units = min(UInt32(clamping: max(end, 0) / Self.unit), Self.maxUnits)
        acknowledgedEnd = Int(units) * Self.unit
        isFinal = final
    }

    /// What the 4 bytes at `headerOffset` hold.
    public enum Field: Equatable, Sendable {
        /// Zero: no record (an older log). The old rules apply.
        case none
        case record(CommitRecord)
        /// Fails its check: not trusted (the old rules apply); the next writer rewrites it.
        case damaged(UInt32)
    }

    public var encoded: UInt32 {
        let payload = UInt32(acknowledgedEnd / Self.unit) | (isFinal ? 1 << Self.unitBits : 0)
        return payload | Self.check(payload) << (Self.unitBits + 1)
    }

    public var encodedBytes: [UInt8] {
        let v = encoded
        return (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) }
    }

    public static func decode(_ raw: UInt32) -> Field {
        if raw == 0 { return .none }
        let payload = raw & ((1 << (unitBits + 1)) - 1)
        guard check(payload) == raw >> (unitBits + 1) else { return .damaged(raw) }
        return .record(CommitRecord(end: Int(payload & maxUnits) * unit, final: payload >> unitBits == 1))
    }

    /// Decodes the field from a whole header (at least 40 bytes).
    static func decode(header bytes: [UInt8]) -> Field {
        guard bytes.count >= headerOffset + 4 else { return .none }
        let raw = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[headerOffset + $1]) << (8 * UInt32($1)) }
        return decode(raw)
    }

    /// CRC-5 (polynomial x⁵+x²+1, initial value 0x1F) of the 27 payload bits, low bit first.
    static func check(_ payload: UInt32) -> UInt32 {
        var crc: UInt32 = 0x1F
        for bit in 0..<(unitBits + 1) {
            let feedback = ((crc >> 4) ^ (payload >> bit)) & 1
            crc = (crc << 1) & 0x1F
            if feedback == 1 { crc ^= 0x05 }
        }
        return crc
    }
}
