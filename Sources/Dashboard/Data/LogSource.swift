import EventLog
import Foundation
import Replay
import JSON

/// Answers the dashboard's requests from a log: the synchronous core of `LogWorker`.
///
/// Not thread-safe (and not Sendable): one thread, its worker's, uses it. Tests call `serve` directly.
///
/// The parts that compile jq (snapshots, upcasters) and the lag monitor are made on first use,
/// on the worker's thread: the dashboard has three sources, each serving only some requests, and
/// none should compile at start-up what it never uses. (`RewindConfig.load` has already checked
/// that every expression compiles.)
public final class LogSource {
    public let log: any EventStore
    public let config: RewindConfig
    public let writable: Bool
    private var snapshotManager: SnapshotManager?
    private lazy var lag = LagMonitor(log: log, config: config)
    private var compiledUpcaster: Upcaster??
    private var timelines: [String: StreamTimeline] = [:]
    private var timelineOrder: [String] = []
    private let catalog = StreamCatalog()
    private var streamsHead: UInt64 = .max
    private var streamsReadAt = Date.distantPast
    private var densityCache: [String: Density] = [:]
    /// The projection debugger's state per projection, by name.
    var debuggers: [String: ProjectionDebugger] = [:]
    /// Each projection's cached states (`:at`, diffs, the debugger), by name.
    var projectionTimelines: [String: ProjectionTimeline] = [:]
    /// The correlation/causation index, opened by the first trace (`LogSource+Trace.swift`).
    var traceIndex: TraceIndex?

    /// - Parameter writable: whether actions that write (snapshots) are allowed.
    public init(log: any EventStore, config: RewindConfig, writable: Bool = false) {
        self.log = log
        self.config = config
        self.writable = writable
    }

    private func snapshots() throws -> SnapshotManager {
        if let m = snapshotManager { return m }
        let m = try SnapshotManager(log: log, config: config)
        snapshotManager = m
        return m
    }

    /// The upcasters, or nil when the configuration has none.
    private func upcaster() throws -> Upcaster? {
        if let u = compiledUpcaster { return u }
        let u = config.upcasters.isEmpty ? nil : try Upcaster(config.upcasters, limits: config.limits)
        compiledUpcaster = .some(u)
        return u
    }

    public func serve(_ request: Request) -> Message {
        do {
            switch request {
            case .refresh: return try refresh()
            case .streams(let q): return .streamsLoaded(try streams(q))
            case .events(let s, let from, let count): return try events(s, from: from, count: count)
            case .focus(let s, let v, let skips): return try focus(s, version: v, skipping: skips)
            case .blame(let s, let v): return .blameLoaded(try blame(s, version: v))
            case .density(let s): return .densityLoaded(try density(s))
            case .lag: return .lagLoaded(try lagRows())
            case .snapshots(let s): return .snapshotsLoaded(stream: s, rows: try snapshotRows(s))
            case .detail(let s, let v): return try detail(s, version: v)
            case .createSnapshots(let s): return try createSnapshots(s)
            case .trace(let s, let v): return try trace(s, version: v)
            case .find: return .failed(.find, "a search is served by LogWorker, which posts its progress")
            case .sagas: return try sagas()
            case .locate(let s, let micros, let position):
                let t = try timeline(s)
                if let micros { return .located(stream: s, version: try t.version(atTime: micros)) }
                return .located(stream: s, version: try t.version(atPosition: position ?? 0))
            case .debug(let name, let key, let from, let move): return .debugLoaded(try debug(name, key: key, from: from, move: move))
            case .instant(let micros, let position): return .instantLoaded(try instant(micros: micros, position: position))
            case .diff(let a, let b): return .diffLoaded(try diff(from: a, to: b))
            }
        } catch {
            return .failed(request.kind, Self.describe(error))
        }
    }

    static func describe(_ error: any Error) -> String {
        String(describing: error)
    }

    // MARK: - Requests

    /// Re-reads the log's tail; `update` compares the head with what it had.
    private func refresh() throws -> Message {
        if !log.isWritable { _ = try log.refresh() }
        return .logChanged(head: log.head, streams: log.streamCount, heldBack: log.notice)
    }

    private func streams(_ query: StreamQuery) throws -> StreamList {
        // Re-reading millions of streams costs tens of milliseconds: at most once a second,
        // and only when the log changed.
        let head = log.head
        let newStreams = log.streamCount != catalog.count
        let due = Date().timeIntervalSince(streamsReadAt) > (catalog.count > 100_000 ? 5 : 0.5)
        if head != streamsHead && ((newStreams && catalog.count < 100_000) || due || catalog.count == 0) {
            try catalog.reload(log.streams(), log: log)
            streamsHead = head
            streamsReadAt = Date()
        }
        return catalog.list(query)
    }

    private func events(_ stream: String, from: UInt64, count: Int) throws -> Message {
        var rows: [EventRow] = []
        rows.reserveCapacity(count)
        try log.readStream(stream, from: max(1, from), limit: count) { e in
            rows.append(EventRow(version: e.version, position: e.position, type: e.type, micros: e.originalMicros,
                                 preview: Self.preview(e.data, contentType: e.contentType)))
            return true
        }
        return .eventsLoaded(stream: stream, from: max(1, from), rows: rows, lastVersion: log.version(of: stream))
    }

    /// The first 240 bytes of the data, whitespace runs collapsed to one space.
    static func preview(_ data: UnsafeRawBufferPointer, contentType: ContentType) -> String {
        guard contentType == .json else { return "<\(data.count) bytes, binary>" }
        let text = String(decoding: data.prefix(240), as: UTF8.self)
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" })
        let out = words.joined(separator: " ")
        return data.count > 240 ? out + "…" : out
    }

    func timeline(_ stream: String) throws -> StreamTimeline {
        if let t = timelines[stream] {
            timelineOrder.removeAll { $0 == stream }
            timelineOrder.append(stream)
            return t
        }
        let t = try snapshots().timeline(for: stream, useSnapshots: true)
        timelines[stream] = t
        timelineOrder.append(stream)
        if timelineOrder.count > 8 {
            let evicted = timelineOrder.removeFirst()
            timelines[evicted] = nil
        }
        return t
    }

    private func focus(_ stream: String, version: UInt64, skipping: [UInt64]) throws -> Message {
        let t = try timeline(stream)
        let last = t.lastVersion
        let v = min(version, last)
        do {
            let now = try t.state(at: v)
            var changed: Set<JSONPath> = []
            if v > 0 {
                let previous = try t.state(at: v - 1).state
                changed = Set(JSONValue.diff(from: previous, to: now.state).map(\.path))
            }
            var view = StateView(stream: stream, version: v, state: now.state, changed: changed, reducer: t.reducerName, replayed: now.replayedEvents)
            if !skipping.isEmpty {
                let w = try t.whatIf(at: v, skipping: Set(skipping))
                view.state = w.hypothetical
                view.skipped = w.skipped
                view.hypotheticalChanges = w.changes
                if view.skipped.isEmpty { view.skipped = [] }
            }
            return .stateLoaded(view, eventMicros: now.event?.originalMicros)
        } catch {
            var view = StateView(stream: stream, version: v, state: .null, changed: [], reducer: t.reducerName)
            view.error = Self.describe(error)
            let micros = try? t.summary(of: v)?.originalMicros
            return .stateLoaded(view, eventMicros: micros ?? nil)
        }
    }

    private func blame(_ stream: String, version: UInt64) throws -> BlameView {
        let t = try timeline(stream)
        let b = try t.blame(at: min(version, t.lastVersion))
        var versions: [JSONPath: UInt64] = [:]
        for e in b.entries { if let v = e.version { versions[e.path] = v } }
        return BlameView(stream: stream, version: b.version, versions: versions)
    }

    static let densityBuckets = 512

    private func density(_ stream: String) throws -> Density {
        let last = log.version(of: stream)
        if let cached = densityCache[stream], cached.lastVersion == last { return cached }
        var times: [(Int64, UInt64)] = []
        times.reserveCapacity(Int(min(last, 2_000_000)))
        // Very long streams: sample every k-th event (the shape is what matters).
        let stride = max(1, Int(last / 1_000_000))
        var i = 0
        try log.readStream(stream) { e in
            if i % stride == 0 { times.append((e.originalMicros, e.version)) }
            i += 1
            return true
        }
        let start = times.map(\.0).min() ?? 0
        let end = times.map(\.0).max() ?? 0
        var counts = Array(repeating: 0, count: Self.densityBuckets)
        var firsts = Array(repeating: UInt64(0), count: Self.densityBuckets)
        let span = Double(max(1, end - start))
        for (t, v) in times {
            let b = end > start ? min(Self.densityBuckets - 1, Int(Double(t - start) / span * Double(Self.densityBuckets))) : 0
            counts[b] += stride
            if firsts[b] == 0 || v < firsts[b] { firsts[b] = v }
        }
        let d = Density(stream: stream, lastVersion: last, startMicros: start, endMicros: end, counts: counts, firstVersions: firsts)
        densityCache[stream] = d
        return d
    }

    private func lagRows() throws -> [ConsumerRow] {
        let lags = try lag.sample()
        return lags.map { l in
            let history = lag.history(of: l.name, kind: l.kind).map { s in s.lagEvents.map(Double.init) }
            var poison: (String, UInt64)?
            if let f = l.fault, let s = f.stream, let v = f.version { poison = (s, v) }
            return ConsumerRow(lag: l, history: history, poison: poison)
        }
    }

    private func snapshotRows(_ stream: String) throws -> [SnapshotRow] {
        let checks = try snapshots().verify(streams: [stream])
        return checks.map { c in
            var details: [String] = []
            if case .drift(let changes)? = c.problem {
                details = changes.prefix(50).map { ch in
                    // Changes run from the replay (old) to the stored snapshot (new).
                    let replay = ch.oldValue.map { $0.serialized() } ?? "absent"
                    let stored = ch.newValue.map { $0.serialized() } ?? "absent"
                    return "\(ch.path): snapshot \(stored), replay \(replay)"
                }
            } else if let p = c.problem {
                details = [p.description]
            }
            let bytes = c.snapshot.map { $0.state.serialized().utf8.count } ?? 0
            return SnapshotRow(version: c.version, createdMicros: c.snapshot?.createdMicros, bytes: bytes, status: c.status, details: details)
        }
    }

    private func detail(_ stream: String, version: UInt64) throws -> Message {
        var found: EventDetail?
        let upcasting = try upcaster()
        try log.readStream(stream, from: version, limit: 1) { e in
            let data = Array(e.data)
            let raw = Self.pretty(data, contentType: e.contentType)
            var upcasted: [String]?
            var upSchema: UInt32?
            if let upcasting, upcasting.applies(to: e.type, schemaVersion: e.schemaVersion) {
                do {
                    if let u = try upcasting.upcast(e) {
                        upcasted = Self.pretty(u.data, contentType: .json)
                        upSchema = u.schemaVersion
                    }
                } catch {
                    upcasted = ["upcaster failed: \(Self.describe(error))"]
                }
            }
            let meta = Array(e.metadata)
            found = EventDetail(
                stream: e.stream, version: e.version, position: e.position, id: e.id.description, type: e.type,
                recorded: RFC3339.format(microsecondsSinceEpoch: e.recordedMicros),
                original: RFC3339.format(microsecondsSinceEpoch: e.originalMicros),
                schemaVersion: e.schemaVersion, contentType: e.contentType.name, raw: raw, upcasted: upcasted, upcastedSchema: upSchema,
                metadata: meta.isEmpty ? [] : Self.pretty(meta, contentType: .json), hex: Self.hexDump(data))
            return false
        }
        guard let found else { return .failed(.detail, "\(stream) has no version \(version)") }
        return .detailLoaded(found)
    }

    static func pretty(_ bytes: [UInt8], contentType: ContentType) -> [String] {
        if contentType == .json, let v = try? JSONValue.parse(bytes) {
            return v.serialized(pretty: true).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        return hexDump(bytes)
    }

    /// 16 bytes a line: offset, hex, and printable ASCII.
    static func hexDump(_ bytes: [UInt8], limit: Int = 64 << 10) -> [String] {
        var lines: [String] = []
        let shown = bytes.prefix(limit)
        var offset = 0
        while offset < shown.count {
            let chunk = shown[offset..<min(offset + 16, shown.count)]
            var line = String(offset, radix: 16)
            line = String(repeating: "0", count: max(0, 8 - line.count)) + line + "  "
            for (i, b) in chunk.enumerated() {
                let h = String(b, radix: 16)
                line += (h.count == 1 ? "0" + h : h) + (i == 7 ? "  " : " ")
            }
            line += String(repeating: " ", count: (16 - chunk.count) * 3 + (chunk.count <= 8 ? 1 : 0)) + " |"
            for b in chunk { line.unicodeScalars.append(b >= 0x20 && b < 0x7F ? Unicode.Scalar(b) : ".") }
            lines.append(line + "|")
            offset += 16
        }
        if bytes.count > limit { lines.append("… \(bytes.count - limit) more bytes") }
        return lines
    }

    private func createSnapshots(_ stream: String) throws -> Message {
        guard writable else {
            return .failed(.createSnapshots, "the dashboard is read-only: reopen with --writable to take snapshots")
        }
        let made = try snapshots().create(streams: [stream], policy: config.snapshots)
        timelines[stream] = nil
        let count = made.reduce(0) { $0 + $1.created.count }
        return .notice(count == 0 ? "no snapshot due for \(stream) (policy: \(config.snapshots.everyEvents.map { "every \($0) events" } ?? "by replay time"))" : "took \(count) snapshot\(count == 1 ? "" : "s") of \(stream)")
    }
}
