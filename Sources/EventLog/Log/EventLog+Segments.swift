/// What a derived index built outside the engine needs to know about one segment.
public struct SegmentSummary: Sendable, Equatable {
    /// The segment's number (its file is `segments/NNNNNNNNNNNN.seg`).
    public var number: UInt32
    /// Global position of its first event.
    public var basePosition: UInt64
    /// Events this handle may read in it (an import in progress hides its own).
    public var eventCount: Int
    /// Bytes of the segment that hold those events.
    public var length: Int
    /// True when no event will ever be added to it: a later segment exists and every event
    /// of it is visible. Only sealed segments get persisted derived indexes.
    public var isSealed: Bool

    /// One past the last position.
    public var endPosition: UInt64 { basePosition + UInt64(eventCount) }
}

extension EventLog {
    /// The segments, oldest first, as this handle sees them now (call `refresh()` first to see
    /// what another process appended). Empty segments are left out.
    public func segmentSummaries() -> [SegmentSummary] {
        monitor.lock(); defer { monitor.unlock() }
        let head = visibleHead
        var out: [SegmentSummary] = []
        out.reserveCapacity(index.segments.count)
        for (k, s) in index.segments.enumerated() {
            guard s.basePosition <= head, s.eventCount > 0 else { continue }
            let visible = Int(min(UInt64(s.eventCount), head - s.basePosition + 1))
            out.append(SegmentSummary(
                number: s.number, basePosition: s.basePosition, eventCount: visible, length: s.length,
                isSealed: k < index.segments.count - 1 && visible == s.eventCount))
        }
        return out
    }
}
