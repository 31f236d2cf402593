@testable import EventLog
import Foundation
import Testing

/// The check table a long walk of an unchecked sealed segment uses instead of asking the index
/// batch by batch (`SegmentCheckTable`): it must agree with `LogIndex.mismatch` on every real
/// batch and on every forged variant of one, and damage that only it sees (past the batches a
/// walk checks the slow way first) must still be refused with the index's message.
@Suite("Sealed segments: the check table")
struct SegmentCheckTableTests {
    typealias SealedLog = FaultCorruptionTests.SealedLog

    /// A log whose first segment is sealed and holds a few hundred batches of 1–3 events over
    /// five streams (more than `EventLog.checkTableAfterBatches`).
    static func bigSealedLog() throws -> SealedLog {
        try SealedLog(events: FaultSupport.size("REWIND_FAULT_EVENTS", default: 300) * 4, segmentBytes: 96 << 10)
    }

    @Test func theTableAgreesWithTheIndexOnEveryBatchAndEveryForgedClaim() throws {
        let l = try Self.bigSealedLog()
        let reader = try EventLog.openReadOnly(at: l.log)
        defer { reader.close() }
        #expect(reader.segmentCount >= 2)
        let index = reader.monitorLocked { $0.index }
        #expect(!index.segments[0].checked && !index.segments[0].runStreams.isEmpty)
        let table = try #require(SegmentCheckTable(index: index, segment: 0))
        let frames = try FileSurgery.frames(segment: l.segment(1))
        #expect(frames.count > EventLog.checkTableAfterBatches)
        let streams = Array(Set(frames.map(\.stream))).sorted()
        var claims = 0
        for f in frames {
            let other = streams.first { $0 != f.stream } ?? f.stream
            let variants: [LogIndex.BatchClaim] = [
                .init(offset: f.offset, stream: f.stream, firstPosition: f.firstPosition, firstVersion: f.firstVersion, count: f.eventCount),
                .init(offset: f.offset, stream: other, firstPosition: f.firstPosition, firstVersion: f.firstVersion, count: f.eventCount),
                .init(offset: f.offset, stream: f.stream, firstPosition: f.firstPosition, firstVersion: f.firstVersion + 1, count: f.eventCount),
                .init(offset: f.offset + 1, stream: f.stream, firstPosition: f.firstPosition, firstVersion: f.firstVersion, count: f.eventCount),
                .init(offset: f.offset, stream: f.stream, firstPosition: f.firstPosition + 1, firstVersion: f.firstVersion, count: f.eventCount),
                .init(offset: f.offset, stream: f.stream, firstPosition: f.firstPosition, firstVersion: f.firstVersion, count: f.eventCount + 1),
                .init(offset: f.offset, stream: f.stream, firstPosition: f.firstPosition, firstVersion: f.firstVersion, count: max(1, f.eventCount - 1)),
            ]
            for (k, c) in variants.enumerated() {
                guard LogFormat.rangeIsValid(first: c.firstPosition, count: c.count) else { continue }
                let slow = index.mismatch(c, inSegment: 0) == nil
                let fast = table.matches(offset: c.offset, stream: c.stream, firstPosition: c.firstPosition, firstVersion: c.firstVersion, count: c.count)
                #expect(fast == slow, "variant \(k) of the batch at \(f.offset): table \(fast), index \(slow)")
                if k == 0 { #expect(fast, "a real batch") }
                claims += 1
            }
        }
        #expect(claims > frames.count * 5)
    }

    @Test func aCleanLogReadsWholeFromTheStartAndFromTheMiddleOfASealedSegment() throws {
        let l = try Self.bigSealedLog()
        // Without its checkpoint the active segment is scanned at open (checked): the walk's
        // table is then segment 1's, not the active segment's (which a checkpoint leaves unchecked).
        try FileSurgery.remove(FileSurgery.realPath(l.log) + "/" + LogFormat.indexDirectory + "/" + LogFormat.activeIndexFileName(UInt32(try FileSurgery.segmentPaths(log: l.log).count)))
        let reader = try EventLog.openReadOnly(at: l.log)
        defer { reader.close() }
        #expect(reader.recovery.activeCheckpointEvents == 0)
        let frames = try FileSurgery.frames(segment: l.segment(1))
        // A walk from inside the segment builds (and keeps) the table without marking it checked…
        let middle = frames[frames.count / 2].firstPosition
        #expect(try FaultSupport.readAll(reader, from: middle) == Array(l.events.dropFirst(Int(middle) - 1)))
        #expect(reader.monitorLocked { $0.checkTable?.number } == 1)
        // …and the whole walk after it reuses it, then marks the segment checked and drops it.
        #expect(try FaultSupport.readAll(reader) == l.events)
        #expect(reader.monitorLocked { $0.index.segments[0].checked && $0.checkTable == nil && $0.index.segments[0].runStreams.isEmpty })
    }

    @Test func aForgedVersionPastTheSlowChecksIsRefusedWithTheIndexMessage() throws {
        let l = try Self.bigSealedLog()
        let frames = try FileSurgery.frames(segment: l.segment(1))
        let frame = frames[EventLog.checkTableAfterBatches + 20]
        try ForgedFields.batchFirstVersion(l.segment(1), frame, frame.firstVersion + 1)
        let reader = try EventLog.openReadOnly(at: l.log)
        defer { reader.close() }
        var visited: [UInt64] = []
        let error = #expect(throws: EventLogError.self) { try reader.readAll { visited.append($0.position); return true } }
        let c = try #require(FaultCorruptionTests.corrupt(error), "readAll threw \(String(describing: error))")
        #expect(c.segment == l.segment(1) && c.offset == frame.offset)
        #expect(c.reason.contains("as versions \(frame.firstVersion + 1)"))
        #expect(visited == Array(1..<frame.firstPosition))
    }

    @Test func aBatchRenamedToAnotherStreamPastTheSlowChecksIsRefused() throws {
        let l = try Self.bigSealedLog()
        let frames = try FileSurgery.frames(segment: l.segment(1))
        let frame = frames[EventLog.checkTableAfterBatches + 30]
        // "acct-N" → "acct-M": same length, positions and versions untouched, CRC recomputed.
        let name = Array(frame.stream.utf8)
        var renamed = name
        renamed[renamed.count - 1] = name.last == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        try ForgedFields.editBatch(l.segment(1), frame) { bytes in
            let at = 4 + LogFormat.batchBodyHeaderSize
            for (i, b) in renamed.enumerated() { bytes[at + i] = b }
        }
        let reader = try EventLog.openReadOnly(at: l.log)
        defer { reader.close() }
        let error = #expect(throws: EventLogError.self) { try reader.readAll { _ in true } }
        let c = try #require(FaultCorruptionTests.corrupt(error), "readAll threw \(String(describing: error))")
        #expect(c.segment == l.segment(1) && c.offset == frame.offset)
        #expect(c.reason.contains("of stream '\(String(decoding: renamed, as: UTF8.self))'"))
    }
}

extension EventLog {
    /// Runs `body` with the log's lock held (tests look at the index and the cached table).
    func monitorLocked<R>(_ body: (EventLog) -> R) -> R {
        monitor.lock()
        defer { monitor.unlock() }
        return body(self)
    }
}
