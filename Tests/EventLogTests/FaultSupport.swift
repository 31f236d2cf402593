import EventLog
import Foundation
import Platform

/// Shared pieces of the fault tests: sizes from the environment, a locked box, threads, and
/// whole-log reads.
enum FaultSupport {
    /// A size from the environment (`REWIND_FAULT_*`), or the CI-sized default.
    static func size(_ name: String, default value: Int) -> Int {
        guard let text = ProcessInfo.processInfo.environment[name], let n = Int(text), n > 0 else { return value }
        return n
    }

    /// Every event of the log in global order, as owned copies.
    static func readAll(_ log: EventLog, from position: UInt64 = 1) throws -> [RecordedEvent] {
        var out: [RecordedEvent] = []
        try log.readAll(from: position) { out.append($0.materialize()); return true }
        return out
    }

    /// Runs `body(i)` on `count` new threads at once and waits for all of them.
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for i in 0..<count {
            group.enter()
            let thread = Thread {
                body(i)
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
    }

    /// Opens a log this process has just closed as its writer again.
    ///
    /// Retries for up to 2 s while the lock is held by this very process: a child process that
    /// another test spawns (the kill -9 suite runs in this process too) holds a copy of every
    /// descriptor between its fork and its exec — the closed LOCK descriptor included, and with
    /// it the flock. A lock that `close()` really failed to release still fails the test.
    static func reopenWriter(at path: String, options: EventLog.WriterOptions = .init()) throws -> EventLog {
        let deadline = nowNanos() + 2_000_000_000
        while true {
            do {
                return try EventLog.openWriter(at: path, options: options)
            } catch EventLogError.locked(_, let holder) where holder.hasPrefix("pid \(getpid())") && nowNanos() < deadline {
                usleep(2000)
            }
        }
    }

    /// The engine's error, or `.writerFailed` describing any other error (the engine throws only its own).
    static func engineError(_ error: any Error) -> EventLogError {
        (error as? EventLogError) ?? .writerFailed(reason: "not an EventLogError: \(error)")
    }

    /// A monotonic clock in nanoseconds.
    static func nowNanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// The events of `count` batches, sized so that a test can tell them apart.
    static func payload(_ label: String, bytes: Int) -> String {
        let head = "{\"label\":\"\(label)\",\"pad\":\""
        return head + String(repeating: "x", count: max(0, bytes - head.count - 2)) + "\"}"
    }
}

/// Lets `count` threads start a round together: each calls `wait()`, the last one releases all.
final class Barrier: Sendable {
    private struct Round {
        var arrived = 0
        var generation = 0
    }

    private let round = Monitor(Round())
    private let count: Int

    init(count: Int) { self.count = count }

    func wait() {
        let mine = round.update { r in
            let generation = r.generation
            r.arrived += 1
            if r.arrived == count {
                r.arrived = 0
                r.generation += 1
            }
            return generation
        }
        _ = round.wait(until: { $0.generation != mine })
    }
}
