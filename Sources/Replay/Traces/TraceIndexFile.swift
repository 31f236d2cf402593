import EventLog
import Platform

/// The persisted correlation/causation index of one sealed segment (`index/NNNNNNNNNNNN.trc`).
///
///     trace    := magic[8] "RWNDTRC\u{1}" | format u16 | reserved u16 | segmentNumber u32
///                 | basePosition u64 | eventCount u64 | segmentLength u64
///                 | lastEventID[16] | bucketBits u32 | entryCount u32               (64 bytes)
///                 | bucketStart u32 × (2^bucketBits + 1)
///                 | entry × entryCount | crc u32
///     entry    := hash u32 | offset u32        (the event at basePosition + offset)
///     crc      = crc32c(everything before it)
///
/// Every event has an entry for its id, and one for its correlation id and one for its
/// causation id when it has them (`TraceKey.hash`). Entries are sorted by (hash, offset); a
/// hash's bucket is its top `bucketBits` bits, and bucket b's entries are
/// `[bucketStart[b], bucketStart[b+1])`. A lookup reads the bucket table once (kept in memory,
/// about one byte per entry) and then one small range of entries per key.
///
/// Derived data: a file that is missing, damaged or describes another segment (number, base,
/// count, length and the id of its last event must match) is rebuilt from the segment. A file
/// that passes every check yet lies can only name wrong candidates, and every candidate is
/// checked against its event, so it can hide events from a trace but never add one.
struct TraceIndexFile {
    static let magic: [UInt8] = Array("RWNDTRC".utf8) + [1]
    static let headerSize = 64
    static let formatVersion: UInt16 = 1
    /// At most 2^24 buckets (64 MiB of table), whatever a header claims.
    static let maxBucketBits: UInt32 = 24

    /// Which segment a file must describe to be used.
    struct Identity: Equatable {
        var number: UInt32
        var basePosition: UInt64
        var eventCount: UInt64
        var segmentLength: UInt64
        var lastEventID: EventID
    }

    /// Why a file cannot be used.
    enum Problem: Error {
        case damaged(String)
        case stale
    }

    /// The bucket bits for `entries` entries: about four entries a bucket.
    static func bucketBits(for entries: Int) -> UInt32 {
        var bits: UInt32 = 0
        while bits < maxBucketBits && (1 << bits) * 4 < entries { bits += 1 }
        return bits
    }

    /// The bucket of a hash: its top `bits` bits, so that entries sorted by hash are sorted by bucket.
    @inline(__always)
    static func bucket(of hash: UInt32, bits: UInt32) -> Int { bits == 0 ? 0 : Int(hash >> (32 - bits)) }

    /// Encodes the file for `identity` from `(hash << 32 | offset)` keys (sorted here).
    static func encode(_ identity: Identity, keys unsorted: [UInt64]) -> [UInt8] {
        let keys = unsorted.sorted()
        let bits = bucketBits(for: keys.count)
        let buckets = 1 << bits
        var out: [UInt8] = []
        out.reserveCapacity(headerSize + 4 * (buckets + 1) + 8 * keys.count + 4)
        out.append(contentsOf: magic)
        append16(&out, formatVersion)
        append16(&out, 0)
        append32(&out, identity.number)
        append64(&out, identity.basePosition)
        append64(&out, identity.eventCount)
        append64(&out, identity.segmentLength)
        out.append(contentsOf: identity.lastEventID.bytes)
        append32(&out, bits)
        append32(&out, UInt32(keys.count))
        var k = 0
        for b in 0...buckets {
            while k < keys.count && bucket(of: UInt32(keys[k] >> 32), bits: bits) < b { k += 1 }
            append32(&out, UInt32(k))
        }
        for key in keys {
            append32(&out, UInt32(key >> 32))
            append32(&out, UInt32(truncatingIfNeeded: key))
        }
        append32(&out, Checksum.crc32c(out))
        return out
    }

    private static func append16(_ out: inout [UInt8], _ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    private static func append32(_ out: inout [UInt8], _ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    private static func append64(_ out: inout [UInt8], _ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }

    /// Checks a file's header, size and CRC against `identity`, reading it in chunks (nothing
    /// the size of the file is allocated), and returns the table that answers lookups from it.
    static func open(_ source: TraceTable.Source, size: Int, expected identity: Identity) throws(Problem) -> TraceTable {
        guard size >= headerSize + 8 + 4 else { throw .damaged("it is too short") }
        let header: [UInt8]
        do { header = try source.read(count: headerSize, at: 0) } catch { throw .damaged("it cannot be read (\(error))") }
        guard header.count == headerSize, Array(header[0..<8]) == magic else { throw .damaged("it has a bad magic") }
        guard u16(header, 8) == formatVersion else { throw .damaged("it has an unknown format version") }
        let found = Identity(
            number: u32(header, 12), basePosition: u64(header, 16), eventCount: u64(header, 24),
            segmentLength: u64(header, 32), lastEventID: EventID(bytes: Array(header[40..<56])))
        let bits = u32(header, 56)
        let entries = Int(u32(header, 60))
        guard bits <= maxBucketBits else { throw .damaged("it claims \(bits) bucket bits") }
        let buckets = 1 << Int(bits)
        guard size == headerSize + 4 * (buckets + 1) + 8 * entries + 4 else { throw .damaged("its size does not match its counts") }
        // Checksum first: a torn or flipped file is "damaged" even when its header still names the segment.
        var crc: UInt32 = 0
        var stored: [UInt8] = []
        do {
            let chunk = 4 << 20
            var buffer = [UInt8](repeating: 0, count: chunk)
            var offset = 0
            let body = size - 4
            while offset < body {
                let n = min(chunk, body - offset)
                let got = try buffer.withUnsafeMutableBytes { try source.read(into: $0.baseAddress!, count: n, at: offset) }
                guard got == n else { throw Problem.damaged("it is shorter than it was a moment ago") }
                crc = buffer.withUnsafeBytes { Checksum.crc32c(UnsafeRawBufferPointer(rebasing: $0[0..<n]), extending: crc) }
                offset += n
            }
            stored = try source.read(count: 4, at: body)
        } catch let problem as Problem {
            throw problem
        } catch {
            throw .damaged("it cannot be read (\(error))")
        }
        guard stored.count == 4, crc == u32(stored, 0) else { throw .damaged("checksum mismatch") }
        guard found == identity else { throw .stale }
        guard UInt64(entries) >= identity.eventCount, UInt64(entries) <= 3 * identity.eventCount else {
            throw .damaged("it holds \(entries) entries for \(identity.eventCount) events")
        }
        let table: [UInt8]
        do { table = try source.read(count: 4 * (buckets + 1), at: headerSize) } catch { throw .damaged("it cannot be read (\(error))") }
        guard table.count == 4 * (buckets + 1) else { throw .damaged("it is shorter than it was a moment ago") }
        var ordered = true
        let starts = table.withUnsafeBytes { raw in
            [UInt32](unsafeUninitializedCapacity: buckets + 1) { out, done in
                var previous: UInt32 = 0
                for b in 0...buckets {
                    let v = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * b, as: UInt32.self))
                    ordered = ordered && v >= previous
                    previous = v
                    out[b] = v
                }
                done = buckets + 1
            }
        }
        guard ordered else { throw .damaged("its bucket table runs backwards") }
        guard starts[0] == 0, starts[buckets] == UInt32(entries) else { throw .damaged("its bucket table does not cover its entries") }
        return TraceTable(
            source: source, basePosition: identity.basePosition, eventCount: identity.eventCount,
            bucketBits: bits, bucketStarts: starts, entriesOffset: headerSize + 4 * (buckets + 1))
    }

    static func u16(_ b: [UInt8], _ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
    static func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
    static func u64(_ b: [UInt8], _ o: Int) -> UInt64 { UInt64(u32(b, o)) | UInt64(u32(b, o + 4)) << 32 }
}

extension EventID {
    /// The id from its 16 bytes in network order (as `bytes` spells it).
    init(bytes b: [UInt8]) {
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<8 { high = high << 8 | UInt64(b[i]) }
        for i in 8..<16 { low = low << 8 | UInt64(b[i]) }
        self.init(high: high, low: low)
    }
}
