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

    public static func check(_ bytes: [UInt8], probes: [UInt32] = [0, 1, 0x8000_0000, 0xFFFF_FFFF]) -> Outcome {
        guard bytes.count >= TraceIndexFile.headerSize else { return .refused }
        let identity = TraceIndexFile.Identity(
            number: TraceIndexFile.u32(bytes, 12), basePosition: TraceIndexFile.u64(bytes, 16),
            eventCount: TraceIndexFile.u64(bytes, 24), segmentLength: TraceIndexFile.u64(bytes, 32),
            lastEventID: EventID(bytes: Array(bytes[40..<56])))
        guard let table = try? TraceIndexFile.open(.memory(bytes), size: bytes.count, expected: identity) else { return .refused }
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
