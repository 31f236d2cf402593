/// The fuzzer's bytes read as edits to the template log's files, then repairs of the checksums
/// so that edited files get past the CRC checks to the structure checks behind them.
///
///     input := flags u8 | edit*
///     edit  := op u8 | file u8 | offset u16 (little-endian) | value u32 (little-endian)
///
/// `file` picks one of the log's files (modulo their number) and `offset` a byte in it (modulo
/// its size + 1). Ops (modulo 8): set a byte; xor a byte; set a u32; set a u64 (the value
/// repeated); cut the file at the offset (an odd value removes the file); insert value % 64
/// bytes; delete value % 64 bytes; set a u32 to an interesting value (0, 1, the batch and
/// event limits, the maxima, the file's size…).
///
/// Flags, bit set = repair (so the all-ones byte repairs everything): 0 segment header CRCs,
/// 1 batch CRCs, 2 batch suffix lengths (copied from the prefix), 3 index CRCs. Bit 4 also opens
/// the log as its writer (recovery: cutting torn tails, rebuilding indexes) after the reads.
struct MutationScript {
    var repairHeaders = true
    var repairBatches = true
    var repairSuffixes = true
    var repairIndexes = true
    var openWriter = false

    /// Applies the edits in `input` to `files` and reads the flags.
    init(_ input: UnsafeRawBufferPointer, files: inout [[UInt8]?]) {
        guard let flags = input.first else { return }
        repairHeaders = flags & 1 != 0
        repairBatches = flags & 2 != 0
        repairSuffixes = flags & 4 != 0
        repairIndexes = flags & 8 != 0
        openWriter = flags & 16 != 0
        var at = 1
        while at + 8 <= input.count {
            let op = input[at]
            let file = Int(input[at + 1]) % files.count
            let rawOffset = Int(input[at + 2]) | Int(input[at + 3]) << 8
            let value = UInt32(input[at + 4]) | UInt32(input[at + 5]) << 8 | UInt32(input[at + 6]) << 16 | UInt32(input[at + 7]) << 24
            at += 8
            guard var bytes = files[file] else { continue }
            Self.apply(op: op, offset: rawOffset % (bytes.count + 1), value: value, to: &bytes, removed: &files[file])
            if files[file] != nil { files[file] = bytes }
        }
    }

    private static let interesting: [UInt32] = [
        0, 1, 2, 23, 24, 25, 40, 48, 1023, 1024, 1025, 0xFFFF, 0x1_0000, 1 << 20, (1 << 20) + 1,
        64 << 20, (64 << 20) + 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF,
    ]

    private static func apply(op: UInt8, offset: Int, value: UInt32, to bytes: inout [UInt8], removed: inout [UInt8]?) {
        switch op % 8 {
        case 0:
            if offset < bytes.count { bytes[offset] = UInt8(truncatingIfNeeded: value) }
        case 1:
            if offset < bytes.count { bytes[offset] ^= UInt8(truncatingIfNeeded: value) | 1 }
        case 2:
            store(UInt64(value), width: 4, at: offset, in: &bytes)
        case 3:
            store(UInt64(value) << 32 | UInt64(value), width: 8, at: offset, in: &bytes)
        case 4:
            if value & 1 == 1 { removed = nil } else { bytes.removeSubrange(offset...) }
        case 5:
            bytes.insert(contentsOf: repeatElement(UInt8(truncatingIfNeeded: value >> 8), count: Int(value % 64)), at: offset)
        case 6:
            bytes.removeSubrange(offset..<min(bytes.count, offset + Int(value % 64)))
        default:
            let pick = Int(value % UInt32(interesting.count + 1))
            store(pick < interesting.count ? UInt64(interesting[pick]) : UInt64(bytes.count), width: 4, at: offset, in: &bytes)
        }
    }

    private static func store(_ value: UInt64, width: Int, at offset: Int, in bytes: inout [UInt8]) {
        guard offset + width <= bytes.count else { return }
        for i in 0..<width { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }
}
