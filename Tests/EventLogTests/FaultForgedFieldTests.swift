import EventLog
import Foundation
import Testing

/// Damage whose checksums pass (`ForgedFields` recomputes them): absurd counts and lengths in an
/// index file, impossible positions and versions in headers and batches, sealed batches that
/// disagree with their index. Each is reported as damage (segment, offset, what was expected)
/// or, for a derived index, rebuilt from the segment: never a trap, an abort or a wrong history.
@Suite("Fault: forged fields")
struct FaultForgedFieldTests {
    typealias SealedLog = FaultCorruptionTests.SealedLog

    static func corrupt(_ error: (any Error)?) -> (segment: String, offset: Int, reason: String)? {
        FaultCorruptionTests.corrupt(error)
    }

    /// A frame of segment `n` holding at least `events` events.
    static func frame(_ l: SealedLog, segment n: UInt32, events: Int = 2) throws -> FileSurgery.Frame {
        try #require(try FileSurgery.frames(segment: l.segment(n)).first { $0.eventCount >= events })
    }

    /// The index is derived data: a forged one is rebuilt from the segment by readers (in memory)
    /// and by the writer (on disk), and the whole history reads back as written.
    func expectRebuilt(_ l: SealedLog, segment n: UInt32) throws {
        let reader = try EventLog.openReadOnly(at: l.log)
        #expect(reader.recovery.rebuiltIndexes == [n])
        #expect(try FaultSupport.readAll(reader) == l.events)
        #expect(reader.streams().map(\.count).reduce(0, +) == UInt64(l.events.count))
        reader.close()
        let report = try LogVerifier.verify(at: l.log)
        #expect(report.isHealthy)
        #expect(report.problems.contains { $0.severity == .warning && $0.segment == l.segment(n) })
        let writer = try FaultSupport.reopenWriter(at: l.log)
        defer { writer.close() }
        #expect(writer.recovery.rebuiltIndexes == [n])
        try writer.append(to: "acct-0", [Fixtures.event()])
        #expect(try FaultSupport.readAll(writer).dropLast() == ArraySlice(l.events))
    }

    // MARK: - Index files

    @Test func absurdIndexCountIsDamageNotAnAbort() throws {
        let l = try SealedLog()
        // streamCount = 2^32 − 1: reserving that many stream runs was a 172 GB allocation.
        try ForgedFields.editIndex(l.index(2)) { ForgedFields.put32(&$0, 40, .max) }
        try expectRebuilt(l, segment: 2)
    }

    @Test func absurdIndexEventCountIsDamageNotAnAbort() throws {
        let l = try SealedLog()
        try ForgedFields.editIndex(l.index(2)) { ForgedFields.put64(&$0, 24, .max / 3) }
        try expectRebuilt(l, segment: 2)
    }

    @Test func indexLengthPastFileIsDamage() throws {
        let l = try SealedLog()
        // A segment length above Int.max was an integer conversion trap.
        try ForgedFields.editIndex(l.index(2)) { ForgedFields.put64(&$0, 32, .max) }
        try expectRebuilt(l, segment: 2)
    }

    @Test func indexBatchOffsetOutsideTheSegmentIsDamage() throws {
        let l = try SealedLog()
        try ForgedFields.editIndex(l.index(2)) { ForgedFields.put32(&$0, 48 + 4, .max) }
        try expectRebuilt(l, segment: 2)
    }

    // MARK: - Segment headers

    @Test func basePositionZeroIsDamage() throws {
        let l = try SealedLog()
        let last = UInt32(try FileSurgery.segmentPaths(log: l.log).count)
        // The last segment: base 0, then bytes that are no batch (the verifier computed
        // "position before this segment" as base − 1 here, and trapped).
        try ForgedFields.segmentBasePosition(l.segment(last), 0)
        try FileSurgery.cut(l.segment(last), at: LogFormat.segmentHeaderSize)
        try FileSurgery.append(l.segment(last), [UInt8](repeating: 0xFF, count: 10))
        let report = try LogVerifier.verify(at: l.log)
        #expect(!report.isHealthy)
        #expect(report.problems.contains { $0.severity == .error && $0.segment == l.segment(last) && $0.offset == 16 && $0.message.contains("base position 0") })
        for open: () throws -> EventLog in [{ try EventLog.openReadOnly(at: l.log) }, { try FaultSupport.reopenWriter(at: l.log) }] {
            let error = #expect(throws: EventLogError.self) { _ = try open() }
            let c = try #require(Self.corrupt(error), "open threw \(String(describing: error))")
            #expect(c.segment == l.segment(last))
            #expect(c.offset == 16)
        }
    }

    // MARK: - Batches

    @Test func positionNear2To64IsDamageNotATrap() throws {
        let l = try SealedLog()
        let frame = try Self.frame(l, segment: 2)
        try ForgedFields.batchFirstPosition(l.segment(2), frame, .max - 1)
        let reader = try EventLog.openReadOnly(at: l.log)
        defer { reader.close() }
        var visited: [UInt64] = []
        let error = #expect(throws: EventLogError.self) { try reader.readAll { visited.append($0.position); return true } }
        let c = try #require(Self.corrupt(error), "readAll threw \(String(describing: error))")
        #expect(c.segment == l.segment(2))
        #expect(c.offset == frame.offset)
        #expect(c.reason.contains("out of range"))
        #expect(visited == Array(1..<frame.firstPosition))
        #expect(Self.corrupt(#expect(throws: EventLogError.self) { _ = try reader.events(in: frame.stream) })?.offset == frame.offset)
        let report = try LogVerifier.verify(at: l.log)
        #expect(report.problems.contains { $0.severity == .error && $0.segment == l.segment(2) && $0.offset == frame.offset })
    }

    @Test func versionNear2To64IsDamageNotATrap() throws {
        let l = try SealedLog()
        let frame = try Self.frame(l, segment: 2)
        try ForgedFields.batchFirstVersion(l.segment(2), frame, .max - 1)
        let reader = try EventLog.openReadOnly(at: l.log)
        defer { reader.close() }
        let error = #expect(throws: EventLogError.self) { _ = try reader.events(in: frame.stream) }
        let c = try #require(Self.corrupt(error), "readStream threw \(String(describing: error))")
        #expect(c.segment == l.segment(2))
        #expect(c.offset == frame.offset)
        #expect(Self.corrupt(#expect(throws: EventLogError.self) { try reader.readAll { _ in true } })?.offset == frame.offset)
        let report = try LogVerifier.verify(at: l.log)
        #expect(report.problems.contains { $0.severity == .error && $0.segment == l.segment(2) && $0.offset == frame.offset })
    }

    // MARK: - Sealed segments against their index

    @Test func swappedSealedBatchesAreRefusedByRead() throws {
        let l = try SealedLog()
        let frames = try FileSurgery.frames(segment: l.segment(2))
        let (a, b) = (frames[1], frames[2])
        try ForgedFields.swapBatches(l.segment(2), a, b)
        let reader = try EventLog.openReadOnly(at: l.log)
        defer { reader.close() }
        #expect(reader.head == UInt64(l.events.count))
        var visited: [UInt64] = []
        let error = #expect(throws: EventLogError.self) { try reader.readAll { visited.append($0.position); return true } }
        let c = try #require(Self.corrupt(error), "readAll threw \(String(describing: error))")
        #expect(c.segment == l.segment(2))
        #expect(c.offset == a.offset)
        #expect(c.reason.contains("expected \(a.firstPosition)"))
        #expect(visited == Array(1..<a.firstPosition))
        // A stream read finds the other batch where the index promised this one.
        for stream in Set([a.stream, b.stream]) {
            let streamError = #expect(throws: EventLogError.self) { _ = try reader.events(in: stream) }
            #expect(Self.corrupt(streamError)?.segment == l.segment(2))
        }
        // A read that starts inside the damaged segment is checked too.
        let fromError = #expect(throws: EventLogError.self) { _ = try reader.event(at: a.firstPosition) }
        #expect(Self.corrupt(fromError)?.offset == a.offset)
    }

    @Test func changedPositionInSealedSegmentIsRefusedByExport() throws {
        let l = try SealedLog()
        let frame = try FileSurgery.frames(segment: l.segment(2))[2]
        // A position past the head: readAll stopped there as if the log ended, with no error.
        try ForgedFields.batchFirstPosition(l.segment(2), frame, UInt64(l.events.count) + 10)
        let reader = try EventLog.openReadOnly(at: l.log)
        defer { reader.close() }
        var visited: [UInt64] = []
        let error = #expect(throws: EventLogError.self) { try reader.readAll { visited.append($0.position); return true } }
        let c = try #require(Self.corrupt(error), "readAll threw \(String(describing: error))")
        #expect(c.segment == l.segment(2))
        #expect(c.offset == frame.offset)
        #expect(visited == Array(1..<frame.firstPosition))
        #expect(Self.corrupt(#expect(throws: EventLogError.self) { _ = try reader.events(in: frame.stream) })?.offset == frame.offset)
    }

    @Test func bitFlipAfterASealedSegmentWasCheckedIsStillRefused() throws {
        let l = try SealedLog()
        let reader = try EventLog.openReadOnly(at: l.log)
        defer { reader.close() }
        #expect(try FaultSupport.readAll(reader) == l.events)
        // Damage after the first whole read is the CRC's business (checked on every read).
        let frame = try FileSurgery.frames(segment: l.segment(2))[1]
        try FileSurgery.flipBit(l.segment(2), at: frame.lastDataByte)
        #expect(Self.corrupt(#expect(throws: EventLogError.self) { try reader.readAll { _ in true } })?.offset == frame.offset)
    }

    @Test func writerRefusesDamagedSealedSegment() throws {
        let l = try SealedLog()
        let frames = try FileSurgery.frames(segment: l.segment(2))
        try ForgedFields.swapBatches(l.segment(2), frames[0], frames[1])
        let before = try FileSurgery.fileSizes(log: l.log)
        let writer = try FaultSupport.reopenWriter(at: l.log)
        let error = #expect(throws: EventLogError.self) { try writer.append(to: "acct-0", [Fixtures.event()]) }
        let c = try #require(Self.corrupt(error), "append threw \(String(describing: error))")
        #expect(c.segment == l.segment(2))
        #expect(c.offset == frames[0].offset)
        #expect(throws: EventLogError.self) { _ = try writer.beginImport() }
        writer.close()
        #expect(try FileSurgery.fileSizes(log: l.log) == before)
    }

    @Test func writerAppendsAfterItsSealedSegmentsPass() throws {
        let l = try SealedLog()
        let writer = try FaultSupport.reopenWriter(at: l.log)
        defer { writer.close() }
        let r = try writer.append(to: "acct-0", [Fixtures.event()])
        #expect(r.firstPosition == UInt64(l.events.count) + 1)
    }
}
