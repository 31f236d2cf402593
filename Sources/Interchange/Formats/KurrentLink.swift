/// A KurrentDB link event (`$>`): its data `N@STREAM` points at event number N of STREAM.
///
/// Projections (`$ce-account`, `$et-MoneyDeposited`, `$by_category`…) and `linkTo` fill streams
/// with links. Rewind names each event once, in its own stream, so a link is never imported:
/// it is ignored with one of two reasons, decided once the whole input is read — the input holds
/// the event it points to (imported from its own stream), or it does not (the reason says how
/// to export the event itself).
struct KurrentLink {
    var location: SourceLocation
    /// The stream that holds the link; nil for an AtomPub entry that shows only the target.
    var holder: String?
    var targetStream: String
    var targetNumber: Int64

    /// Reads `N@STREAM`; nil when `target` is not in that form.
    init?(location: SourceLocation, holder: String?, target: String) {
        guard let at = target.firstIndex(of: "@"), let n = Int64(target[..<at]), n >= 0 else { return nil }
        let stream = String(target[target.index(after: at)...])
        guard !stream.isEmpty else { return nil }
        self.location = location
        self.holder = holder
        targetStream = stream
        targetNumber = n
    }

    /// The ignored record for this link, given whether the input holds its event.
    func record(inputHolds held: Bool) -> SourceRecord {
        if held {
            return .ignored(location, reason: "a link ($>) to an event this input also holds: imported once, in its own stream")
        }
        if holder == nil {
            return .ignored(location, reason: "a link ($>) the feed did not resolve to its event: read the stream with ?embed=body (if it was, the event is deleted)")
        }
        return .ignored(location, reason: "a link ($>) to an event this input does not hold: export with resolveLinkTos (gRPC) or ?embed=body (AtomPub) to import the events links point to")
    }
}

/// Which events an input holds, by stream and event number, as 64-bit hashes (about 16 bytes
/// an event): enough to tell whether a link's event is in the input.
struct KurrentHeldEvents {
    private var hashes: Set<UInt64> = []

    mutating func insert(_ event: SourceEvent) {
        guard let version = event.version, version >= 1 else { return }
        hashes.insert(Self.hash(event.stream, Int64(version - 1)))
    }

    func contains(_ link: KurrentLink) -> Bool {
        hashes.contains(Self.hash(link.targetStream, link.targetNumber))
    }

    private static func hash(_ stream: String, _ number: Int64) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for i in 0..<8 { h = (h ^ UInt64(UInt8(truncatingIfNeeded: number >> Int64(i * 8)))) &* 0x0000_0100_0000_01B3 }
        for b in stream.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}
