import EventLog

/// The trace index file's checks, for the fuzzer: a file is judged against the segment its own
/// header names (so an input reaches the checks past the identity), and an accepted file is
/// looked up by a few hashes.
public enum TraceIndexFileCheck {
    public enum Outcome: Equatable {
        case refused
        /// Accepted; how many candidates the probes found (each inside the segment).
        case accepted(candidates: Int)
    }

    /// `bytes` with the magic and format set and every checksum made right (each page's that
    /// lies within the file, then the directory's), for the fuzzer: so an input reaches the
    /// count, size and order checks and the lookups instead of failing its checksum. Counts
    /// that do not fit the file are left as they are.
    public static func withValidChecksums(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        let prefix = TraceIndexFile.magic + [UInt8(TraceIndexFile.formatVersion & 0xFF), UInt8(TraceIndexFile.formatVersion >> 8)]
        guard bytes.count >= TraceIndexFile.headerSize else { return bytes }
        bytes.replaceSubrange(0..<prefix.count, with: prefix)
        let pages = Int(TraceIndexFile.u32(bytes, 56)), entries = Int(TraceIndexFile.u32(bytes, 60))
        let directoryEnd = TraceIndexFile.headerSize + 8 * pages + 4
        guard directoryEnd <= bytes.count else { return bytes }
        for p in 0..<pages {
            let from = directoryEnd + 8 * TraceIndexFile.pageEntries * p
            let to = min(directoryEnd + 8 * min(TraceIndexFile.pageEntries * (p + 1), entries), bytes.count)
            guard from < to else { break }
            put32(&bytes, TraceIndexFile.headerSize + 8 * p + 4, Checksum.crc32c(Array(bytes[from..<to])))
        }
        put32(&bytes, directoryEnd - 4, Checksum.crc32c(Array(bytes[0..<(directoryEnd - 4)])))
        return bytes
    }

    private static func put32(_ bytes: inout [UInt8], _ at: Int, _ v: UInt32) {
        for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) }
    }

    public static func check(_ bytes: [UInt8], probes: [UInt32] = [0, 1, 0x8000_0000, 0xFFFF_FFFF]) -> Outcome {
        guard bytes.count >= TraceIndexFile.headerSize else { return .refused }
        let identity = TraceIndexFile.identity(inHeader: bytes)
        let kind = TraceIndexFile.Kind(rawValue: TraceIndexFile.u16(bytes, 10)) ?? .sealed
        guard let table = try? TraceIndexFile.open(.memory(bytes), size: bytes.count, kind: kind, expected: identity) else { return .refused }
        var found = 0
        for hash in probes {
            guard let positions = try? table.candidates(hash) else { return .refused }
            for p in positions where p < identity.basePosition || p - identity.basePosition >= identity.eventCount {
                preconditionFailure("candidate \(p) outside the segment")
            }
            found += positions.count
        }
        return .accepted(candidates: found)
    }
}
