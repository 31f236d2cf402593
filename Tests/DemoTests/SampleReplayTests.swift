import Demo
import EventLog
import Foundation
import Replay
import Testing
import Interchange
import Platform

/// Each committed sample, imported into a fresh log, replays: its configuration loads, every
/// stream has a meaningful state, every projection runs to the head without a fault. And the
/// demo's poison event faults exactly the projection meant to fault, and nothing else.
@Suite("Samples replay")
struct SampleReplayTests {
    typealias F = DemoFixtures

    /// The committed file, then (appended to the same log) a poison event and more history.
    /// Everything runs on the test's thread, right after the configuration is parsed there, so
    /// that each jq expression is compiled once (libjq takes ~25 ms a compile).
    @Test(arguments: SampleCatalog.all.map(\.name))
    func committedSampleImportsReplaysAndProjectsAndOnlyThePoisonFaults(_ name: String) throws {
        let sample = try SampleCatalog.named(name)
        let scratch = F.Scratch()
        let path = scratch.path + "/" + name
        try EventLog.create(at: path, segmentBytes: 1 << 20)
        try FileSystem.writeAtomically(try FileSystem.readFile(F.samplePath(name, "rewind.toml")), to: path + "/rewind.toml")
        let log = try EventLog.openWriter(at: path, options: .init(durability: .noSync, command: "demo-tests"))
        defer { log.close() }
        let summary = try JSONLinesImporter().run(file: F.samplePath(name, "events.jsonl"), into: log)
        #expect(summary.events == UInt64(sample.defaultEvents))

        let config = try RewindConfig.load(forLog: path, configPath: nil)
        #expect(config.path == path + "/rewind.toml")
        #expect(config.projections.count >= 4)
        let roles = sample.roles
        #expect(Set([roles.keepsUp, roles.lagging, roles.stalls, roles.faults]).isSubset(of: Set(config.projections.map(\.name))))

        // Every stream has a meaningful state.
        let manager = try SnapshotManager(log: log, config: config)
        for stream in log.streams() {
            #expect(config.aggregate(for: stream.name) != nil, "\(stream.name) has no aggregate")
            let timeline = try manager.timeline(for: stream.name)
            let state = try timeline.state(at: timeline.lastVersion).state
            guard case .object(let members) = state else { Issue.record("\(stream.name): state is \(state.kindName)"); continue }
            #expect(members.count >= 3, "\(stream.name): \(state)")
            #expect(state["status"] != nil, "\(stream.name) has no status")
        }

        // The history goes on with a poison event and 30 more events. Every projection runs to
        // the head, but the one meant to fault, which stops just before the poison: so the
        // committed history faults none.
        var history = sample.history()
        _ = history.take(sample.defaultEvents)
        let poison = history.poison()
        try F.importEvents(poison + history.take(30), into: log, scratch: scratch)
        let poisonPosition = UInt64(sample.defaultEvents + poison.count)
        #expect(poisonPosition > UInt64(sample.defaultEvents))
        let runner = try ProjectionRunner(log: log, config: config)
        try runner.run()
        for p in runner.progress() {
            if p.name == roles.faults {
                #expect(p.status == .faulted)
                #expect(p.fault?.position == poisonPosition)
                #expect(p.checkpoint == poisonPosition - 1 && p.applied > 0)
            } else {
                #expect(p.status == .stopped && p.fault == nil && p.checkpoint == log.head, "\(p.name): \(p.fault.map { "\($0)" } ?? "")")
                #expect(p.applied > 0)
            }
        }
        // The aggregate of the poisoned stream copes.
        let poisoned = try #require(poison.last)
        let timeline = try manager.timeline(for: poisoned.stream)
        let state = try timeline.state(at: timeline.lastVersion).state
        #expect(state.objectValue?.isEmpty == false)
    }
}
