import TerminalUI

/// Where each pane goes for a terminal size. Shared by the view (to draw) and by `update` (to
/// page by the visible rows and to know what the mouse hit).
public struct Layout: Sendable, Equatable {
    public static let minimum = Size(width: 60, height: 18)

    public var size: Size
    public var streams: Rect
    public var events: Rect
    public var state: Rect
    public var timeline: Rect
    public var projections: Rect
    public var snapshots: Rect
    public var status: Rect

    public var isTooSmall: Bool { size.width < Layout.minimum.width || size.height < Layout.minimum.height }

    public init(size: Size) {
        self.size = size
        let all = Rect(size: size)
        let (main, status) = all.splitBottom(1)
        self.status = status
        let bottomHeight = max(5, min(12, main.height / 4))
        let (upper, bottom) = main.splitBottom(bottomHeight)
        let (top, timeline) = upper.splitBottom(4)
        self.timeline = timeline
        let columns = top.columns(weights: [24, 42, 34])
        streams = columns[0]
        events = columns[1]
        state = columns[2]
        let lower = bottom.columns(weights: [62, 38])
        projections = lower[0]
        snapshots = lower[1]
    }

    /// Rows of content inside a bordered pane (one header row for tables).
    public static func contentRows(_ rect: Rect, header: Bool) -> Int { max(0, rect.height - 2 - (header ? 1 : 0)) }

    public var eventRows: Int { Layout.contentRows(events, header: true) }
    public var streamRows: Int { Layout.contentRows(streams, header: false) }
    public var stateRows: Int { Layout.contentRows(state, header: true) }
    public var projectionRows: Int { Layout.contentRows(projections, header: true) }
    public var snapshotRows: Int { Layout.contentRows(snapshots, header: true) }

    /// The slider row inside the timeline box (density above it).
    public var sliderTrack: Rect {
        let inner = timeline.inset(by: 1)
        return Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: 1)
    }

    public func pane(atX x: Int, y: Int) -> Pane? {
        if streams.contains(x: x, y: y) { return .streams }
        if events.contains(x: x, y: y) { return .events }
        if state.contains(x: x, y: y) { return .state }
        if timeline.contains(x: x, y: y) { return .timeline }
        if projections.contains(x: x, y: y) { return .projections }
        if snapshots.contains(x: x, y: y) { return .snapshots }
        return nil
    }
}

/// The dashboard's panes, in Tab order.
public enum Pane: Int, Sendable, CaseIterable {
    case streams, events, state, timeline, projections, snapshots

    public var title: String {
        switch self {
        case .streams: return "Streams"
        case .events: return "Events"
        case .state: return "State"
        case .timeline: return "Timeline"
        case .projections: return "Projections"
        case .snapshots: return "Snapshots"
        }
    }
}
