import Foundation
@testable import Platform
import Testing

/// A caught signal sets the flag and runs the action on the catcher's thread, whichever thread
/// the kernel hands it to (here: threads that were started before the catcher and never block
/// anything, which is what a dispatch signal source lost signals to); after `cancel()` the
/// signal has its default action again.
@Suite("signal catcher", .serialized)
struct SignalCatcherTests {
    @Test func aSignalSentToTheProcessSetsTheFlagAndRunsTheAction() throws {
        // Busy threads started first: candidates for the kernel's delivery.
        let stop = Monitor(false)
        let spinners = (0..<3).map { _ in
            Thread {
                while !stop.read({ $0 }) { Sleep.milliseconds(1) }
            }
        }
        for t in spinners { t.start() }
        defer { stop.update { $0 = true } }

        let calls = Monitor(0)
        let catcher = SignalCatcher(signals: [.hangup]) { calls.update { $0 += 1 } }
        defer { catcher.cancel() }
        #expect(!catcher.fired)
        for round in 1...20 {
            try ProcessSignal.hangup.send(to: CurrentProcess.id)
            #expect(calls.wait(until: { $0 >= round }, timeout: 10), "round \(round): the signal was lost")
        }
        #expect(catcher.fired)
    }

    @Test func twoCatchersOfOneSignalBothHearIt() throws {
        let a = SignalCatcher(signals: [.hangup]) {}
        let heard = Monitor(0)
        let b = SignalCatcher(signals: [.hangup, .interrupt]) { heard.update { $0 += 1 } }
        try ProcessSignal.hangup.send(to: CurrentProcess.id)
        #expect(heard.wait(until: { $0 >= 1 }, timeout: 10))
        #expect(a.fired && b.fired)
        a.cancel()
        // Still caught by b: the process lives on (waited for before b lets go of it).
        try ProcessSignal.hangup.send(to: CurrentProcess.id)
        #expect(heard.wait(until: { $0 >= 2 }, timeout: 10))
        b.cancel()
    }
}
