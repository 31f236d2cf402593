/// The highest global position a reader may show: every position up to it is either an event
/// or a gap that will never fill.
///
/// Why: positions come from a database sequence. A transaction takes its values when it
/// inserts and may commit after a later one, or roll back and leave a hole forever. A reader
/// that shows position 12 while 11 is still in an open transaction would later have to insert
/// 11 *before* what it already showed (a projection folded past it would be wrong). Marten's
/// async daemon solves this with its high-water mark, and this is the same rule:
/// - the mark only moves over contiguous positions;
/// - a hole is skipped once the events after it are older than `staleAfter` (Marten's
///   `StaleSequenceThreshold`, 3 s by default): a transaction that old has rolled back;
/// - without a time column, the hole is skipped once this reader has seen it for `staleAfter`.
/// While a hole holds events back, `notice` says so, so no reader hides them silently.
struct HighWaterMark: Sendable, Equatable {
    /// One position above the mark, as the database answered it.
    struct Row: Sendable, Equatable {
        var position: UInt64
        /// True when the event is older than the stale threshold by the database's clock.
        var settled: Bool
    }

    /// The highest position readers may see.
    private(set) var mark: UInt64
    /// The hole holding events back: the first missing position, and when this reader first
    /// saw it (its own clock, microseconds).
    private(set) var hole: (missing: UInt64, since: Int64)?
    /// How many events past the hole the last advance saw (a lower bound when the page was full).
    private(set) var heldBack: Int = 0
    let staleAfterMicros: Int64

    init(mark: UInt64, staleAfterMicros: Int64 = 3_000_000) {
        self.mark = mark
        self.staleAfterMicros = staleAfterMicros
    }

    static func == (a: Self, b: Self) -> Bool {
        a.mark == b.mark && a.hole?.missing == b.hole?.missing && a.heldBack == b.heldBack
    }

    /// Moves the mark over `rows` (positions above the mark, ascending) as far as the rule allows.
    /// - Returns: true when the mark moved.
    @discardableResult
    mutating func advance(over rows: [Row], nowMicros: Int64) -> Bool {
        let before = mark
        heldBack = 0
        var i = 0
        while i < rows.count {
            let r = rows[i]
            if r.position <= mark { i += 1; continue }
            if r.position == mark + 1 {
                mark = r.position
                i += 1
                continue
            }
            // A hole between the mark and this row.
            let missing = mark + 1
            if hole?.missing != missing { hole = (missing, nowMicros) }
            let seenLongEnough = nowMicros - (hole?.since ?? nowMicros) >= staleAfterMicros
            if r.settled || seenLongEnough {
                mark = r.position
                i += 1
                continue
            }
            heldBack = rows.count - i
            break
        }
        if heldBack == 0 { hole = nil }
        return mark != before
    }

    /// What a user should know about events held back, or nil when none are.
    var notice: String? {
        guard let hole, heldBack > 0 else { return nil }
        let seconds = staleAfterMicros % 1_000_000 == 0 ? "\(staleAfterMicros / 1_000_000)" : "\(Double(staleAfterMicros) / 1e6)"
        let (n, are, they) = heldBack == 1 ? ("1 event", "is", ("it shows", "it is")) : ("\(heldBack) events", "are", ("they show", "they are"))
        return "\(n) past position \(mark) \(are) held back: position \(hole.missing) is missing "
            + "(a transaction still open may fill it); \(they.0) once it commits, or once \(they.1) "
            + "\(seconds) s old (a rolled-back transaction's gap never fills)"
    }
}
