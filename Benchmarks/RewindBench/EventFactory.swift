import EventLog

/// The events every workload writes: the peer's ~100-byte JSON payloads and type name, with
/// event ids from a fast generator.
///
/// The payloads are byte for byte the peer's (`Payloads` in eventsourcing_bench.py: 99 bytes,
/// 4096 of them, cycled). Event ids come from SplitMix64 shaped as version-4 UUIDs rather
/// than `EventID.random()` (a getrandom syscall per id): the peer stores no event id at all,
/// so the benchmark should not charge Rewind for a kernel call per event that a real importer
/// would not make either (imports usually carry their ids).
struct EventFactory {
    static let type = "MoneyDeposited"
    static let payloads: [[UInt8]] = (0..<4096).map { i in
        let amount = 1000 + (i * 37) % 9000
        let reference = "inv-" + String(repeating: "0", count: max(0, 6 - String(i).count)) + String(i)
        let json = "{\"amountCents\":\(amount),\"currency\":\"EUR\",\"reference\":\"\(reference)\",\"note\":\"monthly transfer to savings\"}"
        return Array(json.utf8)
    }
    static var payloadBytes: Int { payloads[0].count }

    private var state: UInt64

    init(seed: UInt64) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    }

    private mutating func next64() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func nextID() -> EventID {
        let high = (next64() & ~0xF000) | 0x4000
        let low = (next64() & ~0xC000_0000_0000_0000) | 0x8000_0000_0000_0000
        return EventID(high: high, low: low)
    }

    /// `count` events whose payloads continue the global sequence at `seq` (as the peer does).
    mutating func batch(_ count: Int, seq: Int) -> [NewEvent] {
        var out: [NewEvent] = []
        out.reserveCapacity(count)
        for k in 0..<count {
            out.append(NewEvent(id: nextID(), type: Self.type, data: Self.payloads[(seq + k) & 4095]))
        }
        return out
    }
}
