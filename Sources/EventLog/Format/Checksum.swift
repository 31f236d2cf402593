import CRC32C

/// CRC32C over byte ranges (hardware when available); the only door to the C target.
public enum Checksum {
    public static func crc32c(_ bytes: UnsafeRawBufferPointer, extending crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return rewind_crc32c_extend(crc, base, bytes.count)
    }

    public static func crc32c(_ bytes: [UInt8], extending crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { crc32c($0, extending: crc) }
    }

    public static var isHardwareAccelerated: Bool { rewind_crc32c_is_hardware() != 0 }
}
