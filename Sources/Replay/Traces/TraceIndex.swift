import EventLog
import Platform
import Synchronization

/// The derived correlation/causation index of a log: correlation id → positions, causation id
/// → positions, event id → position.
///
/// Sealed segments have a persisted file each (`index/NNNNNNNNNNNN.trc`, see
/// `TraceIndexFile`), used when it is sound and describes the segment, otherwise rebuilt from
/// the segment and written through the log's jail (temp file, rename). The active segment is
/// scanned into memory and extended by `update()`. Every answer is checked against the real
/// events, so hash collisions and lying files never put a wrong event in a trace.
///
/// What was rebuilt and why comes back one line each from `takeNotes()`, for the caller to tell.
/// Thread safety: every method may be called from any thread; calls are serialised.
public final class TraceIndex: Sendable {
    public let log: any EventStore
    private let state: Mutex<State>

    struct Sealed {
        var number: UInt32
        var basePosition: UInt64
        var eventCount: Int
        var table: TraceTable
    }

    struct State {
        var sealed: [Sealed] = []
        var active: ActiveTraceTable?
        var notes: [String] = []
    }

    /// Opens the index of `log` as it is now: loads or rebuilds every sealed segment's file and
    /// scans the active segment.
    /// - Throws: `EventLogError` when a segment cannot be read (a damaged segment is the log's
    ///   problem, reported as such). A file that cannot be saved is not an error: it is kept in
    ///   memory and a note says so.
    public init(log: any EventStore) throws {
        self.log = log
        self.state = Mutex(State())
        try update()
    }

    deinit {
        state.withLock { s in for t in s.sealed { t.table.source.close() } }
    }

    /// Catches up with the log handle (call `log.refresh()` first to see another process's appends).
    public func update() throws {
        try state.withLock { s in try Self.update(&s, log: log) }
    }

    /// The lines to tell the user about files rebuilt since the last call.
    public func takeNotes() -> [String] {
        state.withLock { s in
            defer { s.notes = [] }
            return s.notes
        }
    }

    /// Positions of the events `key` names, ascending, each checked against its event.
    /// - Parameter limit: stop after this many (a hostile log may share one id among millions).
    public func positions(of key: TraceKey, limit: Int = .max) throws -> [UInt64] {
        let hash = key.hash
        var candidates: [UInt64] = try state.withLock { s in
            var out: [UInt64] = []
            for t in s.sealed { out += try t.table.candidates(hash) }
            if let a = s.active { out += a.candidates(hash) }
            return out
        }
        candidates.sort()
        return try Self.verify(candidates, key: key, in: log, limit: limit)
    }

    /// How many sealed segments have a table, and whether an active segment is scanned.
    public var tableCounts: (sealed: Int, active: Bool) { state.withLock { ($0.sealed.count, $0.active != nil) } }

    // MARK: - Building

    private static func update(_ s: inout State, log: any EventStore) throws {
        let segments = log.segmentSummaries()
        var kept: [Sealed] = []
        var missing = 0
        for seg in segments where seg.isSealed {
            if let t = s.sealed.first(where: { $0.number == seg.number && $0.basePosition == seg.basePosition && $0.eventCount == seg.eventCount }) {
                kept.append(t)
                continue
            }
            let (table, note, wasMissing) = try load(seg, log: log)
            if wasMissing { missing += 1 }
            if let note { s.notes.append(note) }
            kept.append(Sealed(number: seg.number, basePosition: seg.basePosition, eventCount: seg.eventCount, table: table))
        }
        for t in s.sealed where !kept.contains(where: { $0.number == t.number && $0.basePosition == t.basePosition && $0.eventCount == t.eventCount }) {
            t.table.source.close()
        }
        s.sealed = kept
        if missing > 0 {
            s.notes.insert("built the trace index of \(missing) sealed segment\(missing == 1 ? "" : "s") (index/*.trc)", at: 0)
        }
        guard let last = segments.last, !last.isSealed else { s.active = nil; return }
        if s.active?.number != last.number || s.active?.basePosition != last.basePosition || (s.active?.end ?? 0) > last.endPosition {
            s.active = ActiveTraceTable(number: last.number, basePosition: last.basePosition)
        }
        guard var active = s.active, active.end < last.endPosition else { return }
        s.active = nil  // the table moves into `active`; put back below
        try log.readAll(from: active.end, limit: Int(last.endPosition - active.end)) { view in
            let p = view.position
            TraceKey.hashes(id: view.id, keys: TraceKeys(metadata: view.metadata)) { active.add($0, position: p) }
            active.end = p + 1
            return true
        }
        active.settle()
        s.active = active
    }

    /// The table of a sealed segment: its file when sound, else rebuilt (and saved if it can be).
    private static func load(_ seg: SegmentSummary, log: any EventStore) throws -> (TraceTable, note: String?, missing: Bool) {
        let name = LogFormat.indexDirectory + "/" + LogFormat.traceIndexFileName(seg.number)
        guard let last = try log.event(at: seg.endPosition - 1) else {
            throw EventLogError.invalidArgument("the log changed while its trace index was read; run the command again")
        }
        let identity = TraceIndexFile.Identity(
            number: seg.number, basePosition: seg.basePosition, eventCount: UInt64(seg.eventCount),
            segmentLength: UInt64(seg.length), lastEventID: last.id)
        var why: String?
        var missing = false
        let path = log.path + "/" + name
        if FileSystem.exists(path) {
            do {
                let file = try SystemFile.open(path, flags: .readOnly)
                do {
                    return (try TraceIndexFile.open(.file(file), size: try file.size(), expected: identity), nil, false)
                } catch let problem as TraceIndexFile.Problem {
                    file.close()
                    switch problem {
                    case .damaged(let reason): why = "was damaged (\(reason))"
                    case .stale: why = "described another segment"
                    }
                }
            } catch {
                why = "could not be opened (\(error))"
            }
        } else {
            missing = true
        }
        let bytes = try build(seg, identity: identity, log: log)
        var note = why.map { "trace index \(name) \($0); rebuilt it from the segment" }
        var source = TraceTable.Source.memory(bytes)
        do {
            // Not synced: the file is derived and checked on every open, so a crash that tears
            // it costs a rebuild, never a wrong trace.
            try FileJail(root: log.path).writeAtomically(bytes, to: name, durable: false)
            let file = try SystemFile.open(path, flags: .readOnly)
            source = .file(file)
        } catch {
            note = "trace index \(name) could not be saved (\(error)); using it from memory"
        }
        do {
            return (try TraceIndexFile.open(source, size: bytes.count, expected: identity), note, missing)
        } catch {
            // The file changed between the write and the read (another process rebuilt it): use ours.
            source.close()
            let table = try? TraceIndexFile.open(.memory(bytes), size: bytes.count, expected: identity)
            guard let table else { throw EventLogError.invalidArgument("could not build the trace index of \(name)") }
            return (table, note, missing)
        }
    }

    /// Scans a sealed segment into the file's bytes.
    static func build(_ seg: SegmentSummary, identity: TraceIndexFile.Identity, log: any EventStore) throws -> [UInt8] {
        var keys: [UInt64] = []
        keys.reserveCapacity(seg.eventCount * 2 + 16)
        var seen = 0
        try log.readAll(from: seg.basePosition, limit: seg.eventCount) { view in
            let offset = UInt64(view.position - seg.basePosition)
            TraceKey.hashes(id: view.id, keys: TraceKeys(metadata: view.metadata)) { keys.append(UInt64($0) << 32 | offset) }
            seen += 1
            return true
        }
        guard seen == seg.eventCount else {
            throw EventLogError.invalidArgument("the log changed while its trace index was built; run the command again")
        }
        return TraceIndexFile.encode(identity, keys: keys)
    }

    // MARK: - Checking candidates

    /// The candidates whose events `key` really names. Candidates close together are read in
    /// one pass (a batch is read once, not once per event).
    static func verify(_ sorted: [UInt64], key: TraceKey, in log: any EventStore, limit: Int) throws -> [UInt64] {
        var out: [UInt64] = []
        var i = 0
        while i < sorted.count && out.count < limit {
            let from = sorted[i]
            try log.readAll(from: from) { view in
                let p = view.position
                while i < sorted.count && sorted[i] < p { i += 1 }
                guard i < sorted.count else { return false }
                if sorted[i] == p {
                    if key.matches(view) { out.append(p) }
                    while i < sorted.count && sorted[i] == p { i += 1 }
                    if out.count >= limit || i >= sorted.count { return false }
                }
                // Read on through a short gap; start a fresh read past a long one.
                return sorted[i] - p <= 64
            }
            // A candidate past the head (a file that lies) or a gap: move on.
            if i < sorted.count && sorted[i] == from { i += 1 }
        }
        return out
    }
}
