import EventLog
import Replay
import Platform

/// An external consumer of the log, simulated: a program outside Rewind (a CRM sync, a
/// warehouse export) that reads the log and reports its progress the documented way, by
/// writing `LOG/checkpoints/NAME.json` atomically (see `ExternalCheckpoints`). It processes
/// in batches: each `interval` it reports the head it saw one interval before, so it trails
/// the writer by about a second.
final class SimulatedConsumer: Sendable {
    let name: String
    private let log: EventLog
    private let interval: Double
    private let stop: StopSignal

    init(name: String, log: EventLog, interval: Double, stop: StopSignal) {
        self.name = name
        self.log = log
        self.interval = interval
        self.stop = stop
    }

    func run() {
        var seen: UInt64 = 0
        repeat {
            let head = log.head
            // A failed write (disk full) is tried again next time, as a real consumer would.
            try? ExternalCheckpoints.write(name: name, position: seen, updatedAtMicros: WallClock.nowMicros(), logPath: log.path)
            seen = head
        } while !stop.sleep(interval)
    }
}
