import EventLog
import Foundation
import Platform
@testable import Replay
import Testing

extension ReplayLayerTests {
    /// Snapshot files are written to a temp file and renamed: a write or rename that fails
    /// leaves the snapshots that were there as they were, no temp file behind, and the error
    /// reported; the next `create` takes the missing snapshots and every one matches a replay.
    @Suite("Fault: snapshot writes")
    struct SnapshotWriteFaultTests {
        typealias Fault = FaultInjection.Fault

        static let faults = [
            Fault(call: .write, errno: Errno.noSpace),
            Fault(call: .write, errno: Errno.io),
            Fault(call: .rename, errno: Errno.io),
        ]

        static func leftovers(_ directory: String) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasSuffix(".snap") }
        }

        @Test(arguments: faults)
        func snapshotsSurviveAFailedWrite(fault: Fault) throws {
            let (fixture, config) = try SnapshotTests.counterLog()
            let manager = try SnapshotManager(log: fixture.log, config: config)
            _ = try manager.create(streams: ["counter-1"], policy: config.snapshots)
            let store = manager.store
            let directory = store.directory(for: "counter-1")
            let hundred = directory + "/" + SnapshotStore.fileName(version: 100)
            let before = try FileSystem.readFile(hundred)
            for i in 101...125 { try fixture.append("counter-1", "Added", #"{"by":\#(i)}"#) }

            let token = FaultInjection.arm(fault.call, errno: fault.errno, times: .max, pathContains: directory + "/")
            // Replacing a file (marking it as drifted) fails: the old file is untouched.
            let marking = #expect(throws: IOError.self) { try store.markDrift(hundred) }
            // Taking new snapshots fails at the first one: nothing is half-written.
            let creating = #expect(throws: IOError.self) { try manager.create(streams: ["counter-1"], policy: config.snapshots) }
            let fired = FaultInjection.fired(token)
            FaultInjection.disarm(token)
            #expect(fired >= 2)
            for error in [marking, creating] {
                let text = error.map { "\($0)" } ?? ""
                #expect(text.contains(Syscall.strerror(fault.errno)) && text.contains(directory), "\(text)")
            }
            #expect(try FileSystem.readFile(hundred) == before)
            #expect(try Self.leftovers(directory) == [])
            #expect(store.entries(stream: "counter-1").map(\.version) == Array(stride(from: 10, through: 100, by: 10)))
            #expect(try manager.verify().allSatisfy(\.isOK))

            let again = try manager.create(streams: ["counter-1"], policy: config.snapshots)
            #expect(again.first?.created.map(\.version) == [110, 120])
            #expect(again.first?.startedAfter == 100)
            #expect(try Self.leftovers(directory) == [])
            #expect(try manager.verify().allSatisfy(\.isOK))
            let timeline = try manager.timeline(for: "counter-1", useSnapshots: true, options: .init(snapshotsFirst: true))
            #expect(try timeline.state(at: 125).state == SnapshotTests.total(125))
            #expect(timeline.snapshotIssues.isEmpty)
        }
    }
}
