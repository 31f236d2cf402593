import EventLog
import FuzzSupport

/// The index file's magic ("RWNDIDX\u{1}") and format version (u16 1): bytes 0–9 of every input.
private let prefix = Array("RWNDIDX".utf8) + [1] + [1, 0]

/// libFuzzer's entry point for the segment index decoder.
///
/// The input is an index file whose first 10 bytes (magic, version) and last 4 (CRC32C of
/// everything before them) are set to valid values, so every input reaches the structure
/// checks instead of stopping at the magic or the checksum. Any refusal is fine; a crash,
/// trap or hang is not, and an index that decodes must encode and decode back to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIndex(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if bytes.count >= prefix.count + 4 {
        bytes.replaceSubrange(0..<prefix.count, with: prefix)
        let crc = Checksum.crc32c(Array(bytes[0..<(bytes.count - 4)]))
        for i in 0..<4 { bytes[bytes.count - 4 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
    }
    switch IndexFileCheck.decode(bytes) {
    case .refused:
        break
    case .decoded(_, _, let roundTrips):
        FuzzFailure.require(roundTrips, "a decoded index does not encode and decode back to itself")
    }
    return 0
}
