import EventLog
import Platform
import Synchronization

/// The derived correlation/causation index of a log: correlation id → positions, causation id
/// → positions, event id → position.
///
/// Sealed segments have a persisted file each (`index/NNNNNNNNNNNN.trc`, see
/// `TraceIndexFile`), used when it is sound and describes the segment, otherwise rebuilt from
/// the segment and written through the log's jail (temp file, rename). The active segment is
/// indexed from its checkpoint file (`index/NNNNNNNNNNNN.trp`, the keys of its first events)
/// when one holds up, and the events after it are scanned into memory and extended by
/// `update()`; once enough of them are in memory, a new checkpoint is written, so the next
/// trace of a large log scans little. Every answer is checked against the real events, so hash
/// collisions and lying files never put a wrong event in a trace.
///
/// What was rebuilt and why comes back one line each from `takeNotes()`, for the caller to tell.
/// Thread safety: every method may be called from any thread; calls are serialised.
public final class TraceIndex: Sendable {
    public let log: any EventStore
    /// Events scanned into memory past the active segment's checkpoint before a new one is written.
    public let checkpointAfter: Int
    private let state: Mutex<State>

    /// Events past the checkpoint after which a new one is written, unless told otherwise.
    public static let defaultCheckpointAfter = 50_000

    struct Sealed {
        var summary: SegmentSummary
        var identity: TraceIndexFile.Identity
        var table: TraceTable

        func describes(_ seg: SegmentSummary) -> Bool {
            summary.number == seg.number && summary.basePosition == seg.basePosition && summary.eventCount == seg.eventCount
        }
    }

    struct State {
        var sealed: [Sealed] = []
        var active: ActiveTraceTable?
        var notes: [String] = []
        /// Set when the active segment's checkpoint was found damaged and could not be removed:
        /// it is not read again by this index.
        var distrustCheckpoint = false
    }

    /// Opens the index of `log` as it is now: loads or rebuilds every sealed segment's file and
    /// indexes the active segment (from its checkpoint when one holds up).
    /// - Parameter checkpointAfter: events indexed in memory past the active segment's
    ///   checkpoint before a new checkpoint is written (file logs only).
    /// - Throws: `EventLogError` when a segment cannot be read (a damaged segment is the log's
    ///   problem, reported as such). A file that cannot be saved is not an error: it is kept in
    ///   memory and a note says so.
    public init(log: any EventStore, checkpointAfter: Int = TraceIndex.defaultCheckpointAfter) throws {
        self.log = log
        self.checkpointAfter = max(1, checkpointAfter)
        self.state = Mutex(State())
        try update()
    }

    deinit {
        state.withLock { s in
            for t in s.sealed { t.table.source.close() }
            s.active?.prefix?.source.close()
        }
    }

    /// Catches up with the log handle (call `log.refresh()` first to see another process's appends).
    public func update() throws {
        try state.withLock { s in try Self.update(&s, log: log, checkpointAfter: checkpointAfter) }
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
            try Self.candidates(hash, in: &s, log: log, checkpointAfter: checkpointAfter)
        }
        candidates.sort()
        return try Self.verify(candidates, key: key, in: log, limit: limit)
    }

    /// How many sealed segments have a table, and whether the active segment is indexed.
    public var tableCounts: (sealed: Int, active: Bool) { state.withLock { ($0.sealed.count, $0.active != nil) } }

    /// Events of the active segment that come from its checkpoint file, and those scanned into memory.
    public var activeCounts: (fromCheckpoint: UInt64, inMemory: UInt64) {
        state.withLock { s in
            guard let a = s.active else { return (0, 0) }
            return (a.prefixEnd - a.basePosition, a.eventsInMemory)
        }
    }

    // MARK: - Looking up

    /// Every table's candidates for `hash`. A page that fails its checksum has its file rebuilt
    /// (a sealed segment's) or dropped and the segment scanned (the active one's), with a note;
    /// nothing from the bad page is used.
    private static func candidates(_ hash: UInt32, in s: inout State, log: any EventStore, checkpointAfter: Int) throws -> [UInt64] {
        var out: [UInt64] = []
        for i in s.sealed.indices {
            do {
                out += try s.sealed[i].table.candidates(hash)
            } catch {
                s.sealed[i].table.source.close()
                let seg = s.sealed[i].summary
                let (table, note) = try rebuild(seg, identity: s.sealed[i].identity, log: log, why: "was damaged (\(reason(error)))")
                if let note { s.notes.append(note) }
                s.sealed[i].table = table
                do { out += try table.candidates(hash) } catch {
                    throw EventLogError.invalidArgument("could not build the trace index of segment \(seg.number) (\(reason(error)))")
                }
            }
        }
        guard let active = s.active else { return out }
        do {
            out += try active.candidates(hash)
        } catch {
            active.prefix?.source.close()
            let name = checkpointName(active.number)
            s.notes.append("trace index \(name) was damaged (\(reason(error))); indexed the active segment from its events")
            do { try FileJail(root: log.path).remove(name) } catch { s.distrustCheckpoint = true }
            s.active = nil
            try update(&s, log: log, checkpointAfter: checkpointAfter)
            if let again = s.active {
                do { out += try again.candidates(hash) } catch {
                    throw EventLogError.invalidArgument("could not index the active segment \(active.number) (\(reason(error)))")
                }
            }
        }
        return out
    }

    static func reason(_ problem: TraceIndexFile.Problem) -> String {
        switch problem {
        case .damaged(let why): return why
        case .stale: return "it describes another segment"
        }
    }

    static func checkpointName(_ number: UInt32) -> String {
        LogFormat.indexDirectory + "/" + LogFormat.traceCheckpointFileName(number)
    }

    // MARK: - Building

    private static func update(_ s: inout State, log: any EventStore, checkpointAfter: Int) throws {
        let segments = log.segmentSummaries()
        var kept: [Sealed] = []
        var missing = 0
        for seg in segments where seg.isSealed {
            if let t = s.sealed.first(where: { $0.describes(seg) }) {
                kept.append(t)
                continue
            }
            let (table, note, wasMissing) = try load(seg, log: log)
            if wasMissing { missing += 1 }
            if let note { s.notes.append(note) }
            kept.append(table)
            // The checkpoint of a segment now sealed is of no more use.
            if log.fileOnlyRefusal == nil { try? FileJail(root: log.path).remove(checkpointName(seg.number)) }
        }
        for t in s.sealed where !kept.contains(where: { $0.describes(t.summary) }) {
            t.table.source.close()
        }
        s.sealed = kept
        if missing > 0 {
            s.notes.insert("built the trace index of \(missing) sealed segment\(missing == 1 ? "" : "s") (index/*.trc)", at: 0)
        }
        guard let last = segments.last, !last.isSealed else {
            s.active?.prefix?.source.close()
            s.active = nil
            return
        }
        if s.active?.number != last.number || s.active?.basePosition != last.basePosition || (s.active?.end ?? 0) > last.endPosition {
            s.active?.prefix?.source.close()
            s.active = (s.distrustCheckpoint ? nil : loadCheckpoint(last, log: log, notes: &s.notes))
                ?? ActiveTraceTable(number: last.number, basePosition: last.basePosition)
        }
        guard var active = s.active, active.end < last.endPosition else { return }
        s.active = nil  // the table moves into `active`; put back below
        var lastID: EventID?
        try log.readAll(from: active.end, limit: Int(last.endPosition - active.end)) { view in
            let p = view.position
            TraceKey.hashes(id: view.id, keys: TraceKeys(metadata: view.metadata)) { active.add($0, position: p) }
            active.end = p + 1
            lastID = view.id
            return true
        }
        active.settle()
        if active.eventsInMemory >= UInt64(checkpointAfter), !s.distrustCheckpoint, log.fileOnlyRefusal == nil, let lastID,
           let saved = saveCheckpoint(active, lastID: lastID, log: log) {
            active.prefix?.source.close()
            active = saved
        }
        s.active = active
    }

    /// The active segment's table from its checkpoint file, when the file is sound and
    /// describes this segment's first events (their count, and the id of the last of them);
    /// nil otherwise. A damaged file is noted; a stale one (left from before an import was
    /// rolled back, or from another log) is passed over in silence and replaced by the next.
    private static func loadCheckpoint(_ last: SegmentSummary, log: any EventStore, notes: inout [String]) -> ActiveTraceTable? {
        guard log.fileOnlyRefusal == nil else { return nil }
        let name = checkpointName(last.number)
        let path = log.path + "/" + name
        guard FileSystem.exists(path), let file = try? SystemFile.open(path, flags: .readOnly) else { return nil }
        do {
            let size = try file.size()
            let claimed = try TraceIndexFile.claimedIdentity(.file(file))
            guard claimed.number == last.number, claimed.basePosition == last.basePosition, claimed.segmentLength == 0,
                  claimed.eventCount >= 1, claimed.eventCount <= UInt64(last.eventCount),
                  let event = try log.event(at: claimed.basePosition + claimed.eventCount - 1), event.id == claimed.lastEventID else {
                file.close()
                return nil
            }
            let table = try TraceIndexFile.open(.file(file), size: size, kind: .activePrefix, expected: claimed)
            return ActiveTraceTable(number: last.number, basePosition: last.basePosition, prefix: table)
        } catch let problem as TraceIndexFile.Problem {
            file.close()
            if case .damaged(let why) = problem {
                notes.append("trace index \(name) was damaged (\(why)); indexed the active segment from its events")
            }
            return nil
        } catch {
            file.close()
            return nil
        }
    }

    /// Writes the checkpoint of everything `active` indexes and returns the table that reads it
    /// (the memory keys dropped); nil when it cannot be written, and then memory goes on.
    private static func saveCheckpoint(_ active: ActiveTraceTable, lastID: EventID, log: any EventStore) -> ActiveTraceTable? {
        guard let keys = try? active.allKeys() else { return nil }
        let identity = TraceIndexFile.Identity(
            number: active.number, basePosition: active.basePosition, eventCount: active.end - active.basePosition,
            segmentLength: 0, lastEventID: lastID)
        let bytes = TraceIndexFile.encode(identity, kind: .activePrefix, sortedKeys: keys)
        let name = checkpointName(active.number)
        do {
            // Not synced, like the sealed files: a torn checkpoint fails its checks and is rebuilt.
            try FileJail(root: log.path).writeAtomically(bytes, to: name, durable: false)
        } catch {
            return nil
        }
        guard let file = try? SystemFile.open(log.path + "/" + name, flags: .readOnly) else { return nil }
        guard let table = try? TraceIndexFile.open(.file(file), size: bytes.count, kind: .activePrefix, expected: identity) else {
            file.close()
            return nil
        }
        return ActiveTraceTable(number: active.number, basePosition: active.basePosition, prefix: table)
    }

    /// The table of a sealed segment: its file when sound, else rebuilt (and saved if it can be).
    private static func load(_ seg: SegmentSummary, log: any EventStore) throws -> (Sealed, note: String?, missing: Bool) {
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
                    let table = try TraceIndexFile.open(.file(file), size: try file.size(), expected: identity)
                    return (Sealed(summary: seg, identity: identity, table: table), nil, false)
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
        let (table, note) = try rebuild(seg, identity: identity, log: log, why: why)
        return (Sealed(summary: seg, identity: identity, table: table), note, missing)
    }

    /// Scans a sealed segment, saves its file when it can (saying why it was rebuilt, when
    /// `why` is given), and returns the table that reads it.
    private static func rebuild(_ seg: SegmentSummary, identity: TraceIndexFile.Identity, log: any EventStore, why: String?) throws -> (TraceTable, note: String?) {
        let name = LogFormat.indexDirectory + "/" + LogFormat.traceIndexFileName(seg.number)
        let path = log.path + "/" + name
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
            return (try TraceIndexFile.open(source, size: bytes.count, expected: identity), note)
        } catch {
            // The file changed between the write and the read (another process rebuilt it): use ours.
            source.close()
            let table = try? TraceIndexFile.open(.memory(bytes), size: bytes.count, expected: identity)
            guard let table else { throw EventLogError.invalidArgument("could not build the trace index of \(name)") }
            return (table, note)
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
