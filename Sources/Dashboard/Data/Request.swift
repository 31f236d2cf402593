/// Work the dashboard asks of the log worker. Each kind has one slot: a newer request of a kind
/// replaces an older one still waiting (scrubbing asks for many states; only the newest matters).
public enum Request: Sendable, Equatable {
    /// Re-read the log's tail; answers `.logChanged` when it grew.
    case refresh
    /// The streams list, filtered, sorted and grouped.
    case streams(StreamQuery)
    /// A page of events of a stream.
    case events(stream: String, from: UInt64, count: Int)
    /// The state at a version (and the fields its event changed), perhaps with skipped versions.
    case focus(stream: String, version: UInt64, skipping: [UInt64])
    /// Which version last changed each field of the state at a version.
    case blame(stream: String, version: UInt64)
    /// How the stream's events spread over time.
    case density(stream: String)
    /// Every projection's and external consumer's lag.
    case lag
    /// The stream's snapshots, verified.
    case snapshots(stream: String)
    /// One event in full.
    case detail(stream: String, version: UInt64)
    /// The version of a stream at an instant (microseconds) or a global position, for `:goto`.
    case locate(stream: String, micros: Int64?, position: UInt64?)
    /// (writable only) Take snapshots of the stream as the configuration's policy says.
    case createSnapshots(stream: String)
    /// The projection debugger's next stop (`move` from global position `from`), pinned to a
    /// partition when `key` is set.
    case debug(projection: String, key: String?, from: UInt64, move: DebugMove)
    /// The dashboard at an instant (`:at`): a time (microseconds) or a global position.
    case instant(micros: Int64?, position: UInt64?)
    /// The structural diff between two points (`m`, then `D`).
    case diff(from: DiffPoint, to: DiffPoint)
    /// The causation tree and correlation of an event, as lanes (`t`).
    case trace(stream: String, version: UInt64)
    /// `:find`: events matching a jq predicate, posted as they are found (an empty predicate
    /// cancels). Served by a worker of its own, so a long search delays nothing else.
    case find(FindQuery)
    /// Every saga's instances and statuses (`S`).
    case sagas

    /// The slot: requests of one kind replace each other.
    public var kind: Kind {
        switch self {
        case .refresh: return .refresh
        case .streams: return .streams
        case .events: return .events
        case .focus: return .focus
        case .blame: return .blame
        case .density: return .density
        case .lag: return .lag
        case .snapshots: return .snapshots
        case .detail: return .detail
        case .createSnapshots: return .createSnapshots
        case .locate: return .locate
        case .debug: return .debug
        case .instant: return .instant
        case .diff: return .diff
        case .trace: return .trace
        case .find: return .find
        case .sagas: return .sagas
        }
    }

    /// Kinds a user waits for after a key (served by the fast worker); the rest (blame, density,
    /// lag, snapshots) can take long and run on a second worker so they never delay a frame.
    public var isInteractive: Bool {
        switch kind {
        case .locate, .focus, .events, .detail, .refresh, .debug, .diff: return true
        default: return false
        }
    }

    /// The streams list has a worker of its own: with millions of streams a query takes tens
    /// of milliseconds, which must delay neither a scrub nor be delayed by a blame.
    public var isCatalog: Bool { kind == .streams }

    /// Searches have a worker of their own (they read the whole log).
    public var isSearch: Bool { kind == .find }

    /// Kinds in the order a worker serves them: what the user is looking at first.
    public enum Kind: Int, Sendable, CaseIterable, Comparable {
        case locate, debug, focus, events, detail, diff, trace, sagas, streams, refresh, instant, blame, createSnapshots, lag, density, snapshots, find
        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }
}

/// How the streams pane wants its list.
public struct StreamQuery: Sendable, Equatable {
    public enum Sort: String, Sendable, CaseIterable {
        case name, count, recent
        public var next: Sort {
            let all = Sort.allCases
            return all[((all.firstIndex(of: self) ?? 0) + 1) % all.count]
        }
    }
    public var filter: String
    public var sort: Sort
    public var collapsed: Set<String>
    public init(filter: String = "", sort: Sort = .name, collapsed: Set<String> = []) {
        self.filter = filter
        self.sort = sort
        self.collapsed = collapsed
    }
}

/// A row of the streams pane: a category heading or a stream.
public enum StreamListRow: Sendable, Equatable {
    case category(name: String, streams: Int, events: UInt64, collapsed: Bool)
    case stream(StreamRow)

    public var streamName: String? {
        if case .stream(let s) = self { return s.name }
        return nil
    }
}

/// The streams list as the worker computed it for a query.
///
/// Rows are not copied out of the catalog: the list shares the catalog's array of streams and
/// keeps one 32-bit entry per row (a stream's index, or a category heading), so a query that
/// matches a million streams costs four megabytes and no reference counting per row.
public struct StreamList: Sendable {
    public struct Heading: Sendable, Equatable {
        public var name: String
        public var streams: Int
        public var events: UInt64
        public var collapsed: Bool
    }

    /// The rows, in display order.
    public struct Rows: RandomAccessCollection, Sendable {
        let all: [StreamRow]
        let entries: [Int32]
        let headings: [Heading]
        public var startIndex: Int { 0 }
        public var endIndex: Int { entries.count }
        public subscript(i: Int) -> StreamListRow {
            let e = entries[i]
            if e >= 0 { return .stream(all[Int(e)]) }
            let h = headings[Int(-e - 1)]
            return .category(name: h.name, streams: h.streams, events: h.events, collapsed: h.collapsed)
        }
    }

    public var query: StreamQuery
    public var rows: Rows
    public var totalStreams: Int
    public var matchedStreams: Int

    init(query: StreamQuery, all: [StreamRow], entries: [Int32], headings: [Heading], matchedStreams: Int) {
        self.query = query
        self.rows = Rows(all: all, entries: entries, headings: headings)
        self.totalStreams = all.count
        self.matchedStreams = matchedStreams
    }

    public static let empty = StreamList(query: StreamQuery(), all: [], entries: [], headings: [], matchedStreams: 0)
}
