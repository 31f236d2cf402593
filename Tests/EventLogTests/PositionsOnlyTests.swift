import EventLog
import Foundation
import Testing

/// A handle opened with `positionsOnly` (what `rewind trace` uses): every event by position,
/// exactly as a full handle reads it, without the stream index; and batches that are not where
/// the index says, or hold other positions, refused the same way.
@Suite("positions-only handle")
struct PositionsOnlyTests {
    typealias SealedLog = FaultCorruptionTests.SealedLog

    @Test func everyEventByPositionIsTheFullHandlesAndNoStreamIsKnown() throws {
        let l = try SealedLog()
        let full = try EventLog.openReadOnly(at: l.log)
        defer { full.close() }
        let lean = try EventLog.openReadOnly(at: l.log, positionsOnly: true)
        defer { lean.close() }
        #expect(full.segmentCount > 3, "the test needs sealed segments")
        #expect(lean.knowsStreams == false && full.knowsStreams)
        #expect(lean.head == full.head)
        #expect(lean.segmentSummaries() == full.segmentSummaries())
        #expect(try FaultSupport.readAll(lean) == l.events)
        for p in [UInt64(1), 2, 77, full.head / 2, full.head] {
            #expect(try lean.event(at: p) == l.events[Int(p) - 1], "position \(p)")
        }
        #expect(try lean.event(at: full.head + 1) == nil)
        #expect(try FaultSupport.readAll(lean, from: 150) == Array(l.events[149...]))
        #expect(lean.streams().isEmpty && lean.streamCount == 0 && lean.streamInfo("acct-1") == nil)
        #expect(try lean.events(in: "acct-1").isEmpty)
    }

    @Test func theActiveSegmentsCheckpointAndTheBatchesAfterItAreRead() throws {
        let l = try FaultActiveCheckpointTests.ActiveLog()
        // Batches after the checkpoint, from a writer still open.
        let writer = try FaultSupport.reopenWriter(at: l.log)
        defer { writer.close() }
        try FaultActiveCheckpointTests.ActiveLog.append(7, to: writer, label: "late", from: 500)
        let events = try FaultSupport.readAll(writer)
        let lean = try EventLog.openReadOnly(at: l.log, positionsOnly: true)
        defer { lean.close() }
        #expect(lean.recovery.activeCheckpointEvents == l.events.count)
        #expect(lean.head == UInt64(events.count))
        #expect(try FaultSupport.readAll(lean) == events)
        #expect(try lean.event(at: UInt64(events.count)) == events.last)
    }

    @Test func aDamagedIndexIsScannedAroundAndEveryEventStillRead() throws {
        let l = try SealedLog()
        try ForgedFields.editIndex(l.index(2)) { ForgedFields.put32(&$0, 40, .max) }
        try FileSurgery.remove(l.index(3))
        let lean = try EventLog.openReadOnly(at: l.log, positionsOnly: true)
        defer { lean.close() }
        #expect(try FaultSupport.readAll(lean) == l.events)
        let again = try EventLog.openReadOnly(at: l.log, positionsOnly: true)
        defer { again.close() }
        for p in [UInt64(1), 60, 120, UInt64(l.events.count)] { #expect(try again.event(at: p) == l.events[Int(p) - 1]) }
    }

    @Test func aSealedSegmentShortOfTheNextSegmentsBaseIsDamageWithWhereAndWhat() throws {
        let l = try SealedLog()
        // Segment 2 without its index and cut before its last batch: its events no longer reach
        // the position segment 3 starts at.
        let frames = try FileSurgery.frames(segment: l.segment(2))
        let last = try #require(frames.last)
        try FileSurgery.remove(l.index(2))
        try FileSurgery.cut(l.segment(2), at: last.offset)
        let lean = try EventLog.openReadOnly(at: l.log, positionsOnly: true)
        defer { lean.close() }
        #expect(try lean.event(at: 1) == l.events[0])
        let error = #expect(throws: EventLogError.self) { _ = try lean.event(at: last.firstPosition) }
        let c = try #require(FaultCorruptionTests.corrupt(error), "\(String(describing: error))")
        #expect(c.segment == l.segment(2) && c.reason.contains("the next segment starts at"), "\(c.reason)")
    }

    @Test func swappedBatchesAreRefusedWithWhereAndWhat() throws {
        let l = try SealedLog()
        let frames = try FileSurgery.frames(segment: l.segment(2))
        let (a, b) = (frames[1], frames[2])
        try ForgedFields.swapBatches(l.segment(2), a, b)
        let lean = try EventLog.openReadOnly(at: l.log, positionsOnly: true)
        defer { lean.close() }
        var visited: [UInt64] = []
        let error = #expect(throws: EventLogError.self) { try lean.readAll { visited.append($0.position); return true } }
        let c = try #require(FaultCorruptionTests.corrupt(error), "readAll threw \(String(describing: error))")
        #expect(c.segment == l.segment(2) && c.offset == a.offset && c.reason.contains("expected \(a.firstPosition)"))
        #expect(visited == Array(1..<a.firstPosition))
        let fromError = #expect(throws: EventLogError.self) { _ = try lean.event(at: a.firstPosition) }
        #expect(FaultCorruptionTests.corrupt(fromError)?.offset == a.offset)
        _ = b
    }

    @Test func aPositionChangedWithItsChecksumIsRefused() throws {
        let l = try SealedLog()
        let frame = try FileSurgery.frames(segment: l.segment(2))[2]
        try ForgedFields.batchFirstPosition(l.segment(2), frame, UInt64(l.events.count) + 10)
        let lean = try EventLog.openReadOnly(at: l.log, positionsOnly: true)
        defer { lean.close() }
        let error = #expect(throws: EventLogError.self) { _ = try lean.event(at: frame.firstPosition) }
        #expect(FaultCorruptionTests.corrupt(error)?.offset == frame.offset)
    }
}
