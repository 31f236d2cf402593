import EventLog
import Foundation
import Platform
import Replay
import Testing

/// A projection's file is replaced atomically, so a save that fails (full disk, I/O error on
/// the write, the fsync or the rename) leaves the previous file exactly as it was, no temp file
/// beside it, and an error that says what failed; the next run resumes from the old checkpoint
/// and ends where a clean rebuild does.
@Suite("Fault: projection writes")
struct ProjectionWriteFaultTests {
    typealias F = ProjectionFixtures

    typealias Fault = FaultInjection.Fault

    static let faults = [
        Fault(call: .write, errno: Errno.noSpace),
        Fault(call: .write, errno: Errno.io),
        Fault(call: .fsync, errno: Errno.io),
        Fault(call: .rename, errno: Errno.noSpace),
    ]

    /// Files in the projections directory that are left over from a save (temp files).
    static func leftovers(_ store: ProjectionStore) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: store.directory).filter { $0.contains(".tmp") }
    }

    @Test(arguments: faults)
    func projectionsSurviveAFailedCheckpointWrite(fault: Fault) throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 600, seed: 3)
        let log = try F.makeLog(scratch, Array(events[..<200]))
        defer { log.close() }
        try F.run(log, [F.balances])
        let store = ProjectionStore(logPath: log.path)
        let path = store.path(of: "balances")
        let before = try FileSystem.readFile(path)
        #expect(try F.saved(log, "balances").checkpoint == 200)
        try F.append(log, Array(events[200...]))

        // Every save of this projection fails (the one due mid-run and the one on the way out).
        let token = FaultInjection.arm(fault.call, errno: fault.errno, times: .max, pathContains: path)
        var failure: (any Error)?
        do { try F.run(log, [F.balances]) } catch { failure = error }
        let fired = FaultInjection.fired(token)
        FaultInjection.disarm(token)
        #expect(fired >= 1)
        let message = failure.map { "\($0)" } ?? "no error"
        #expect(message.contains(Syscall.strerror(fault.errno)), "\(message)")
        #expect(message.contains("balances.json"), "\(message)")
        #expect(try FileSystem.readFile(path) == before, "the saved file changed")
        #expect(try Self.leftovers(store) == [])

        try F.run(log, [F.balances])
        let resumed = try F.saved(log, "balances")
        #expect(resumed.checkpoint == 600)
        #expect(resumed.stateValue == F.expectedBalances(events))
        try F.run(log, [F.balances], options: .init(rebuild: ["balances"]))
        let rebuilt = try F.saved(log, "balances")
        #expect(rebuilt.stateValue == resumed.stateValue)
        #expect(rebuilt.applied == resumed.applied)
    }

    /// A temp file that a crash left mid-save is removed by the next run, and never read.
    @Test func aTempFileLeftByACrashedSaveIsCleanedOnTheNextRun() throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 120, seed: 4)
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        try F.run(log, [F.balances])
        let store = ProjectionStore(logPath: log.path)
        let stray = store.path(of: "balances") + ".tmp-99999"
        try Data("{\"format\":1,\"na".utf8).write(to: URL(fileURLWithPath: stray))
        try F.run(log, [F.balances])
        #expect(try Self.leftovers(store) == [])
        #expect(try F.saved(log, "balances").stateValue == F.expectedBalances(events))
    }
}
