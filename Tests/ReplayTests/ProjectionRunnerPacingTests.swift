import EventLog
import Foundation
import Replay
import Testing
import Platform
import Synchronization

/// `ProjectionRunner.Options.pacer` and `sharedLock`: what the live demo drives its
/// projections with (one runner per speed, one projections lock).
@Suite("Projection runner pacing and shared lock")
struct ProjectionRunnerPacingTests {
    typealias F = ProjectionFixtures

    /// Records what it was asked, and holds events at or past `holdFrom` (seconds each ask).
    final class Recorder: Sendable {
        private let asked = Mutex<[UInt64]>([])
        let holdFrom: UInt64
        let hold: Double

        init(holdFrom: UInt64 = .max, hold: Double = 0) {
            self.holdFrom = holdFrom
            self.hold = hold
        }

        var positions: [UInt64] {
            asked.withLock { $0 }
        }

        func pace(_ position: UInt64) -> Double {
            asked.withLock { $0.append(position) }
            return position >= holdFrom ? hold : 0
        }
    }

    @Test func pacerIsAskedForEveryEventInOrderAndAZeroDelayChangesNothing() throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 120)
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        let recorder = Recorder()
        let progress = try F.run(log, [F.balances], options: .init(pacer: { recorder.pace($0) }))
        #expect(recorder.positions == Array(1...120))
        #expect(progress["balances"]?.checkpoint == 120)
        #expect(try F.saved(log, "balances").stateValue == F.expectedBalances(events))
    }

    @Test func aPacerThatHoldsAnEventStopsTheCheckpointBeforeItAndShowsIt() throws {
        let scratch = F.Scratch()
        let log = try F.makeLog(scratch, F.bankEvents(count: 40))
        defer { log.close() }
        let recorder = Recorder(holdFrom: 25, hold: 30)  // a stall: 30 s per ask
        let runner = try ProjectionRunner(log: log, projections: [F.balances],
                                          options: .init(follow: true, saveEveryMillis: 0, pollInterval: 0.02, pacer: { recorder.pace($0) }))
        try runner.start()
        #expect(F.waitUntil { recorder.positions.last == 25 })
        #expect(F.waitUntil { runner.progress().first?.checkpoint == 24 && (try? F.saved(log, "balances").checkpoint) == 24 })
        // Held before 25: progress is published and the state up to 24 saved before the wait.
        #expect(runner.progress().first?.checkpoint == 24)
        #expect(runner.progress().first?.status == .catchingUp)
        #expect(try F.saved(log, "balances").checkpoint == 24)
        // stop() ends the 30 s wait: well before it would have ended by itself (the bound is
        // loose because a loaded 2-core machine can stall a thread for seconds).
        runner.stop()
        #expect(runner.wait(timeout: 10))
        #expect(runner.wait() == nil)
        #expect(try F.saved(log, "balances").checkpoint == 24)
        #expect(try F.saved(log, "balances").status == .stopped)
    }

    @Test func aShortDelayIsWaitedOutAndTheRunGoesOn() throws {
        let scratch = F.Scratch()
        let log = try F.makeLog(scratch, F.bankEvents(count: 10))
        defer { log.close() }
        let started = Date()
        // Every event waits 20 ms once (asked again after the wait, then goes).
        final class Once: Sendable {
            let waited = Mutex<Set<UInt64>>([])
            func pace(_ p: UInt64) -> Double {
                waited.withLock { $0.insert(p).inserted } ? 0.02 : 0
            }
        }
        let once = Once()
        let progress = try F.run(log, [F.balances], options: .init(pacer: { once.pace($0) }))
        #expect(progress["balances"]?.checkpoint == 10)
        #expect(Date().timeIntervalSince(started) >= 0.2)
    }

    @Test func runnersSharingTheLockRunSideBySideAndOthersAreStillRefused() throws {
        let scratch = F.Scratch()
        let log = try F.makeLog(scratch, F.bankEvents(count: 200))
        defer { log.close() }
        let store = ProjectionStore(logPath: log.path)
        let held = try store.acquireLock(command: "pacing test")
        // Leftovers of a killed save: one of a projection these runners run, one of another.
        try FileSystem.makeDirectory(store.directory)
        try FileSystem.writeAtomically([1], to: store.directory + "/balances.json.tmp-99999")
        try FileSystem.writeAtomically([1], to: store.directory + "/elsewhere.json.tmp-99999")

        let slow = Recorder(holdFrom: 100, hold: 30)
        let a = try ProjectionRunner(log: log, projections: [F.balances], options: .init(follow: true, pollInterval: 0.02, sharedLock: held))
        let b = try ProjectionRunner(log: log, projections: [F.types],
                                     options: .init(follow: true, pollInterval: 0.02, pacer: { slow.pace($0) }, sharedLock: held))
        try a.start()
        try b.start()
        #expect(F.waitUntil { a.progress().first?.status == .caughtUp && b.progress().first?.checkpoint == 99 })
        #expect(a.progress().first?.checkpoint == 200)
        #expect(b.progress().first?.checkpoint == 99)  // its own pace, not a's
        #expect(!FileSystem.exists(store.directory + "/balances.json.tmp-99999"))
        #expect(FileSystem.exists(store.directory + "/elsewhere.json.tmp-99999"))

        // The lock is still the one lock of the log: a runner of its own is refused.
        let other = try ProjectionRunner(log: log, projections: [F.orders])
        #expect(throws: ProjectionStore.LockedError.self) { try other.run() }
        #expect(store.isLocked())

        let monitor = LagMonitor(log: log, projections: [F.balances, F.types], runners: [a, b])
        let lags = try monitor.sample()
        #expect(lags.map(\.position) == [200, 99])
        #expect(lags.map(\.status) == [.ok, .catchingUp])

        a.stop()
        b.stop()
        #expect(a.wait() == nil && b.wait() == nil)
        // The runners did not release the caller's lock.
        #expect(store.isLocked())
        held.release()
        #expect(!store.isLocked())
    }
}
