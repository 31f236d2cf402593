import EventLog

/// One thing a trace looks up: an event id, a correlation id or a causation id, and its hash
/// in the trace index.
///
/// The index stores 32-bit hashes, not ids: a hash names candidates, and every candidate is
/// checked against the real event before it is used, so a collision (or a lying index file)
/// can cost a read, never a wrong trace.
public enum TraceKey: Sendable, Hashable {
    case eventID(EventID)
    case correlation([UInt8])
    case causation([UInt8])

    /// FNV-1a over a kind byte and the key's bytes, folded to 32 bits.
    public var hash: UInt32 {
        switch self {
        case .eventID(let id): return Self.hash(kind: 0, id.bytes)
        case .correlation(let text): return Self.hash(kind: 1, text)
        case .causation(let text): return Self.hash(kind: 2, text)
        }
    }

    static func hash<C: Collection>(kind: UInt8, _ bytes: C) -> UInt32 where C.Element == UInt8 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        h = (h ^ UInt64(kind)) &* 0x0000_0100_0000_01B3
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return UInt32(truncatingIfNeeded: h ^ (h >> 32))
    }

    /// Whether `event` is one this key names.
    func matches(_ event: EventView) -> Bool {
        switch self {
        case .eventID(let id): return event.id == id
        case .correlation(let text): return TraceKeys(metadata: event.metadata).correlation == text
        case .causation(let text): return TraceKeys(metadata: event.metadata).causation == text
        }
    }

    /// The hashes an event contributes to the index: its id, and its correlation and
    /// causation ids when it has them.
    static func hashes(id: EventID, keys: TraceKeys, _ add: (UInt32) -> Void) {
        add(hash(kind: 0, id.bytes))
        if let c = keys.correlation { add(hash(kind: 1, c)) }
        if let c = keys.causation { add(hash(kind: 2, c)) }
    }
}
