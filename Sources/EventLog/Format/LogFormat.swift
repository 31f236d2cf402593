/// The on-disk grammar of a Rewind log, shared by the writer, the readers and the verifier.
/// docs/FORMAT.md says the same in prose; change both together.
///
/// All integers are little-endian. A log is a directory:
///
///     rewind-log.json                  marker: {"format":1,"segmentBytes":N}
///     LOCK                             flock'd by the single writer; text "pid=<pid> command=<name>"
///     segments/<NNNNNNNNNNNN>.seg      the events (12-digit segment number, from 1)
///     index/<NNNNNNNNNNNN>.idx         derived index of a sealed segment (rebuilt when damaged)
///     import.pending                   present only while an atomic import runs (rolled back on open)
///     checkpoints/NAME.json            external consumers' progress (not read by the engine)
///
///     segment  := header batch*
///     header   := magic[8] "RWNDSEG\u{1}" | format u16 | reserved u16 | segmentNumber u32
///                 | basePosition u64 | createdMicros i64 | headerCRC u32 | commitRecord u32 (40 bytes)
///                 headerCRC = crc32c(the 32 bytes before it); commitRecord: see `CommitRecord`
///                 (outside the CRC: the writer rewrites it while appending; 0 = none, older logs)
///     batch    := bodyLength u32 | body | crc u32 | bodyLength u32                          (12 + L)
///                 crc = crc32c(bodyLength ++ body ++ bodyLength): everything but the CRC itself
///     body     := kind u8 (=1) | flags u8 (=0) | streamLength u16 | eventCount u32
///                 | firstPosition u64 | firstVersion u64 | stream[streamLength]
///                 | event[eventCount]
///     event    := id[16] | recordedMicros i64 | originalMicros i64 | schemaVersion u32
///                 | contentType u8 | reserved u8 | typeLength u16 | metadataLength u32
///                 | dataLength u32 | type | metadata | data                                (48 + …)
///
/// Event i of a batch has global position firstPosition + i and stream version firstVersion + i.
/// Positions increase by one from batch to batch across the whole log, with no gaps; the first
/// batch of a segment starts at the segment's basePosition. Times are microseconds since the
/// Unix epoch (UTC). Metadata is JSON (an object, possibly empty: zero bytes means `{}`).
///
/// Positions and versions are at most `maxPosition` (2^63 − 1); a segment holds at most
/// `maximumSegmentBytes`. Everything read from disk is checked against these limits before it
/// is used in arithmetic or allocation, so damage (even with its CRC recomputed) is reported,
/// never a trap.
public enum LogFormat {
    public static let formatVersion: UInt16 = 1

    public static let markerFile = "rewind-log.json"
    public static let lockFile = "LOCK"
    public static let segmentsDirectory = "segments"
    public static let indexDirectory = "index"
    public static let pendingImportFile = "import.pending"
    /// External consumers' checkpoints (`NAME.json`), written by other programs.
    public static let checkpointsDirectory = "checkpoints"

    public static let segmentMagic: [UInt8] = Array("RWNDSEG".utf8) + [1]
    public static let segmentHeaderSize = 40

    /// bodyLength + crc + bodyLength.
    public static let batchFrameOverhead = 12
    public static let batchBodyHeaderSize = 24
    public static let eventHeaderSize = 48
    public static let batchKindEvents: UInt8 = 1

    /// The largest batch body accepted, written or read: a corrupt length field above this is
    /// refused before anything is allocated.
    public static let maxBatchBodyBytes = 64 << 20
    public static let maxEventsPerBatch = 1 << 20
    public static let maxStreamNameBytes = 1024
    public static let maxTypeBytes = 1024

    /// A segment rolls when the next batch would take it past this size (unless it is empty).
    public static let defaultSegmentBytes = 128 << 20
    public static let minimumSegmentBytes = 4096
    /// The largest segment size a marker may ask for: batch offsets are u32 (in the index files),
    /// and a segment can exceed its size by one batch.
    public static let maximumSegmentBytes = 1 << 31

    /// The largest global position and stream version: every position and version read from
    /// disk is refused above this (and below 1), so that `position + count` never overflows.
    public static let maxPosition: UInt64 = UInt64(Int64.max)

    /// True when `count` (≥ 1) consecutive positions or versions from `first` are all in 1...maxPosition.
    @inline(__always)
    static func rangeIsValid(first: UInt64, count: Int) -> Bool {
        count >= 1 && first >= 1 && first <= maxPosition && UInt64(count - 1) <= maxPosition - first
    }

    public static func segmentFileName(_ number: UInt32) -> String { pad12(number) + ".seg" }
    public static func indexFileName(_ number: UInt32) -> String { pad12(number) + ".idx" }
    /// The checkpoint of the active segment's index (`ActiveIndexCheckpoint`): the index of its
    /// first bytes, written by the writer at a clean close so that readers scan only what follows.
    public static func activeIndexFileName(_ number: UInt32) -> String { pad12(number) + ".part" }
    /// The derived correlation/causation index of a sealed segment, beside its stream index
    /// (written and read by Replay's `TraceIndex`; the engine never reads it).
    public static func traceIndexFileName(_ number: UInt32) -> String { pad12(number) + ".trc" }
    /// The checkpoint of the active segment's trace index (the keys of its first events),
    /// written by a trace that scanned many of them so that the next one scans only what follows.
    public static func traceCheckpointFileName(_ number: UInt32) -> String { pad12(number) + ".trp" }

    /// Parses "000000000007.seg" back to 7; nil for any other name.
    public static func segmentNumber(fromFileName name: String, suffix: String = ".seg") -> UInt32? {
        guard name.hasSuffix(suffix) else { return nil }
        let digits = name.dropLast(suffix.count)
        guard digits.count == 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt32(digits)
    }

    private static func pad12(_ n: UInt32) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 12 - s.count)) + s
    }
}

/// How an event's data is encoded.
public enum ContentType: UInt8, Sendable, Codable {
    case json = 0
    case binary = 1

    public var name: String { self == .json ? "json" : "binary" }
}
