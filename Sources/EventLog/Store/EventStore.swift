/// The read side of an event store: what every command and the dashboard need to look at
/// events, whether they live in a Rewind log directory or in a database.
///
/// Why a protocol: the file log (`EventLog`) is the embedded default, but a team's events may
/// live in PostgreSQL (Marten, Message DB, a hand-made table). Readers take `any EventStore`
/// and never learn which; features that only make sense for files (`verify`, the segment
/// files themselves) stay on `EventLog` and say so when given something else.
///
/// Contracts, the same for every store:
/// - Positions are global, ascending and start at 1; they may have gaps (a database sequence
///   skips the values of rolled-back transactions). Versions of a stream start at 1, no gaps.
/// - A reader sees the store as of its last `refresh()` (or open); `head`, `streams()` and
///   the other summary queries answer from that view without I/O, so they cannot fail.
/// - Views passed to a visitor are valid only inside the call.
/// - Every method may be called from any thread.
public protocol EventStore: AnyObject, Sendable {
    /// The local directory that holds derived data (snapshots, projection runs, checkpoints,
    /// caches): the log itself for a file log, a state directory for a database.
    var path: String { get }
    /// Where the events are, as shown to a user: a directory, or a URL without its password.
    var location: String { get }
    /// Whether this handle may append (a file log opened as its writer). A database is never writable.
    var isWritable: Bool { get }
    /// The global position of the last event visible to this handle (0 when empty).
    var head: UInt64 { get }
    /// How many streams this handle sees.
    var streamCount: Int { get }

    /// Every stream, in the order they were created: a file log's order of first appearance; a
    /// database's own record where it keeps one (Marten's `mt_streams.created`), else the order
    /// of their first events.
    func streams() -> [StreamInfo]
    /// One stream's summary, or nil when it does not exist.
    func streamInfo(_ name: String) -> StreamInfo?
    /// The current version of a stream (0 when it does not exist).
    func version(of stream: String) -> UInt64

    /// Visits the events of `stream` from version `from`, forward or backward, at most `limit`;
    /// stops when `visit` returns false. A stream that does not exist visits nothing.
    func readStream(
        _ stream: String, from version: UInt64, direction: ReadDirection, limit: Int,
        _ visit: (EventView) throws -> Bool
    ) throws
    /// Visits every event in global order from `position` (inclusive) to the head as it is when
    /// the call starts, skipping events whose stream `streams` refuses (they do not count
    /// toward `limit`); stops when `visit` returns false.
    func readAll(
        from position: UInt64, limit: Int, streams: (String) -> Bool, _ visit: (EventView) throws -> Bool
    ) throws
    /// The event at a global position, or nil when there is none (a gap, or past the head).
    func event(at position: UInt64) throws -> RecordedEvent?
    /// The event of `stream` at `version`, or nil.
    func event(in stream: String, version: UInt64) throws -> RecordedEvent?

    /// Picks up what was appended since the last look. Returns true when the head moved.
    @discardableResult
    func refresh() throws -> Bool
    /// Waits until the head passes `position` or `timeout` seconds pass; returns the head.
    func waitForEvents(after position: UInt64, timeout: Double) throws -> UInt64

    /// The original time of the event at each of `positions` (nil where there is none).
    func originalMicros(at positions: [UInt64]) throws -> [Int64?]
    /// The store's files as segments. A store without segment files answers one active
    /// (unsealed) segment holding every position, so indexes built per segment are built in memory.
    func segmentSummaries() -> [SegmentSummary]
    /// Consumers whose progress the store itself records (Marten's async daemon), for `lag`.
    func storeConsumers() throws -> [StoreConsumer]
    /// What a reader should know about the store's live edge right now (events held back behind
    /// a gap that may still fill), or nil. A file log has no such edge.
    var notice: String? { get }
    /// Releases the store's files or connections; reads after it fail or see nothing.
    func close()
    /// What `verify` and other file-only features should say for this store, or nil when it
    /// is a file log they can work on.
    var fileOnlyRefusal: String? { get }
}

/// A consumer whose progress the store records, as `lag` shows it.
public struct StoreConsumer: Sendable, Equatable {
    /// The consumer's name as the store spells it.
    public var name: String
    /// The last global position it has dealt with.
    public var position: UInt64
    /// When it last reported, when the store knows (microseconds since the epoch).
    public var updatedAtMicros: Int64?
    /// Something the user should know about this consumer (a gap, a paused shard); nil when none.
    public var note: String?

    public init(name: String, position: UInt64, updatedAtMicros: Int64? = nil, note: String? = nil) {
        self.name = name
        self.position = position
        self.updatedAtMicros = updatedAtMicros
        self.note = note
    }
}

extension EventStore {
    /// `readAll` over every stream.
    public func readAll(from position: UInt64 = 1, limit: Int = .max, _ visit: (EventView) throws -> Bool) throws {
        try readAll(from: position, limit: limit, streams: { _ in true }, visit)
    }

    /// `readStream` forward with the usual defaults: from version 1, every event.
    public func readStream(_ stream: String, from version: UInt64 = 1, limit: Int = .max, _ visit: (EventView) throws -> Bool) throws {
        try readStream(stream, from: version, direction: .forward, limit: limit, visit)
    }

    /// Owned copies of a stream's events.
    public func events(in stream: String, from version: UInt64 = 1, direction: ReadDirection = .forward, limit: Int = .max) throws -> [RecordedEvent] {
        var out: [RecordedEvent] = []
        try readStream(stream, from: version, direction: direction, limit: limit) { out.append($0.materialize()); return true }
        return out
    }

    public func segmentSummaries() -> [SegmentSummary] {
        let head = self.head
        guard head > 0 else { return [] }
        return [SegmentSummary(number: 1, basePosition: 1, eventCount: Int(clamping: head), length: 0, isSealed: false)]
    }

    public func storeConsumers() throws -> [StoreConsumer] { [] }

    public var notice: String? { nil }
}
