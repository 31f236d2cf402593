import EventLog
import Platform

/// The persisted correlation/causation index of one segment: `index/NNNNNNNNNNNN.trc` for a
/// sealed segment, `index/NNNNNNNNNNNN.trp` for the first events of the active one.
///
///     trace     := magic[8] "RWNDTRC\u{1}" | format u16 (=2) | kind u16 | segmentNumber u32
///                  | basePosition u64 | eventCount u64 | segmentLength u64
///                  | lastEventID[16] | pageCount u32 | entryCount u32               (64 bytes)
///                  | page × pageCount | directoryCRC u32
///                  | entry × entryCount
///     page      := firstHash u32 | pageCRC u32
///     entry     := hash u32 | offset u32        (the event at basePosition + offset)
///     directoryCRC = crc32c(header and pages)
///     pageCRC      = crc32c(the page's entries: entries [512·p, 512·(p+1)) of the entry array)
///
/// Every event has an entry for its id, and one for its correlation id and one for its
/// causation id when it has them (`TraceKey.hash`). Entries are sorted by (hash, offset) and
/// cut into pages of `pageEntries`; a page's directory line holds its first hash and its own
/// checksum. Opening reads and checks the header and the directory only (8 bytes a page, about
/// 1/512 of the file), so opening the index of a log of any size costs little; a lookup reads
/// the one or two pages its hash can be in and checks their checksums before it uses them.
/// `kind` is 0 for a sealed segment (`segmentLength` its size) and 1 for an active segment's
/// checkpoint (its first `eventCount` events; `segmentLength` 0).
///
/// Derived data: a file that is missing, damaged or describes another segment (number, base,
/// count, length and the id of its last event must match) is rebuilt from the segment, also
/// when a damaged page is found by a lookup. A file that passes every check yet lies can only
/// name wrong candidates, and every candidate is checked against its event, so it can hide
/// events from a trace but never add one.
struct TraceIndexFile {
    static let magic: [UInt8] = Array("RWNDTRC".utf8) + [1]
    static let headerSize = 64
    static let formatVersion: UInt16 = 2
    /// Entries a page: 4 KiB of entries.
    static let pageEntries = 512

    /// What a file indexes.
    enum Kind: UInt16 {
        case sealed = 0
        case activePrefix = 1
    }

    /// Which segment (or active segment's first events) a file must describe to be used.
    struct Identity: Equatable {
        var number: UInt32
        var basePosition: UInt64
        var eventCount: UInt64
        var segmentLength: UInt64
        var lastEventID: EventID
    }

    /// Why a file cannot be used.
    enum Problem: Error, Equatable {
        case damaged(String)
        case stale
    }

    static func pageCount(entries: Int) -> Int { (entries + pageEntries - 1) / pageEntries }

    /// Encodes the file for `identity` from `(hash << 32 | offset)` keys (sorted here).
    static func encode(_ identity: Identity, kind: Kind = .sealed, keys unsorted: [UInt64]) -> [UInt8] {
        encode(identity, kind: kind, sortedKeys: unsorted.sorted())
    }

    /// Encodes the file from keys already sorted ascending.
    static func encode(_ identity: Identity, kind: Kind, sortedKeys keys: [UInt64]) -> [UInt8] {
        let pages = pageCount(entries: keys.count)
        var entries: [UInt8] = []
        entries.reserveCapacity(8 * keys.count)
        for key in keys {
            append32(&entries, UInt32(key >> 32))
            append32(&entries, UInt32(truncatingIfNeeded: key))
        }
        var out: [UInt8] = []
        out.reserveCapacity(headerSize + 8 * pages + 4 + entries.count)
        out.append(contentsOf: magic)
        append16(&out, formatVersion)
        append16(&out, kind.rawValue)
        append32(&out, identity.number)
        append64(&out, identity.basePosition)
        append64(&out, identity.eventCount)
        append64(&out, identity.segmentLength)
        out.append(contentsOf: identity.lastEventID.bytes)
        append32(&out, UInt32(pages))
        append32(&out, UInt32(keys.count))
        entries.withUnsafeBytes { raw in
            for p in 0..<pages {
                let from = p * pageEntries, to = min(from + pageEntries, keys.count)
                append32(&out, UInt32(keys[from] >> 32))
                append32(&out, Checksum.crc32c(UnsafeRawBufferPointer(rebasing: raw[(8 * from)..<(8 * to)])))
            }
        }
        append32(&out, Checksum.crc32c(out))
        out.append(contentsOf: entries)
        return out
    }

    private static func append16(_ out: inout [UInt8], _ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    private static func append32(_ out: inout [UInt8], _ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    private static func append64(_ out: inout [UInt8], _ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }

    /// The identity a file's header claims (nothing checked but its length): what an active
    /// segment's checkpoint must then be shown to describe before `open` is asked to use it.
    static func claimedIdentity(_ source: TraceTable.Source) throws(Problem) -> Identity {
        let header: [UInt8]
        do { header = try source.read(count: headerSize, at: 0) } catch { throw .damaged("it cannot be read (\(error))") }
        guard header.count == headerSize else { throw .damaged("it is too short") }
        return identity(inHeader: header)
    }

    static func identity(inHeader header: [UInt8]) -> Identity {
        Identity(
            number: u32(header, 12), basePosition: u64(header, 16), eventCount: u64(header, 24),
            segmentLength: u64(header, 32), lastEventID: EventID(bytes: Array(header[40..<56])))
    }

    /// Checks a file's header, size and directory (with its CRC) against `identity` and
    /// returns the table that answers lookups from it. Reads the header and the directory only;
    /// pages are checked when a lookup reads them.
    static func open(_ source: TraceTable.Source, size: Int, kind: Kind = .sealed, expected identity: Identity) throws(Problem) -> TraceTable {
        guard size >= headerSize + 4 else { throw .damaged("it is too short") }
        let header: [UInt8]
        do { header = try source.read(count: headerSize, at: 0) } catch { throw .damaged("it cannot be read (\(error))") }
        guard header.count == headerSize, Array(header[0..<8]) == magic else { throw .damaged("it has a bad magic") }
        let format = u16(header, 8)
        guard format == formatVersion else {
            throw .damaged(format < formatVersion ? "it was written in an older format (\(format))" : "it has an unknown format version (\(format))")
        }
        guard u16(header, 10) == kind.rawValue else { throw .damaged("it is not the kind of file its name says") }
        let pages = Int(u32(header, 56))
        let entries = Int(u32(header, 60))
        // Both counts are below 2^32, so these sums cannot overflow an Int.
        guard pages == pageCount(entries: entries) else { throw .damaged("its page count does not match its entry count") }
        let directoryEnd = headerSize + 8 * pages + 4
        guard size == directoryEnd + 8 * entries else { throw .damaged("its size does not match its counts") }
        let directory: [UInt8]
        do { directory = try source.read(count: directoryEnd, at: 0) } catch { throw .damaged("it cannot be read (\(error))") }
        guard directory.count == directoryEnd else { throw .damaged("it is shorter than it was a moment ago") }
        // Checksum first: a torn or flipped file is "damaged" even when its header still names the segment.
        let crc = directory.withUnsafeBytes { Checksum.crc32c(UnsafeRawBufferPointer(rebasing: $0[0..<(directoryEnd - 4)])) }
        guard crc == u32(directory, directoryEnd - 4) else { throw .damaged("checksum mismatch") }
        guard Self.identity(inHeader: header) == identity else { throw .stale }
        guard UInt64(entries) >= identity.eventCount, UInt64(entries) <= 3 * identity.eventCount else {
            throw .damaged("it holds \(entries) entries for \(identity.eventCount) events")
        }
        var firstHashes: [UInt32] = []
        var pageCRCs: [UInt32] = []
        firstHashes.reserveCapacity(pages)
        pageCRCs.reserveCapacity(pages)
        for p in 0..<pages {
            let hash = u32(directory, headerSize + 8 * p)
            guard firstHashes.last.map({ $0 <= hash }) ?? true else { throw .damaged("its pages run backwards") }
            firstHashes.append(hash)
            pageCRCs.append(u32(directory, headerSize + 8 * p + 4))
        }
        return TraceTable(
            source: source, basePosition: identity.basePosition, eventCount: identity.eventCount,
            firstHashes: firstHashes, pageCRCs: pageCRCs, entryCount: entries, entriesOffset: directoryEnd)
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
