/// The 40-byte header every segment file starts with (see `LogFormat`).
struct SegmentHeader: Equatable {
    var number: UInt32
    var basePosition: UInt64
    var createdMicros: Int64

    /// The header bytes; `record` fills the commit record (0, "no record", without one).
    func encoded(record: CommitRecord? = nil) -> [UInt8] {
        var w = ByteWriter(capacity: LogFormat.segmentHeaderSize)
        w.raw(LogFormat.segmentMagic)
        w.u16(LogFormat.formatVersion)
        w.u16(0)
        w.u32(number)
        w.u64(basePosition)
        w.i64(createdMicros)
        let crc = Checksum.crc32c(w.bytes)
        w.u32(crc)
        w.u32(record?.encoded ?? 0)
        return w.bytes
    }

    /// Decodes and checks a header; the error text says what is wrong with it.
    static func decode(_ bytes: [UInt8]) -> Result<SegmentHeader, HeaderProblem> {
        guard bytes.count >= LogFormat.segmentHeaderSize else { return .failure(.short(bytes.count)) }
        return bytes.withUnsafeBytes { raw in
            guard Array(raw[0..<8]) == LogFormat.segmentMagic else { return .failure(.badMagic) }
            let version = raw.u16(at: 8)
            guard version == LogFormat.formatVersion else { return .failure(.unsupportedVersion(version)) }
            let crc = Checksum.crc32c(UnsafeRawBufferPointer(rebasing: raw[0..<32]))
            guard crc == raw.u32(at: 32) else { return .failure(.badChecksum) }
            let base = raw.u64(at: 16)
            guard base >= 1, base <= LogFormat.maxPosition else { return .failure(.basePositionOutOfRange(base)) }
            return .success(SegmentHeader(number: raw.u32(at: 12), basePosition: base, createdMicros: raw.i64(at: 24)))
        }
    }

    enum HeaderProblem: Error, CustomStringConvertible {
        case short(Int), badMagic, unsupportedVersion(UInt16), badChecksum, basePositionOutOfRange(UInt64)

        /// Where in the header the problem is.
        var offset: Int {
            if case .basePositionOutOfRange = self { return 16 }
            return 0
        }

        var description: String {
            switch self {
            case .short(let n): return "segment header is \(n) bytes, expected \(LogFormat.segmentHeaderSize)"
            case .badMagic: return "not a Rewind segment (bad magic)"
            case .unsupportedVersion(let v): return "segment format version \(v) is not supported by this rewind (it reads version \(LogFormat.formatVersion)); upgrade rewind"
            case .badChecksum: return "segment header checksum mismatch"
            case .basePositionOutOfRange(let p): return "segment base position \(p) is out of range (expected 1 to \(LogFormat.maxPosition))"
            }
        }
    }
}
