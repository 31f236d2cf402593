import EventLog

/// Recomputes the checksums of edited log files, so that an edit is judged by the structure
/// checks rather than refused for its CRC (see `LogFormat` and `SegmentIndexFile` for where
/// each CRC sits and what it covers).
enum ChecksumRepair {
    /// A segment: the header CRC (bytes 32–35 cover bytes 0–31), then batch by batch while each
    /// frame's length field is in range and the frame fits in the file: the suffix length set
    /// to the prefix (when asked) and the CRC over length, body and suffix.
    static func repairSegment(_ bytes: inout [UInt8], header: Bool, batches: Bool, suffixes: Bool) {
        guard bytes.count >= LogFormat.segmentHeaderSize else { return }
        if header { putU32(crc(bytes, 0..<32), at: 32, in: &bytes) }
        guard batches || suffixes else { return }
        var offset = LogFormat.segmentHeaderSize
        while offset + 4 <= bytes.count {
            let length = Int(u32(bytes, at: offset))
            guard length >= LogFormat.batchBodyHeaderSize, length <= LogFormat.maxBatchBodyBytes,
                  offset + LogFormat.batchFrameOverhead + length <= bytes.count else { return }
            let crcAt = offset + 4 + length
            if suffixes { putU32(UInt32(length), at: crcAt + 4, in: &bytes) }
            if batches {
                let value = Checksum.crc32c(Array(bytes[(crcAt + 4)..<(crcAt + 8)]), extending: crc(bytes, offset..<crcAt))
                putU32(value, at: crcAt, in: &bytes)
            }
            offset = crcAt + 8
        }
    }

    /// An index file: its last four bytes are the CRC of everything before them.
    static func repairIndex(_ bytes: inout [UInt8]) {
        guard bytes.count >= 4 else { return }
        putU32(crc(bytes, 0..<(bytes.count - 4)), at: bytes.count - 4, in: &bytes)
    }

    private static func crc(_ bytes: [UInt8], _ range: Range<Int>) -> UInt32 {
        bytes.withUnsafeBytes { Checksum.crc32c(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    private static func u32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    private static func putU32(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
        for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
    }
}
