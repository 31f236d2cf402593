import Replay
import TerminalUI

/// Everything that can change the dashboard's state. Keys, mouse, resizes and ticks come from
/// the terminal and the clock; the rest are answers from the log worker.
public enum Message: Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(Size)
    /// The clock: drives playback, refreshes and the relative ages shown.
    case tick(micros: Int64)
    /// The log grew (or was first read): its head and how many streams it has; for a database,
    /// why events past the head are held back (a gap in positions that may still fill), if they are.
    case logChanged(head: UInt64, streams: Int, heldBack: String? = nil)
    case streamsLoaded(StreamList)
    case eventsLoaded(stream: String, from: UInt64, rows: [EventRow], lastVersion: UInt64)
    case stateLoaded(StateView, eventMicros: Int64?)
    case blameLoaded(BlameView)
    case densityLoaded(Density)
    case lagLoaded([ConsumerRow])
    case snapshotsLoaded(stream: String, rows: [SnapshotRow])
    case detailLoaded(EventDetail)
    case located(stream: String, version: UInt64)
    case debugLoaded(DebugStepView)
    case instantLoaded(InstantView)
    case diffLoaded(DiffView)
    case traceLoaded(TraceLanes)
    /// A `:find` search's progress (matches so far, how far it got).
    case findUpdated(FindUpdate)
    /// Every saga of the configuration folded over the log (empty: none configured).
    case sagasLoaded([SagaReport])
    case notice(String)
    case failed(Request.Kind, String)
}

/// What `update` asks the runtime to do.
public enum Effect: Sendable, Equatable {
    case request(Request)
    case quit
}
