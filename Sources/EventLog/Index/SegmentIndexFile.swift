/// The persisted index of one sealed segment, so that opening a large log reads no event.
///
///     index    := magic[8] "RWNDIDX\u{1}" | format u16 | reserved u16 | segmentNumber u32
///                 | basePosition u64 | eventCount u64 | segmentLength u64 | streamCount u32
///                 | reserved u32                                                    (48 bytes)
///                 | batchOffset u32 × eventCount
///                 | stream × streamCount | crc u32
///     stream   := nameLength u16 | name | count u32 | firstVersion u64 | lastRecordedMicros i64
///                 | position u64 × count
///     crc      = crc32c(everything before it)
///
/// It is derived data: a missing or damaged file is rebuilt from the segment.
///
/// The active segment's checkpoint (`index/NNNNNNNNNNNN.part`, `ActiveIndexCheckpoint`) has the
/// same grammar with magic "RWNDPRT\u{1}": `segmentLength` is then the end of the last batch it
/// covers, and the reserved u32 at offset 44 (`tag`) holds that batch's stored CRC.
struct SegmentIndexFile {
    static let magic: [UInt8] = Array("RWNDIDX".utf8) + [1]
    static let headerSize = 48

    struct StreamRun {
        var name: String
        var firstVersion: UInt64
        var lastRecordedMicros: Int64
        var positions: [UInt64]
    }

    var number: UInt32
    var basePosition: UInt64
    var segmentLength: Int
    var batchOffsets: [UInt32]
    var streams: [StreamRun]
    /// The header's reserved u32 at offset 44: 0 in a sealed segment's index; in an active
    /// segment's checkpoint, the stored CRC of the last batch it covers.
    var tag: UInt32 = 0

    func encoded(magic: [UInt8] = Self.magic) -> [UInt8] {
        var w = ByteWriter(capacity: Self.headerSize + batchOffsets.count * 12 + streams.count * 64 + 4)
        w.raw(magic)
        w.u16(LogFormat.formatVersion)
        w.u16(0)
        w.u32(number)
        w.u64(basePosition)
        w.u64(UInt64(batchOffsets.count))
        w.u64(UInt64(segmentLength))
        w.u32(UInt32(streams.count))
        w.u32(tag)
        batchOffsets.withUnsafeBytes { raw in
            if Int(littleEndian: 1) == 1 { w.raw(raw) } else { for o in batchOffsets { w.u32(o) } }
        }
        for s in streams {
            w.u16(UInt16(s.name.utf8.count))
            w.raw(s.name.utf8)
            w.u32(UInt32(s.positions.count))
            w.u64(s.firstVersion)
            w.i64(s.lastRecordedMicros)
            s.positions.withUnsafeBytes { raw in
                if Int(littleEndian: 1) == 1 { w.raw(raw) } else { for p in s.positions { w.u64(p) } }
            }
        }
        w.u32(Checksum.crc32c(w.bytes))
        return w.bytes
    }

    /// Bytes of the smallest stream entry: a 1-byte name and one position.
    static let minimumStreamEntryBytes = 2 + 1 + 20 + 8

    /// Decodes and checks a persisted index; the error says why it cannot be used.
    ///
    /// The file's CRC is no proof of sense (a tool or an attacker can recompute it), so every
    /// count is bounded by the bytes that are really there before anything is allocated, every
    /// number is range-checked before it is converted or added, every batch offset must lie
    /// inside the segment, in order, and stream names obey the batch reader's length limit.
    static func decode(_ bytes: [UInt8], magic expected: [UInt8] = Self.magic) -> Result<SegmentIndexFile, IndexProblem> {
        decode(bytes, magic: expected, streams: true)
    }

    /// `decode` without the stream table: the header and the batch offsets, with the same
    /// checks and the whole file's CRC, for a handle that serves positions only (`rewind trace`).
    /// `streams` of the result is empty.
    static func decodeOffsets(_ bytes: [UInt8], magic expected: [UInt8] = Self.magic) -> Result<SegmentIndexFile, IndexProblem> {
        decode(bytes, magic: expected, streams: false)
    }

    private static func decode(_ bytes: [UInt8], magic expected: [UInt8], streams wantStreams: Bool) -> Result<SegmentIndexFile, IndexProblem> {
        bytes.withUnsafeBytes { raw -> Result<SegmentIndexFile, IndexProblem> in
            guard raw.count >= headerSize + 4 else { return .failure(.init("index file is too short")) }
            guard Array(raw[0..<8]) == expected else { return .failure(.init("index file has a bad magic")) }
            guard raw.u16(at: 8) == LogFormat.formatVersion else { return .failure(.init("index file has an unknown format version")) }
            let body = UnsafeRawBufferPointer(rebasing: raw[0..<(raw.count - 4)])
            guard Checksum.crc32c(body) == raw.u32(at: raw.count - 4) else {
                return .failure(.init("index file checksum mismatch"))
            }
            let number = raw.u32(at: 12)
            let base = raw.u64(at: 16)
            let eventCount = raw.u64(at: 24)
            let storedLength = raw.u64(at: 32)
            let streamCount = Int(raw.u32(at: 40))
            let tag = raw.u32(at: 44)
            var cursor = headerSize
            let room = body.count - cursor
            guard eventCount <= UInt64(room / 4) else {
                return .failure(.init("index file event count \(eventCount) overruns the file"))
            }
            let n = Int(eventCount)
            guard LogFormat.rangeIsValid(first: base, count: max(n, 1)) else {
                return .failure(.init("index file positions \(base) + \(n) events are out of range"))
            }
            guard let length = Int(exactly: storedLength), length >= LogFormat.segmentHeaderSize,
                  length <= LogFormat.maximumSegmentBytes + LogFormat.maxBatchBodyBytes + LogFormat.batchFrameOverhead else {
                return .failure(.init("index file segment length \(storedLength) is out of range"))
            }
            guard streamCount <= (room - n * 4) / minimumStreamEntryBytes else {
                return .failure(.init("index file stream count \(streamCount) overruns the file"))
            }
            // Offsets must point inside the segment (a batch needs 12 + 24 bytes), never backwards.
            let lowest = UInt32(LogFormat.segmentHeaderSize)
            let highest = UInt64(length - LogFormat.batchFrameOverhead - LogFormat.batchBodyHeaderSize)
            var ordered = true
            let offsets = [UInt32](unsafeUninitializedCapacity: n) { buf, done in
                var previous = lowest
                for i in 0..<n {
                    let o = raw.u32(at: cursor + 4 * i)
                    ordered = ordered && o >= previous
                    previous = o
                    buf[i] = o
                }
                done = n
            }
            guard ordered, n == 0 || UInt64(offsets[n - 1]) <= highest else {
                return .failure(.init("index file batch offsets are out of order or outside the segment"))
            }
            cursor += n * 4
            guard wantStreams else {
                return .success(SegmentIndexFile(
                    number: number, basePosition: base, segmentLength: length, batchOffsets: offsets, streams: [], tag: tag))
            }
            var streams: [StreamRun] = []
            streams.reserveCapacity(streamCount)
            for _ in 0..<streamCount {
                guard cursor + 2 <= body.count else { return .failure(.init("index file stream table overruns the file")) }
                let nameLength = Int(raw.u16(at: cursor))
                // The batch reader's limit: a longer name (invalid UTF-8 grows up to 3× when
                // decoded) would overflow this u16 when the index is encoded again.
                guard nameLength <= LogFormat.maxStreamNameBytes else {
                    return .failure(.init("index file stream name is \(nameLength) bytes (at most \(LogFormat.maxStreamNameBytes))"))
                }
                cursor += 2
                guard cursor + nameLength + 20 <= body.count else { return .failure(.init("index file stream table overruns the file")) }
                let name = String(decoding: UnsafeRawBufferPointer(rebasing: raw[cursor..<(cursor + nameLength)]), as: UTF8.self)
                cursor += nameLength
                let count = Int(raw.u32(at: cursor))
                let firstVersion = raw.u64(at: cursor + 4)
                let lastMicros = raw.i64(at: cursor + 12)
                cursor += 20
                guard count <= (body.count - cursor) / 8 else { return .failure(.init("index file positions overrun the file")) }
                guard LogFormat.rangeIsValid(first: firstVersion, count: count) else {
                    return .failure(.init("index file versions \(firstVersion) + \(count) events of a stream are out of range"))
                }
                let start = cursor
                let positions = [UInt64](unsafeUninitializedCapacity: count) { buf, done in
                    for i in 0..<count { buf[i] = raw.u64(at: start + 8 * i) }
                    done = count
                }
                cursor += count * 8
                streams.append(StreamRun(name: name, firstVersion: firstVersion, lastRecordedMicros: lastMicros, positions: positions))
            }
            guard cursor == body.count else { return .failure(.init("index file has \(body.count - cursor) stray bytes")) }
            return .success(SegmentIndexFile(
                number: number, basePosition: base, segmentLength: length, batchOffsets: offsets, streams: streams, tag: tag))
        }
    }

    struct IndexProblem: Error, CustomStringConvertible {
        var description: String
        init(_ text: String) { description = text }
    }
}
