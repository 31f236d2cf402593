import EventLog
import Foundation
@testable import Replay
import Testing
import JSON
import Platform

extension ReplayLayerTests {
    @Suite("Snapshots")
    struct SnapshotTests {
        static let counter = AggregateDefinition(
            name: "counter", streams: "counter-*", initExpression: "{total: 0, n: 0}",
            handlers: ["Added": ".total += $e.data.by | .n += 1"])

        /// A log with `counter-1` (100 events, total = 1 + 2 + … + v) and a config for it.
        static func counterLog(events: Int = 100) throws -> (ReplayTestLog, RewindConfig) {
            let fixture = try ReplayTestLog()
            for i in 1...events { try fixture.append("counter-1", "Added", #"{"by":\#(i)}"#) }
            return (fixture, RewindConfig(aggregates: [counter], snapshots: SnapshotPolicy(everyEvents: 10)))
        }

        static func total(_ v: Int) -> JSONValue { ["total": .integer(Int64(v * (v + 1) / 2)), "n": .integer(Int64(v))] }

        @Test func codecRoundTripsAndDetectsDamage() throws {
            let snapshot = Snapshot(stream: "a/b c", version: 7, position: 42, reducer: "counter", fingerprint: "f1", createdMicros: 1_768_471_200_000_000, state: ["x": [1, "ü"], "y": nil])
            var bytes = SnapshotCodec.encode(snapshot)
            #expect(try SnapshotCodec.decode(bytes).get() == snapshot)
            // A flipped bit in the state fails the checksum.
            let stateStart = (bytes.firstIndex(of: 10) ?? 0) + 3
            bytes[stateStart] ^= 0x01
            guard case .failure(.corrupt(let reason)) = SnapshotCodec.decode(bytes) else { Issue.record("a flipped bit was not caught"); return }
            #expect(reason.contains("checksum"))
            // A cut file and a damaged header are corrupt too.
            let whole = SnapshotCodec.encode(snapshot)
            #expect(SnapshotCodec.decode(Array(whole.dropLast(3))).label == "corrupt")
            #expect(SnapshotCodec.decode(Array(whole.dropFirst(2))).label == "corrupt")
            #expect(SnapshotCodec.decode([]).label == "corrupt")
        }

        @Test func streamNamesBecomeSafeDistinctDirectoryNames() {
            #expect(SnapshotStore.directoryName(for: "account-42") == "account-42")
            #expect(SnapshotStore.directoryName(for: "a/b") == "a%2Fb")
            #expect(SnapshotStore.directoryName(for: "..") == "%2E.")
            #expect(SnapshotStore.directoryName(for: "ü %") == "%C3%BC%20%25")
            #expect(SnapshotStore.directoryName(for: "a%2Fb") != SnapshotStore.directoryName(for: "a/b"))
            let long = String(repeating: "x", count: 1000)
            let longer = long + "y"
            #expect(SnapshotStore.directoryName(for: long).utf8.count < 130)
            #expect(SnapshotStore.directoryName(for: long) != SnapshotStore.directoryName(for: longer))
            #expect(SnapshotStore.fileName(version: 1000) == "v00000000000000001000.snap")
            #expect(SnapshotStore.version(ofFileName: "v00000000000000001000.snap") == 1000)
            #expect(SnapshotStore.version(ofFileName: "v00000000000000001000.snap.tmp-12") == nil)
        }

        @Test func createFollowsThePolicyAndLoadingStartsAtTheNewestSnapshot() throws {
            let (fixture, config) = try Self.counterLog()
            let manager = try SnapshotManager(log: fixture.log, config: config)
            let created = try manager.create(streams: ["counter-1"], policy: config.snapshots)
            #expect(created.first?.created.map(\.version) == [10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
            // Running it again takes nothing new; after the stream grows, only the new ones.
            #expect(try manager.create(streams: ["counter-1"], policy: config.snapshots).first?.created.isEmpty == true)
            for i in 101...125 { try fixture.append("counter-1", "Added", #"{"by":\#(i)}"#) }
            let again = try manager.create(streams: ["counter-1"], policy: config.snapshots)
            #expect(again.first?.created.map(\.version) == [110, 120])
            #expect(again.first?.startedAfter == 100)
            let timeline = try manager.timeline(for: "counter-1", useSnapshots: true, options: .init(snapshotsFirst: true))
            let state = try timeline.state(at: 57)
            #expect(state.state == Self.total(57))
            #expect(state.snapshotVersion == 50)
            #expect(state.replayedEvents == 7)
            #expect(timeline.snapshotIssues.isEmpty)
            // Every snapshot holds what a replay gives.
            #expect(try manager.verify().allSatisfy(\.isOK))
            #expect(manager.list().count == 12)
        }

        @Test func aCorruptOrStaleSnapshotIsReportedAndNeverUsed() throws {
            let (fixture, config) = try Self.counterLog()
            let manager = try SnapshotManager(log: fixture.log, config: config)
            _ = try manager.create(streams: ["counter-1"], policy: config.snapshots)
            let store = manager.store
            // Version 60: a bit flip in the state. Version 50: made by another reducer.
            let sixty = store.directory(for: "counter-1") + "/" + SnapshotStore.fileName(version: 60)
            var bytes = try FileSystem.readFile(sixty)
            bytes[bytes.count - 4] ^= 0x04
            try FileSystem.writeAtomically(bytes, to: sixty)
            guard case .success(var fifty) = store.read(store.directory(for: "counter-1") + "/" + SnapshotStore.fileName(version: 50)) else {
                Issue.record("cannot read the snapshot at 50"); return
            }
            fifty.fingerprint = "0123456789abcdef"
            fifty.state = ["total": 0, "n": 0]
            try store.write(fifty)

            let timeline = try manager.timeline(for: "counter-1", useSnapshots: true, options: .init(snapshotsFirst: true))
            let state = try timeline.state(at: 65)
            #expect(state.state == Self.total(65))
            #expect(state.snapshotVersion == 40)
            #expect(timeline.snapshotIssues.map(\.version) == [60, 50])
            #expect(timeline.snapshotIssues.map(\.problem.label) == ["corrupt", "stale"])

            let checks = try manager.verify()
            #expect(checks.filter { !$0.isOK }.map(\.version) == [50, 60])
            #expect(manager.list().filter { !$0.isOK }.map(\.status) == ["stale", "corrupt"])
            // Rebuilding replaces them.
            _ = try manager.create(streams: ["counter-1"], policy: config.snapshots, rebuild: true)
            #expect(try manager.verify().allSatisfy(\.isOK))
        }

        @Test func driftIsFoundWithItsDiffAndTheSnapshotIsNeverUsedAgain() throws {
            let (fixture, config) = try Self.counterLog()
            let manager = try SnapshotManager(log: fixture.log, config: config)
            _ = try manager.create(streams: ["counter-1"], policy: config.snapshots)
            let store = manager.store
            // A snapshot with a good checksum and the right fingerprint but a wrong state (a
            // non-deterministic handler, or a hand edit): only a replay can tell.
            guard case .success(var thirty) = store.read(store.directory(for: "counter-1") + "/" + SnapshotStore.fileName(version: 30)) else {
                Issue.record("cannot read the snapshot at 30"); return
            }
            thirty.state = ["total": 999, "n": 30, "extra": true]
            try store.write(thirty)

            let checks = try manager.verify(streams: ["counter-1"])
            let drift = try #require(checks.first { $0.version == 30 })
            guard case .drift(let changes)? = drift.problem else { Issue.record("no drift found: \(String(describing: drift.problem))"); return }
            #expect(changes.map(\.path.description) == [".total", ".extra"])
            #expect(changes.first?.oldValue == 465)
            #expect(changes.first?.newValue == 999)
            #expect(checks.filter { !$0.isOK }.count == 1)
            // Marked in its file: loading skips it from now on, and says why.
            let timeline = try manager.timeline(for: "counter-1", useSnapshots: true, options: .init(snapshotsFirst: true))
            let state = try timeline.state(at: 35)
            #expect(state.state == Self.total(35))
            #expect(state.snapshotVersion == 20)
            #expect(timeline.snapshotIssues.map(\.problem.label) == ["drift"])
            #expect(manager.list().first { $0.version == 30 }?.status == "drift")
        }

        @Test func importedSnapshotsAreCheckedAgainstTheEvents() throws {
            let (fixture, config) = try Self.counterLog(events: 40)
            let manager = try SnapshotManager(log: fixture.log, config: config)
            let file = fixture.directory + "/production.jsonl"
            try """
                {"stream":"counter-1","version":10,"state":{"total":55,"n":10}}
                {"stream":"counter-1","version":20,"state":{"n":20,"total":210.0}}

                {"stream":"counter-1","version":30,"state":{"total":464,"n":30}}
                """.write(toFile: file, atomically: true, encoding: .utf8)
            let checks = try manager.importSnapshots(file: file)
            #expect(checks.map(\.version) == [10, 20, 30])
            #expect(checks.map(\.status) == ["ok", "ok", "drift"])
            if case .drift(let changes)? = checks[2].problem {
                #expect(changes.map(\.path.description) == [".total"])
            }
            #expect(checks.allSatisfy { $0.snapshot?.origin == .import })
            // The matching ones are used; the drifting one never is.
            let timeline = try manager.timeline(for: "counter-1", useSnapshots: true, options: .init(snapshotsFirst: true))
            let state = try timeline.state(at: 33)
            #expect(state.snapshotVersion == 20)
            #expect(state.state == Self.total(33))
            #expect(try manager.verify().map(\.status) == ["ok", "ok", "drift"])
        }

        @Test func importRefusesTheWholeFileForABadLine() throws {
            let (fixture, config) = try Self.counterLog(events: 5)
            let manager = try SnapshotManager(log: fixture.log, config: config)
            let file = fixture.directory + "/bad.jsonl"
            try """
                {"stream":"counter-1","version":2,"state":{"total":3,"n":2}}
                {"stream":"counter-1","version":9,"state":{}}
                {"stream":"nope","version":1,"state":{}}
                [1]
                {"stream":"counter-1","state":{}}
                """.write(toFile: file, atomically: true, encoding: .utf8)
            #expect {
                _ = try manager.importSnapshots(file: file)
            } throws: { error in
                guard let e = error as? SnapshotManager.ImportError else { return false }
                return e.errors.count == 4 && e.description.contains("line 2: counter-1 has 5 events") && e.description.contains("line 3: the log has no stream named 'nope'")
                    && e.description.contains("nothing was imported")
            }
            #expect(manager.list().isEmpty)
        }

        @Test func theGenericFoldSnapshotsToo() throws {
            let fixture = try ReplayTestLog()
            for i in 1...30 { try fixture.append("plain-1", "Set", #"{"i":\#(i),"k\#(i % 3)":"v\#(i)"}"#) }
            let manager = try SnapshotManager(log: fixture.log, config: RewindConfig())
            let created = try manager.create(streams: ["plain-1"], policy: SnapshotPolicy(everyEvents: 8))
            #expect(created.first?.created.map(\.version) == [8, 16, 24])
            #expect(created.first?.reducer == "generic fold")
            let timeline = try manager.timeline(for: "plain-1", useSnapshots: true, options: .init(snapshotsFirst: true))
            let state = try timeline.state(at: 27)
            #expect(state.snapshotVersion == 24)
            #expect(state.state == ReferenceFold.fold(Array(try fixture.events("plain-1").prefix(27))))
            #expect(try manager.verify().allSatisfy(\.isOK))
        }

        @Test func aReplayCostPolicyTakesSnapshotsByTime() throws {
            let (fixture, config) = try Self.counterLog(events: 30)
            let manager = try SnapshotManager(log: fixture.log, config: config)
            // Any replay takes longer than a nanosecond: a snapshot after every event.
            let created = try manager.create(streams: ["counter-1"], policy: SnapshotPolicy(everyEvents: nil, maxReplayMillis: 0.000_001))
            #expect(created.first?.created.count == 30)
            // Nothing due: no replay at all.
            let none = try manager.create(streams: ["counter-1"], policy: SnapshotPolicy(everyEvents: 1000))
            #expect(none.first?.created.isEmpty == true)
            #expect(none.first?.replayed == 0)
        }
    }
}

extension Result where Failure == SnapshotProblem {
    /// The problem's label, or "ok".
    var label: String {
        switch self {
        case .success: return "ok"
        case .failure(let problem): return problem.label
        }
    }
}
