import EventLog
import Foundation
import Platform
@testable import Replay
import Testing

/// The active segment's trace checkpoint (`index/NNNNNNNNNNNN.trp`): written once enough of the
/// segment was scanned, read by the next index instead of scanning those events again, and
/// never trusted past what it can show: damaged is told and scanned around, stale (another
/// log's, or a prefix that no longer matches) is passed over, sealed is removed. Every trace is
/// compared with one computed from the events alone.
@Suite("trace checkpoint")
struct TraceCheckpointTests {
    typealias T = TraceIndexTests

    static func trp(_ scratch: T.Scratch, _ n: UInt32 = 1) -> String {
        scratch.log + "/index/" + LogFormat.traceCheckpointFileName(n)
    }

    /// A log in one large segment: `count` events over 13 correlations, every third caused by
    /// the event before it.
    static func bulkLog(_ scratch: T.Scratch, count: Int) throws -> EventLog {
        try EventLog.create(at: scratch.log, segmentBytes: 64 << 20)
        let log = try EventLog.openWriter(at: scratch.log, options: .init(durability: .noSync, command: "trace-checkpoint-tests"))
        try append(to: log, count: count, from: 0)
        return log
    }

    static func append(to log: EventLog, count: Int, from start: Int) throws {
        var previous = EventID.random()
        var batch: [NewEvent] = []
        for i in start..<(start + count) {
            let id = EventID.random()
            batch.append(T.event(id, correlation: "c-\(i % 13)", causation: i % 3 == 2 ? previous : nil))
            previous = id
        }
        _ = try log.append(to: "bulk-\(start)", batch)
    }

    /// Every correlation's positions, from the events alone (no index).
    static func byCorrelation(_ log: EventLog) throws -> [String: [UInt64]] {
        var out: [String: [UInt64]] = [:]
        try log.readAll { view in
            if let c = TraceKeys(metadata: view.metadata).correlation {
                out[String(decoding: c, as: UTF8.self), default: []].append(view.position)
            }
            return true
        }
        return out
    }

    static func expectExact(_ index: TraceIndex, _ log: EventLog, _ comment: Comment) throws {
        let reference = try byCorrelation(log)
        #expect(reference.count == 13)
        for (correlation, positions) in reference {
            #expect(try index.trace(correlation: correlation).correlated == positions, comment)
        }
        // Causation: every third event's tree is its cause and itself.
        for p in stride(from: UInt64(3), through: min(log.head, 60), by: 3) {
            let trace = try #require(try index.trace(of: p))
            #expect(trace.tree.map(\.position) == [p - 1, p], comment)
        }
    }

    @Test func aLargeScanLeavesACheckpointAndTheNextIndexReadsItInsteadOfScanning() throws {
        let scratch = try T.Scratch()
        let log = try Self.bulkLog(scratch, count: 3_000)
        defer { log.close() }
        let first = try TraceIndex(log: log, checkpointAfter: 1_000)
        #expect(FileSystem.exists(Self.trp(scratch)))
        #expect(first.activeCounts == (3_000, 0), "the memory keys were handed to the file")
        try Self.expectExact(first, log, "first")

        let second = try TraceIndex(log: log, checkpointAfter: 1_000)
        #expect(second.activeCounts == (3_000, 0))
        #expect(second.takeNotes().isEmpty)
        try Self.expectExact(second, log, "from the checkpoint")

        // Growth past the checkpoint is scanned; a new checkpoint once enough is in memory.
        try Self.append(to: log, count: 400, from: 3_000)
        let third = try TraceIndex(log: log, checkpointAfter: 1_000)
        #expect(third.activeCounts == (3_000, 400))
        try Self.expectExact(third, log, "checkpoint and memory")
        try Self.append(to: log, count: 700, from: 3_400)
        try third.update()
        #expect(third.activeCounts == (4_100, 0))
        try Self.expectExact(third, log, "after the second checkpoint")
        #expect(try TraceIndex(log: log, checkpointAfter: 1_000).activeCounts == (4_100, 0))
    }

    @Test func aDamagedPageIsToldAndTheSegmentIndexedFromItsEvents() throws {
        let scratch = try T.Scratch()
        let log = try Self.bulkLog(scratch, count: 3_000)
        defer { log.close() }
        _ = try TraceIndex(log: log, checkpointAfter: 1_000)
        var bytes = try FileSystem.readFile(Self.trp(scratch))
        // An entry in the middle of the file: its page's checksum fails when a lookup reads it.
        bytes[bytes.count / 2] ^= 0x40
        try FileSystem.writeAtomically(bytes, to: Self.trp(scratch), durable: false)

        let index = try TraceIndex(log: log, checkpointAfter: 100_000)
        #expect(index.activeCounts == (3_000, 0), "the directory is sound: the file is used")
        try Self.expectExact(index, log, "after a damaged page")
        let notes = index.takeNotes()
        #expect(notes.count == 1 && notes[0].contains(LogFormat.traceCheckpointFileName(1)) && notes[0].contains("damaged"), "\(notes)")
        #expect(index.activeCounts == (0, 3_000), "scanned, not read from the damaged file")
        #expect(!FileSystem.exists(Self.trp(scratch)), "the damaged file is removed")
    }

    @Test func aDamagedDirectoryIsToldAtOpen() throws {
        let scratch = try T.Scratch()
        let log = try Self.bulkLog(scratch, count: 2_000)
        defer { log.close() }
        _ = try TraceIndex(log: log, checkpointAfter: 1_000)
        var bytes = try FileSystem.readFile(Self.trp(scratch))
        bytes[TraceIndexFile.headerSize + 1] ^= 0x01  // the first page's first hash
        try FileSystem.writeAtomically(bytes, to: Self.trp(scratch), durable: false)

        let index = try TraceIndex(log: log, checkpointAfter: 100_000)
        let notes = index.takeNotes()
        #expect(notes.count == 1 && notes[0].contains("checksum mismatch"), "\(notes)")
        #expect(index.activeCounts == (0, 2_000))
        try Self.expectExact(index, log, "after a damaged directory")
    }

    @Test func aStaleCheckpointIsPassedOverInSilenceAndReplaced() throws {
        // Another log's checkpoint (same segment number and base, other events).
        let other = try T.Scratch()
        let otherLog = try Self.bulkLog(other, count: 2_000)
        _ = try TraceIndex(log: otherLog, checkpointAfter: 1_000)
        otherLog.close()
        let scratch = try T.Scratch()
        let log = try Self.bulkLog(scratch, count: 2_500)
        defer { log.close() }
        try FileSystem.writeAtomically(try FileSystem.readFile(Self.trp(other)), to: Self.trp(scratch), durable: false)

        let index = try TraceIndex(log: log, checkpointAfter: 1_000)
        #expect(index.takeNotes().isEmpty)
        try Self.expectExact(index, log, "with another log's checkpoint")
        #expect(try TraceIndex(log: log, checkpointAfter: 1_000).activeCounts == (2_500, 0), "replaced by this log's")

        // A checkpoint that claims more events than the segment holds is stale too.
        var bytes = try FileSystem.readFile(Self.trp(scratch))
        withUnsafeBytes(of: UInt64(9_999).littleEndian) { for i in 0..<8 { bytes[24 + i] = $0[i] } }
        try FileSystem.writeAtomically(bytes, to: Self.trp(scratch), durable: false)
        let again = try TraceIndex(log: log, checkpointAfter: 100_000)
        #expect(again.takeNotes().isEmpty && again.activeCounts == (0, 2_500))
        try Self.expectExact(again, log, "with a checkpoint claiming too much")
    }

    @Test func theCheckpointOfASegmentSealedIsRemoved() throws {
        let scratch = try T.Scratch()
        try EventLog.create(at: scratch.log, segmentBytes: 256 << 10)
        let log = try EventLog.openWriter(at: scratch.log, options: .init(durability: .noSync, command: "trace-checkpoint-tests"))
        defer { log.close() }
        try Self.append(to: log, count: 600, from: 0)
        let index = try TraceIndex(log: log, checkpointAfter: 500)
        #expect(FileSystem.exists(Self.trp(scratch, 1)))
        var start = 600
        while log.segmentCount == 1 {
            try Self.append(to: log, count: 200, from: start)
            start += 200
        }
        try index.update()
        #expect(index.tableCounts.sealed == 1)
        #expect(!FileSystem.exists(Self.trp(scratch, 1)))
        try Self.expectExact(index, log, "after the seal")
    }
}
