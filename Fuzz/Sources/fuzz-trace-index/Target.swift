import EventLog
import FuzzSupport
import Replay

/// libFuzzer's entry point for the trace index file (`index/*.trc`, `index/*.trp`).
///
/// The magic, format version and every checksum (each page's, the directory's) are set to
/// valid values (`TraceIndexFileCheck.withValidChecksums`), so every input reaches the size,
/// count and page-order checks; the file is judged against the segment its own header names,
/// and an accepted file is looked up. Any refusal is fine; a crash, trap, hang or a candidate
/// outside the segment is not.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTraceIndex(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = TraceIndexFileCheck.withValidChecksums(Array(UnsafeBufferPointer(start: data, count: size)))
    _ = TraceIndexFileCheck.check(bytes)
    return 0
}
