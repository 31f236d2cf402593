import EventLog
import Foundation
import Testing

/// The active segment's index checkpoint (`index/NNNNNNNNNNNN.part`): written at a clean close,
/// used by readers only when it holds up against the segment, and never trusted blindly — a
/// torn, bit-flipped, stale or foreign checkpoint falls back to scanning the segment, and
/// damage in the bytes it covers is refused when read, with the segment and offset.
@Suite("Fault: active segment checkpoint")
struct FaultActiveCheckpointTests {
    /// A log whose only segment is active: `REWIND_FAULT_EVENTS` events (default 300) in
    /// batches of 1, 2 and 3 events over five streams, closed cleanly by its writer.
    struct ActiveLog {
        let dir = TemporaryDirectory("rewind-checkpoint")
        let log: String
        let events: [RecordedEvent]

        init(events count: Int = FaultSupport.size("REWIND_FAULT_EVENTS", default: 300), label: String = "b") throws {
            log = dir.file("log")
            try EventLog.create(at: log, segmentBytes: 1 << 20)
            let writer = try FaultSupport.reopenWriter(at: log)
            try Self.append(count, to: writer, label: label)
            events = try FaultSupport.readAll(writer)
            writer.close()
        }

        static func append(_ count: Int, to writer: EventLog, label: String, from start: Int = 0) throws {
            var written = 0, i = start
            while written < count {
                let n = min(i % 3 + 1, count - written)
                try writer.append(to: "acct-\(i % 5)", (0..<n).map { Fixtures.event("Booked", FaultSupport.payload("\(label)\(i).\($0)", bytes: 60)) })
                written += n
                i += 1
            }
        }

        var segment: String { FileSurgery.segmentPath(log: log, 1) }
        var checkpoint: String { FileSurgery.realPath(log) + "/" + LogFormat.indexDirectory + "/" + LogFormat.activeIndexFileName(1) }
        func events(of stream: String) -> [RecordedEvent] { events.filter { $0.stream == stream } }
    }

    static func corrupt(_ error: (any Error)?) -> (segment: String, offset: Int, reason: String)? {
        guard let e = error as? EventLogError, case let .corrupt(segment, offset, reason) = e else { return nil }
        return (segment, offset, reason)
    }

    /// Everything a reader serves: the whole log, and every stream forward and backward.
    static func expectServes(_ reader: EventLog, _ l: ActiveLog, _ comment: Comment? = nil) throws {
        #expect(reader.head == UInt64(l.events.count), comment)
        #expect(try FaultSupport.readAll(reader) == l.events, comment)
        for s in 0..<5 {
            #expect(try reader.events(in: "acct-\(s)") == l.events(of: "acct-\(s)"), comment)
            #expect(try reader.events(in: "acct-\(s)", from: .max, direction: .backward) == l.events(of: "acct-\(s)").reversed(), comment)
            #expect(reader.version(of: "acct-\(s)") == UInt64(l.events(of: "acct-\(s)").count), comment)
        }
    }

    @Test func cleanCloseWritesACheckpointThatReadersUse() throws {
        let l = try ActiveLog()
        #expect(FileSurgery.exists(l.checkpoint))
        let reader = try EventLog.openReadOnly(at: l.log)
        defer { reader.close() }
        #expect(reader.recovery.activeCheckpointEvents == l.events.count)
        #expect(reader.recovery.isClean)
        try Self.expectServes(reader, l)
        // A second walk, once the first has checked the segment against the checkpoint.
        #expect(try FaultSupport.readAll(reader) == l.events)
    }

    @Test func readerScansOnlyWhatFollowsTheCheckpointAndFollowsTheWriter() throws {
        let l = try ActiveLog(events: 60)
        let writer = try FaultSupport.reopenWriter(at: l.log)
        defer { writer.close() }
        try ActiveLog.append(30, to: writer, label: "more", from: 1000)
        let all = try FaultSupport.readAll(writer)
        let reader = try EventLog.openReadOnly(at: l.log)
        defer { reader.close() }
        #expect(reader.recovery.activeCheckpointEvents == 60)
        #expect(try FaultSupport.readAll(reader) == all)
        try ActiveLog.append(10, to: writer, label: "late", from: 2000)
        #expect(try reader.refresh())
        #expect(try FaultSupport.readAll(reader) == (try FaultSupport.readAll(writer)))
        for s in 0..<5 {
            #expect(try reader.events(in: "acct-\(s)") == (try writer.events(in: "acct-\(s)")))
        }
    }

    enum CheckpointDamage: String, CaseIterable, Sendable {
        case bitFlip, torn, empty, zeroed, wrongLastBatchCRC, otherLogsCheckpoint, longerThanTheSegment, notAFile
    }

    @Test(arguments: CheckpointDamage.allCases)
    func damagedOrStaleCheckpointFallsBackToAScan(damage: CheckpointDamage) throws {
        let l = try ActiveLog()
        let original = try FileSurgery.bytes(l.checkpoint)
        switch damage {
        case .bitFlip: try FileSurgery.flipBit(l.checkpoint, at: original.count / 2, bit: 3)
        case .torn: try FileSurgery.cut(l.checkpoint, at: original.count - 7)
        case .empty: try FileSurgery.cut(l.checkpoint, at: 0)
        case .zeroed: try FileSurgery.write(l.checkpoint, [UInt8](repeating: 0, count: original.count))
        case .wrongLastBatchCRC:
            // Checksummed again, so only the comparison with the segment's last batch can tell.
            try ForgedFields.editIndex(l.checkpoint) { b in b[44] ^= 0x40 }
        case .otherLogsCheckpoint:
            // Same segment number, base position, streams and batch sizes; other events.
            let other = try ActiveLog(label: "x")
            try FileSurgery.write(l.checkpoint, try FileSurgery.bytes(other.checkpoint))
        case .longerThanTheSegment:
            // A checkpoint from before the segment was cut back (an import rolled back, a copy).
            try ForgedFields.editIndex(l.checkpoint) { b in
                let length = FileSurgery.u64(b, 32)
                ForgedFields.put64(&b, 32, length + 100)
            }
        case .notAFile:
            try FileSurgery.remove(l.checkpoint)
            try FileManager.default.createDirectory(atPath: l.checkpoint, withIntermediateDirectories: false)
        }
        let damaged = try? FileSurgery.bytes(l.checkpoint)
        let reader = try EventLog.openReadOnly(at: l.log)
        #expect(reader.recovery.activeCheckpointEvents == 0, "a \(damage) checkpoint was used")
        try Self.expectServes(reader, l, "\(damage)")
        reader.close()
        #expect((try? FileSurgery.bytes(l.checkpoint)) == damaged, "a reader rewrote the checkpoint")

        // The writer never reads it; its clean close writes a good one again.
        if damage == .notAFile { try FileSurgery.remove(l.checkpoint) }
        let writer = try FaultSupport.reopenWriter(at: l.log)
        #expect(writer.recovery.isClean)
        #expect(try FaultSupport.readAll(writer) == l.events)
        writer.close()
        #expect(try FileSurgery.bytes(l.checkpoint) == original)
    }

    @Test func segmentCutBelowTheCheckpointIsLostAcknowledgedEventsNotServed() throws {
        let l = try ActiveLog()
        let frames = try FileSurgery.frames(segment: l.segment)
        let cut = frames[frames.count / 2].offset
        try FileSurgery.cut(l.segment, at: cut)
        let error = #expect(throws: EventLogError.self) { _ = try EventLog.openReadOnly(at: l.log) }
        #expect(Self.corrupt(error)?.segment == l.segment)
        #expect(Self.corrupt(error)?.reason.contains("LOST ACKNOWLEDGED EVENTS") == true)
    }

    @Test func bitFlipInTheLastCheckpointedBatchIsRefusedOnOpen() throws {
        let l = try ActiveLog()
        let last = try #require(try FileSurgery.frames(segment: l.segment).last)
        try FileSurgery.flipBit(l.segment, at: last.lastDataByte)
        let error = #expect(throws: EventLogError.self) { _ = try EventLog.openReadOnly(at: l.log) }
        #expect(Self.corrupt(error)?.segment == l.segment)
        #expect(Self.corrupt(error)?.offset == last.offset)
    }

    @Test func bitFlipUnderTheCheckpointIsRefusedWhenReadWithItsOffset() throws {
        let l = try ActiveLog()
        let frames = try FileSurgery.frames(segment: l.segment)
        let frame = frames[frames.count / 2]
        try FileSurgery.flipBit(l.segment, at: frame.lastDataByte)
        let reader = try EventLog.openReadOnly(at: l.log)
        defer { reader.close() }
        #expect(reader.recovery.activeCheckpointEvents == l.events.count)
        var shown: UInt64 = 0
        let error = #expect(throws: EventLogError.self) { try reader.readAll { e in shown = e.position; return true } }
        #expect(Self.corrupt(error)?.segment == l.segment)
        #expect(Self.corrupt(error)?.offset == frame.offset)
        #expect(shown < frame.firstPosition, "the reader handed out events past the damage")
        let streamError = #expect(throws: EventLogError.self) { _ = try reader.events(in: frame.stream) }
        #expect(Self.corrupt(streamError)?.offset == frame.offset)
    }

    @Test func swappedBatchesUnderTheCheckpointAreRefusedWhenRead() throws {
        let l = try ActiveLog()
        let frames = try FileSurgery.frames(segment: l.segment)
        let i = try #require(frames.indices.dropFirst(frames.count / 2).first { frames[$0].stream != frames[$0 + 1].stream })
        try ForgedFields.swapBatches(l.segment, frames[i], frames[i + 1])
        let reader = try EventLog.openReadOnly(at: l.log)
        defer { reader.close() }
        #expect(reader.recovery.activeCheckpointEvents == l.events.count)
        var shown: UInt64 = 0
        let error = #expect(throws: EventLogError.self) { try reader.readAll { e in shown = e.position; return true } }
        #expect(Self.corrupt(error)?.segment == l.segment)
        #expect(Self.corrupt(error)?.offset == frames[i].offset)
        #expect(shown < frames[i].firstPosition)
    }

    @Test func sealingTheSegmentRemovesItsCheckpoint() throws {
        let dir = TemporaryDirectory("rewind-checkpoint-seal")
        let log = try Fixtures.makeLog(in: dir, segmentBytes: 4096)
        let writer = try FaultSupport.reopenWriter(at: log)
        try writer.append(to: "a", [Fixtures.event("Booked", FaultSupport.payload("first", bytes: 60))])
        writer.close()
        let part = FileSurgery.realPath(log) + "/" + LogFormat.indexDirectory + "/" + LogFormat.activeIndexFileName(1)
        #expect(FileSurgery.exists(part))
        let again = try FaultSupport.reopenWriter(at: log)
        while again.segmentCount < 2 {
            try again.append(to: "a", [Fixtures.event("Booked", FaultSupport.payload("more", bytes: 200))])
        }
        #expect(!FileSurgery.exists(part), "the sealed segment's checkpoint outlived it")
        let events = try FaultSupport.readAll(again)
        again.close()
        let reader = try EventLog.openReadOnly(at: log)
        defer { reader.close() }
        #expect(try FaultSupport.readAll(reader) == events)
    }
}
