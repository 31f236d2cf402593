import EventLog
import Foundation
import JSON
import Platform
@testable import Replay
import Testing

/// The derived checkpoint files of `ProjectionTimeline` (`LOG/cache/project-state/NAME/`):
/// used by the next timeline, rebuilt when damaged, stale or foreign, never changing an answer,
/// never written under `LOG/projections/`, and absent (without an error) where the log
/// directory cannot be written.
@Suite("Projection checkpoint files")
struct ProjectionCheckpointFilesTests {
    typealias F = ProjectionFixtures

    static let fileOptions = ProjectionCheckpointFiles.Options(minimumStride: 64)

    static func timeline(_ log: EventLog, _ definition: ProjectionDefinition = F.balances) throws -> (ProjectionTimeline, ProjectionCheckpointFiles) {
        let files = ProjectionCheckpointFiles(logPath: log.path, projection: definition.name, options: fileOptions)
        let timeline = try ProjectionTimeline(log: log, definition: definition, upcasters: [], options: .init(stride: 64), files: files)
        return (timeline, files)
    }

    static func expected(_ events: [(String, String, String)], _ p: UInt64) -> JSONValue {
        F.expectedBalances(Array(events.prefix(Int(p))))
    }

    @Test func theNextTimelineStartsFromTheFilesTheFirstOneWrote() throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 1000, accounts: 8, seed: 12)
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        let (first, files) = try Self.timeline(log)
        #expect(try first.state(at: 1000).state == Self.expected(events, 1000))
        #expect(files.positions == (1...15).map { UInt64($0 * 64) })
        #expect(files.takeNotes().isEmpty)
        // A second timeline (the next process) folds from the file below its position.
        let (second, secondFiles) = try Self.timeline(log)
        #expect(try second.state(at: 900).state == Self.expected(events, 900))
        #expect(second.lastStart == 896)
        #expect(second.lastFolded == 4)
        #expect(secondFiles.takeNotes().isEmpty)
        // Nothing under LOG/projections/.
        #expect(!FileManager.default.fileExists(atPath: scratch.log + "/projections"))
    }

    @Test func damagedFilesAreRebuiltAndNeverChangeAnAnswer() throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 700, accounts: 6, seed: 13)
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        let (first, files) = try Self.timeline(log)
        _ = try first.state(at: 700)
        let dir = files.path
        func file(_ p: UInt64) -> String { dir + "/" + ProjectionCheckpointFile.fileName(p) }
        // 640: one bit flipped in the state; 576: cut short; 512: its state swapped for another
        // file's with a recomputed checksum (position mismatch); 448: replaced by garbage.
        var flipped = try FileSystem.readFile(file(640))
        let stateStart = try #require(flipped.firstIndex(of: UInt8(ascii: "\n"))) + 1
        let target = try #require(flipped[stateStart...].firstIndex(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "8") }))
        flipped[target] ^= 0x01
        try FileSystem.writeAtomically(flipped, to: file(640), durable: false)
        let whole = try FileSystem.readFile(file(576))
        try FileSystem.writeAtomically(Array(whole.prefix(whole.count / 2)), to: file(576), durable: false)
        try FileSystem.writeAtomically(try FileSystem.readFile(file(384)), to: file(512), durable: false)
        try FileSystem.writeAtomically(Array("{\"format\":\"rewind-projection-checkpoint\"}\nnot json\ncrc32c=00000000\n".utf8), to: file(448), durable: false)

        let (second, secondFiles) = try Self.timeline(log)
        #expect(try second.state(at: 650).state == Self.expected(events, 650))
        let notes = secondFiles.takeNotes()
        #expect(notes.count == 4)
        #expect(notes.allSatisfy { $0.contains("is damaged") && $0.contains("it is rebuilt") })
        #expect(notes.contains { $0.contains("00000000000000000640.ckpt") && $0.contains("checksum does not match") })
        #expect(notes.contains { $0.contains("00000000000000000512.ckpt") && $0.contains("says position 384") })
        #expect(second.lastStart == 384)
        // The fold from 384 wrote them again, whole.
        #expect(secondFiles.positions.contains(640) && secondFiles.positions.contains(512))
        let (third, thirdFiles) = try Self.timeline(log)
        #expect(try third.state(at: 641).state == Self.expected(events, 641))
        #expect(third.lastStart == 640)
        #expect(thirdFiles.takeNotes().isEmpty)
    }

    @Test func staleAndForeignFilesAreDroppedAndRebuilt() throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 600, accounts: 6, seed: 14)
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        _ = try Self.timeline(log).0.state(at: 600)

        // Another definition of the same projection: every file is stale.
        var changed = F.balances
        changed.handlers["MoneyDeposited"] = ". + $e.data.amountCents + 0"
        let (other, otherFiles) = try Self.timeline(log, changed)
        #expect(try other.state(at: 500).state == Self.expected(events, 500))
        let notes = otherFiles.takeNotes()
        #expect(notes.count == 1)
        #expect(notes.first?.contains("made by another definition") == true)
        #expect(other.lastStart == 0)  // folded from the start, writing them again on the way
        #expect(otherFiles.positions == (1...7).map { UInt64($0 * 64) })

        // Files copied from another log (other events at the same positions): foreign.
        let elsewhere = F.Scratch()
        let foreignEvents = F.bankEvents(count: 600, accounts: 6, seed: 15)
        let foreign = try F.makeLog(elsewhere, foreignEvents)
        defer { foreign.close() }
        let copyFiles = ProjectionCheckpointFiles(logPath: foreign.path, projection: "balances", options: Self.fileOptions)
        try FileManager.default.createDirectory(atPath: copyFiles.path, withIntermediateDirectories: true)
        for p in otherFiles.positions {
            let name = ProjectionCheckpointFile.fileName(p)
            try FileManager.default.copyItem(atPath: otherFiles.path + "/" + name, toPath: copyFiles.path + "/" + name)
        }
        let timeline = try ProjectionTimeline(log: foreign, definition: changed, upcasters: [], options: .init(stride: 64), files: copyFiles)
        #expect(try timeline.state(at: 599).state == Self.expected(foreignEvents, 599))
        #expect(copyFiles.takeNotes().first?.contains("made against another log") == true)
    }

    @Test func aDirectoryThatCannotBeWrittenMeansNoFilesAndNoError() throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 500, accounts: 6, seed: 16)
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        // A read-only file system: making the cache directory fails.
        try FaultInjection.with(.mkdir, errno: 30 /* EROFS */, times: 1000, pathContains: scratch.path + "/") {
            let (timeline, files) = try Self.timeline(log)
            #expect(try timeline.state(at: 500).state == Self.expected(events, 500))
            #expect(try timeline.state(at: 77).state == Self.expected(events, 77))
            #expect(files.positions.isEmpty)
            #expect(files.takeNotes().isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.log + "/cache/project-state/balances"))
        // A file where the cache directory should be: the same.
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: scratch.log + "/cache"))
        let (timeline, files) = try Self.timeline(log)
        #expect(try timeline.state(at: 499).state == Self.expected(events, 499))
        #expect(files.positions.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: scratch.log + "/projections"))
    }

    @Test func aLinkPlantedAtTheCacheDirectoryIsNeverWrittenThrough() throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 300, accounts: 6, seed: 18)
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        let elsewhere = scratch.path + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.log + "/cache", withDestinationPath: elsewhere)
        let (timeline, files) = try Self.timeline(log)
        #expect(try timeline.state(at: 300).state == Self.expected(events, 300))
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
        #expect(files.takeNotes().isEmpty)
    }

    @Test func temporariesOfAKilledWriterAreRemovedOnceOldAndNeverRead() throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 300, accounts: 6, seed: 20)
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        let dir = scratch.log + "/cache/project-state/balances"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let old = dir + "/00000000000000000128.ckpt.tmp-0123456789abcdef"
        let young = dir + "/00000000000000000192.ckpt.tmp-fedcba9876543210"
        for file in [old, young] { try Data("half a fi".utf8).write(to: URL(fileURLWithPath: file)) }
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: old)
        let (timeline, files) = try Self.timeline(log)
        #expect(try timeline.state(at: 300).state == Self.expected(events, 300))
        #expect(!FileManager.default.fileExists(atPath: old))
        #expect(FileManager.default.fileExists(atPath: young))
        #expect(files.positions == [64, 128, 192, 256])
        #expect(files.takeNotes().isEmpty)
    }

    @Test func theByteBudgetWidensTheFileStride() throws {
        let scratch = F.Scratch()
        let events = F.bankEvents(count: 1500, accounts: 8, seed: 17)
        let log = try F.makeLog(scratch, events)
        defer { log.close() }
        let files = ProjectionCheckpointFiles(logPath: log.path, projection: "balances", options: .init(minimumStride: 64, byteBudget: 2_000))
        let timeline = try ProjectionTimeline(log: log, definition: F.balances, upcasters: [], options: .init(stride: 64), files: files)
        #expect(try timeline.state(at: 1500).state == Self.expected(events, 1500))
        #expect(files.stride > 64)
        #expect(files.totalBytes <= 2_000)
        #expect(files.positions.allSatisfy { $0 % files.stride == 0 })
        let actual = try FileManager.default.contentsOfDirectory(atPath: files.path).filter { $0.hasSuffix(".ckpt") }
        #expect(actual.count == files.positions.count)
    }

    @Test func theFileFormatRoundTripsAndRefusesStrayNames() throws {
        #expect(ProjectionCheckpointFile.fileName(4096) == "00000000000000004096.ckpt")
        #expect(ProjectionCheckpointFile.position(ofFileName: "00000000000000004096.ckpt") == 4096)
        for stray in ["4096.ckpt", "00000000000000004096.ckpt.tmp-0123456789abcdef", "0000000000000000409x.ckpt", "99999999999999999999.ckpt"] {
            #expect(ProjectionCheckpointFile.position(ofFileName: stray) == nil, "\(stray)")
        }
        let file = ProjectionCheckpointFile(
            projection: "balances", fingerprint: "f1", position: 64, applied: 50, partitioned: true,
            firstEvent: EventID(high: 1, low: 2), event: EventID(high: 3, low: 4))
        let bytes = file.encoded(state: Array("{\"a\":1}".utf8))
        let decoded = try ProjectionCheckpointFile.decode(bytes)
        #expect(decoded.file == file)
        #expect(Array(decoded.state) == Array("{\"a\":1}".utf8))
        #expect(decoded.file.checkpoint(state: decoded.state)?.stateJSON() == ["a": 1])
        #expect(throws: ProjectionCheckpointFile.Damage.self) { try ProjectionCheckpointFile.decode(Array(bytes.dropLast(3))) }
        #expect(throws: ProjectionCheckpointFile.Damage.self) { try ProjectionCheckpointFile.decode([]) }
    }
}
