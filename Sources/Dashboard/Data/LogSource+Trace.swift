import EventLog
import Replay

extension LogSource {
    /// The trace of a stream's event as lanes. The trace index is opened on first use (which
    /// may build its files: a log's first trace can take seconds) and caught up after.
    func trace(_ stream: String, version: UInt64) throws -> Message {
        if !log.isWritable { _ = try log.refresh() }
        guard let event = try log.event(in: stream, version: version) else {
            throw EventLogError.invalidArgument("\(stream) has no version \(version)")
        }
        let index: TraceIndex
        if let open = traceIndex {
            try open.update()
            index = open
        } else {
            index = try TraceIndex(log: log)
            traceIndex = index
        }
        guard let trace = try index.trace(of: event.position, limit: TraceLanes.limit) else {
            throw EventLogError.invalidArgument("no event at position \(event.position)")
        }
        var lanes = try TraceLanes.make(trace, log: log)
        lanes.notes = index.takeNotes()
        return .traceLoaded(lanes)
    }
}
