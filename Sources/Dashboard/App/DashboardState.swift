import Replay
import TerminalUI
import JSON

/// Everything the dashboard shows, and nothing else: the view is a function of this, and only
/// `Dashboard.update` changes it.
public struct DashboardState: Sendable {
    /// What has the keyboard besides the panes.
    public enum Mode: Sendable, Equatable {
        case normal
        case filter(String)
        case command(String)
        case help(scroll: Int)
        case detail(scroll: Int, upcasted: Bool, hex: Bool)
        case snapshotDetail(scroll: Int)
        case faultDetail
        /// The projection debugger (`debugger` holds it).
        case debugger
        /// The diff from the mark to the cursor (`diff` holds it).
        case diff(scroll: Int)
        /// The trace lanes (`t`): the selected row, and the first lane shown.
        case trace(row: Int, firstLane: Int)
        /// The sagas overlay (`S`): the selected row and the status filter (nil: all).
        case sagas(row: Int, filter: SagaStatus?)
    }

    /// Playback of the timeline: events per second, or the events' own intervals sped up.
    public struct Playback: Sendable, Equatable {
        public static let speeds: [Double] = [1, 2, 4, 8, 16, 32, 64, 128]
        public var speedIndex = 0
        public var originalIntervals = false
        public var speed: Double { Playback.speeds[speedIndex] }
        public var label: String {
            let x = speed == speed.rounded() ? String(Int(speed)) : String(speed)
            return originalIntervals ? "\(x)x real time" : "\(x)x (\(x) ev/s)"
        }
        /// Longest pause between two events when playing at their original intervals.
        public static let maxGapSeconds = 3.0
    }

    public struct EventPage: Sendable, Equatable {
        public var stream: String
        public var from: UInt64
        public var rows: [EventRow]
        public func row(_ version: UInt64) -> EventRow? {
            guard version >= from, version < from + UInt64(rows.count) else { return nil }
            return rows[Int(version - from)]
        }
        public var through: UInt64 { from + UInt64(rows.count) - 1 }
    }

    public struct Notice: Sendable, Equatable {
        public var text: String
        public var isError: Bool
        public var untilMicros: Int64
    }

    public var logPath: String
    public var writable: Bool
    public var size: Size
    public var layout: Layout
    public var focus: Pane = .streams
    public var mode: Mode = .normal
    public var nowMicros: Int64 = 0
    public var quitting = false

    // The log
    public var head: UInt64 = 0
    public var streamCount = 0
    /// A database's events held back behind a gap in positions that may still fill (the
    /// store's notice): shown in the status bar while it lasts, so nothing is hidden silently.
    public var heldBack: String?

    // Streams
    public var streamQuery = StreamQuery()
    public var streamList = StreamList.empty
    public var streamCursor = 0
    public var streamTop = 0
    public var selectedStream: String?
    /// What to do with the streams cursor once the list for the current query arrives (the
    /// list is filtered on a worker, so the answer can come after the key that asked for it).
    public var pendingStreamFocus: StreamFocus?

    /// Where the streams cursor goes when a filter is applied or cleared.
    public enum StreamFocus: Sendable, Equatable {
        /// Select the first stream the filter shows (`/` then Enter).
        case firstMatch
        /// Put the cursor back on the selected stream (the filter was cleared).
        case selected
    }

    // Events and the timeline
    public var lastVersion: UInt64 = 0
    public var cursor: UInt64 = 0
    public var eventsTop: UInt64 = 1
    public var page: EventPage?
    public var follow = true
    public var playing: Playback?
    public var playback = Playback()
    public var playCredit = 0.0
    public var bookmarks: [String: Set<UInt64>] = [:]
    public var skips: [String: Set<UInt64>] = [:]
    public var density: Density?
    public var dragging = false
    /// The drag started on the density row (time axis) rather than the slider (versions).
    public var dragOnDensity = false

    // State
    public var stateView: StateView? { didSet { rebuildTree() } }
    public var eventMicros: Int64?
    public var blame: BlameView?
    public var collapsed: Set<JSONPath> = [] { didSet { rebuildTree() } }
    public var stateCursor = 0
    public var stateTop = 0

    // Projections and snapshots
    public var consumers: [ConsumerRow] = []
    public var consumerCursor = 0
    public var snapshotsStream: String?
    public var snapshots: [SnapshotRow] = []
    public var snapshotCursor = 0

    public var detail: EventDetail?
    /// The trace shown by `.trace` mode (nil while the worker builds it).
    public var trace: TraceLanes?
    /// The last `:find` search (its overlay, its matches for n/N).
    public var find: FindResults?
    /// The saga reports shown by `.sagas` mode (nil while the worker folds them).
    public var sagas: [SagaReport]?
    public var notice: Notice?

    // The projection debugger, the dashboard at an instant, mark and diff
    public var debugger: DebuggerState?
    /// Set while the dashboard shows a past instant (`:at`); nil: live.
    public var instant: InstantState?
    /// Point A of a diff (`m`).
    public var mark: DiffPoint?
    /// The diff `D` asked for (nil while it is computed).
    public var diff: DiffView?

    /// The dashboard at an instant: what was asked, and the answer once it came.
    public struct InstantState: Sendable, Equatable {
        /// As typed after `:at` (shown until the answer comes).
        public var asked: String
        public var view: InstantView?
        public init(asked: String, view: InstantView? = nil) {
            self.asked = asked
            self.view = view
        }
        /// The instant's global position, once known.
        public var position: UInt64? { view?.position }
    }

    // When periodic requests were last sent (microseconds).
    var lastRefresh: Int64 = 0
    var lastLag: Int64 = 0
    var lastDensity: Int64 = 0
    var lastSnapshots: Int64 = 0
    var lastTick: Int64 = 0
    /// When the open sagas overlay last asked for a fold, and the head it asked at: a live log
    /// refolds it while it is open (at most once a second), so counts grow as you watch.
    var lastSagas: Int64 = 0
    var sagasHead: UInt64 = 0

    public init(logPath: String, writable: Bool = false, size: Size, nowMicros: Int64 = 0) {
        self.logPath = logPath
        self.writable = writable
        self.size = size
        self.layout = Layout(size: size)
        self.nowMicros = nowMicros
    }

    /// The skipped versions of the selected stream (what-if), sorted.
    public var currentSkips: [UInt64] {
        guard let s = selectedStream else { return [] }
        return (skips[s] ?? []).sorted()
    }

    public var currentBookmarks: Set<UInt64> {
        guard let s = selectedStream else { return [] }
        return bookmarks[s] ?? []
    }

    /// The state pane's rows for the state shown: laid out once per new state or fold, not
    /// per frame (a state with thousands of fields would otherwise be walked on every key).
    public private(set) var treeRows: [TreeRow] = []

    private mutating func rebuildTree() {
        guard let v = stateView, v.error == nil else { treeRows = []; return }
        treeRows = StateTree.rows(of: v.state, collapsed: collapsed)
    }

    /// True while the state shown is not the one under the cursor (a replay is on its way).
    public var stateIsStale: Bool {
        guard let v = stateView, let s = selectedStream else { return selectedStream != nil }
        return v.stream != s || v.version != cursor || v.skipped != currentSkips.filter { $0 <= cursor }
    }
}
