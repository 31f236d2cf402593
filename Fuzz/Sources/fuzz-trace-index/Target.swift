import EventLog
import FuzzSupport
import Replay

/// The trace index file's magic ("RWNDTRC\u{1}") and format version (u16 1): bytes 0–9 of every input.
private let prefix = Array("RWNDTRC".utf8) + [1] + [1, 0]

/// libFuzzer's entry point for the trace index file (`index/*.trc`).
///
/// The magic, version and CRC (last 4 bytes) are set to valid values, so every input reaches
/// the size, count and bucket-table checks; the file is judged against the segment its own
/// header names, and an accepted file is looked up. Any refusal is fine; a crash, trap, hang
/// or a candidate outside the segment is not.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTraceIndex(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if bytes.count >= prefix.count + 4 {
        bytes.replaceSubrange(0..<prefix.count, with: prefix)
        let crc = Checksum.crc32c(Array(bytes[0..<(bytes.count - 4)]))
        for i in 0..<4 { bytes[bytes.count - 4 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
    }
    _ = TraceIndexFileCheck.check(bytes)
    return 0
}
