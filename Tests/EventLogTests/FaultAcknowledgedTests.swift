import EventLog
import Foundation
import Testing

/// Acknowledged means known: the commit record in the active segment's header says how much
/// was acknowledged, so damage or zeros below it are reported as lost acknowledged events by
/// readers, `verify` and the next writer — never taken for "not written yet" or a torn tail.
@Suite("Fault: acknowledged events")
struct FaultAcknowledgedTests {
    /// A one-segment log of `count` appends of one event each (each its own group commit).
    struct Fixture {
        let dir = TemporaryDirectory("rewind-acked")
        let log: String
        let segment: String
        let events: [RecordedEvent]
        let frames: [FileSurgery.Frame]
        /// The log as a kill -9 after the last append returned leaves it: the record lags one
        /// group, so it covers every batch but the last.
        let crash: String

        init(count: Int = 8, recordInterval: Duration = .zero) throws {
            log = dir.file("log")
            crash = dir.file("crash")
            try EventLog.create(at: log, segmentBytes: 1 << 20)
            // Interval zero: the record is rewritten by every group, however close together.
            let writer = try FaultSupport.reopenWriter(at: log, options: .init(commitRecordInterval: recordInterval))
            for i in 0..<count {
                try writer.append(to: "account-\(i % 3)", [Fixtures.event("Deposited", FaultSupport.payload("e\(i)", bytes: 120))])
            }
            events = try FaultSupport.readAll(writer)
            try FileSurgery.crashImage(of: log, to: crash)
            writer.close()
            segment = FileSurgery.segmentPath(log: log, 1)
            frames = try FileSurgery.frames(segment: segment)
            try #require(frames.count == count)
            try #require(try FileSurgery.size(segment) == frames[count - 1].end)
        }

        var crashSegment: String { FileSurgery.segmentPath(log: crash, 1) }
    }

    /// The error a writer, a reader or `verify` gives for lost acknowledged events.
    static func isLostAcknowledged(_ error: any Error) -> Bool {
        guard case .corrupt(_, _, let reason) = FaultSupport.engineError(error) else { return false }
        return reason.contains("LOST ACKNOWLEDGED EVENTS")
    }

    /// Every way of looking at the log reports the loss, and nothing is changed.
    static func expectLostEverywhere(_ log: String, segment: String, at offset: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try FileSurgery.bytes(segment)
        #expect(throws: (any Error).self, sourceLocation: sourceLocation) { try EventLog.openWriter(at: log) }
        do { _ = try EventLog.openWriter(at: log) } catch {
            #expect(isLostAcknowledged(error), "writer: \(error)", sourceLocation: sourceLocation)
            if case .corrupt(let path, let at, _) = FaultSupport.engineError(error) {
                #expect(path == segment && at == offset, "writer named \(path) at \(at)", sourceLocation: sourceLocation)
            }
        }
        do { _ = try EventLog.openReadOnly(at: log); Issue.record("a reader opened a log with lost acknowledged events", sourceLocation: sourceLocation) } catch {
            #expect(isLostAcknowledged(error), "reader: \(error)", sourceLocation: sourceLocation)
        }
        let report = try LogVerifier.verify(at: log)
        #expect(!report.isHealthy, sourceLocation: sourceLocation)
        #expect(report.problems.contains { $0.severity == .error && $0.offset == offset && $0.message.contains("LOST ACKNOWLEDGED EVENTS") },
                "verify: \(report.problems)", sourceLocation: sourceLocation)
        #expect(try FileSurgery.bytes(segment) == before, "the refused open changed the segment", sourceLocation: sourceLocation)
    }

    @Test func zerosAfterHeaderBelowCommitRecordAreLostAcknowledgedEvents() throws {
        let f = try Fixture()
        for (log, segment) in [(f.log, f.segment), (f.crash, f.crashSegment)] {
            let size = try FileSurgery.size(segment)
            try FileSurgery.overwrite(segment, at: LogFormat.segmentHeaderSize, with: [UInt8](repeating: 0, count: size - LogFormat.segmentHeaderSize))
            try Self.expectLostEverywhere(log, segment: segment, at: LogFormat.segmentHeaderSize)
        }
    }

    @Test func lastBatchesCutAtBatchBoundaryAreReported() throws {
        let f = try Fixture()
        // Closed cleanly: even the last batch alone is missed.
        let last = f.frames[f.frames.count - 1]
        try FileSurgery.cut(f.segment, at: last.offset)
        try Self.expectLostEverywhere(f.log, segment: f.segment, at: last.offset)
        // After a crash, the record covers every group but the last.
        let cut = f.frames[f.frames.count - 3].offset
        try FileSurgery.cut(f.crashSegment, at: cut)
        try Self.expectLostEverywhere(f.crash, segment: f.crashSegment, at: cut)
    }

    @Test func bitFlipInLastAcknowledgedBatchIsNotATornTail() throws {
        let f = try Fixture()
        let last = f.frames[f.frames.count - 1]
        try FileSurgery.flipBit(f.segment, at: last.lastDataByte, bit: 3)
        try Self.expectLostEverywhere(f.log, segment: f.segment, at: last.offset)
        let covered = f.frames[f.frames.count - 2]
        try FileSurgery.flipBit(f.crashSegment, at: covered.lastDataByte, bit: 3)
        try Self.expectLostEverywhere(f.crash, segment: f.crashSegment, at: covered.offset)
    }

    /// Back-to-back groups rewrite the record at most once per interval (it costs the header's
    /// page in every fdatasync); a clean close still makes it cover everything.
    @Test func backToBackAppendsRewriteTheRecordAtMostOncePerInterval() throws {
        let f = try Fixture(recordInterval: .seconds(3600))
        guard case .record(let r) = try FileSurgery.commitRecord(f.crashSegment) else { Issue.record("no commit record after a crash"); return }
        // The first group wrote it (the end before that group); the next seven did not move it.
        #expect(!r.isFinal && r.acknowledgedEnd < f.frames[0].end, "\(r) frames: \(f.frames.map(\.end))")
        #expect(try LogVerifier.verify(at: f.crash).isHealthy)
        #expect(try FileSurgery.commitRecord(f.segment) == .record(CommitRecord(end: f.frames[f.frames.count - 1].end, final: true)))
        // With the default interval the record is valid too and never claims more than was written.
        let g = try Fixture(recordInterval: EventLog.WriterOptions().commitRecordInterval)
        guard case .record(let d) = try FileSurgery.commitRecord(g.crashSegment) else { Issue.record("no commit record after a crash"); return }
        #expect(d.acknowledgedEnd <= g.frames[g.frames.count - 1].offset)
    }

    @Test func tornTailAboveCommitRecordIsStillTruncated() throws {
        let f = try Fixture()
        let last = f.frames[f.frames.count - 1]
        let record = try FileSurgery.commitRecord(f.crashSegment)
        guard case .record(let r) = record else { Issue.record("no commit record after a crash: \(record)"); return }
        #expect(!r.isFinal && r.acknowledgedEnd <= last.offset && r.acknowledgedEnd > f.frames[f.frames.count - 2].offset)
        let cut = last.offset + last.length / 2
        try FileSurgery.cut(f.crashSegment, at: cut)
        let report = try LogVerifier.verify(at: f.crash)
        #expect(report.isHealthy, "\(report.problems)")
        #expect(report.problems.contains { $0.severity == .warning && $0.offset == last.offset && $0.message.contains("torn tail") })
        let reader = try EventLog.openReadOnly(at: f.crash)
        #expect(reader.head == UInt64(f.events.count - 1))
        reader.close()
        let writer = try FaultSupport.reopenWriter(at: f.crash)
        #expect(writer.recovery.bytesCut == cut - last.offset)
        #expect(writer.head == UInt64(f.events.count - 1))
        #expect(try FaultSupport.readAll(writer) == Array(f.events.dropLast()))
        try writer.append(to: "account-0", [Fixtures.event("AfterCrash")])
        writer.close()
        let again = try FaultSupport.reopenWriter(at: f.crash)
        #expect(again.recovery.isClean && again.head == UInt64(f.events.count))
        again.close()
    }

    @Test func cleanCloseMakesEveryByteAcknowledged() throws {
        let f = try Fixture()
        let size = try FileSurgery.size(f.segment)
        #expect(try FileSurgery.commitRecord(f.segment) == .record(CommitRecord(end: size, final: true)))
        // An open writer clears `final`: the record covers what is there, no more.
        let writer = try FaultSupport.reopenWriter(at: f.log)
        #expect(try FileSurgery.commitRecord(f.segment) == .record(CommitRecord(end: size, final: false)))
        writer.close()
        #expect(try FileSurgery.commitRecord(f.segment) == .record(CommitRecord(end: size, final: true)))

        // Bytes after the clean end that are not zeros are damage, not a torn tail.
        let junk = f.dir.file("junk")
        try FileSurgery.copyLog(f.log, to: junk)
        let junkSegment = FileSurgery.segmentPath(log: junk, 1)
        try FileSurgery.append(junkSegment, Array(repeating: 0x5A, count: 100))
        #expect(throws: EventLogError.self) { try EventLog.openWriter(at: junk) }
        #expect(try FileSurgery.size(junkSegment) == size + 100)
        #expect(!(try LogVerifier.verify(at: junk)).isHealthy)

        // One byte short of the clean end: the last batch is lost, not torn.
        let short = f.dir.file("short")
        try FileSurgery.copyLog(f.log, to: short)
        let shortSegment = FileSurgery.segmentPath(log: short, 1)
        try FileSurgery.cut(shortSegment, at: size - 1)
        try Self.expectLostEverywhere(short, segment: shortSegment, at: f.frames[f.frames.count - 1].offset)

        // Zeros after the clean end are no data: dropped without a word.
        try FileSurgery.append(f.segment, [UInt8](repeating: 0, count: 4096))
        let reopened = try FaultSupport.reopenWriter(at: f.log)
        #expect(reopened.recovery.isClean && reopened.head == UInt64(f.events.count))
        reopened.close()
        #expect(try FileSurgery.size(f.segment) == size)
    }

    @Test func oldLogWithoutRecordOpensAsBefore() throws {
        let f = try Fixture()
        try FileSurgery.setCommitRecord(f.segment, nil)
        try FileSurgery.copyLog(f.log, to: f.dir.file("zeros"))
        // The old rule: a cut into the last batch is a torn tail…
        let last = f.frames[f.frames.count - 1]
        try FileSurgery.cut(f.segment, at: last.end - 5)
        let report = try LogVerifier.verify(at: f.log)
        #expect(report.isHealthy && report.problems.contains { $0.message.contains("never acknowledged") }, "\(report.problems)")
        let writer = try FaultSupport.reopenWriter(at: f.log)
        #expect(writer.recovery.bytesCut == last.length - 5)
        #expect(writer.head == UInt64(f.events.count - 1))
        // …and the writer gives the segment a record from now on.
        #expect(try FileSurgery.commitRecord(f.segment) == .record(CommitRecord(end: last.offset, final: false)))
        writer.close()
        // Zeros after the header of an old log cannot be told from an empty segment.
        let zeros = f.dir.file("zeros")
        let zerosSegment = FileSurgery.segmentPath(log: zeros, 1)
        try FileSurgery.overwrite(zerosSegment, at: LogFormat.segmentHeaderSize, with: [UInt8](repeating: 0, count: last.end - LogFormat.segmentHeaderSize))
        let old = try EventLog.openReadOnly(at: zeros)
        #expect(old.head == 0)
        old.close()
    }

    @Test func writerRefusesLogWithLostAcknowledgedEvents() throws {
        let f = try Fixture()
        let last = f.frames[f.frames.count - 1]
        try FileSurgery.cut(f.segment, at: last.offset)
        var message = ""
        do { _ = try EventLog.openWriter(at: f.log) } catch { message = "\(error)" }
        #expect(message.contains("LOST ACKNOWLEDGED EVENTS") && message.contains(f.segment) && message.contains("offset \(last.offset)"), "\(message)")
        #expect(message.contains("rewind verify"), "the error should say what to do: \(message)")
        // The refused open released the lock and changed nothing: the same answer again.
        var again = ""
        do { _ = try EventLog.openWriter(at: f.log) } catch { again = "\(error)" }
        #expect(again == message)
        #expect(try FileSurgery.size(f.segment) == last.offset)
    }

    /// A damaged record is not trusted (the old rule applies) and the next writer rewrites it.
    @Test func damagedCommitRecordIsReportedAndRewritten() throws {
        let f = try Fixture()
        try FileSurgery.flipBit(f.segment, at: CommitRecord.headerOffset + 1, bit: 2)
        guard case .damaged = try FileSurgery.commitRecord(f.segment) else { Issue.record("a flipped record still decodes"); return }
        let report = try LogVerifier.verify(at: f.log)
        #expect(report.isHealthy && report.problems.contains { $0.offset == CommitRecord.headerOffset })
        let writer = try FaultSupport.reopenWriter(at: f.log)
        #expect(writer.head == UInt64(f.events.count))
        writer.close()
        #expect(try FileSurgery.commitRecord(f.segment) == .record(CommitRecord(end: f.frames[f.frames.count - 1].end, final: true)))
    }

    @Test func commitRecordDetectsEverySingleBitFlip() {
        for end in [0, 40, 64, 4_000, 1 << 20, 128 << 20, (1 << 32) - 64] {
            for final in [false, true] {
                let record = CommitRecord(end: end, final: final)
                #expect(record.encoded != 0, "a record that reads as 'none'")
                #expect(CommitRecord.decode(record.encoded) == .record(record))
                #expect(record.acknowledgedEnd <= end && end - record.acknowledgedEnd < CommitRecord.unit)
                for bit in 0..<32 {
                    let flipped = record.encoded ^ (1 << UInt32(bit))
                    if case .record(let other) = CommitRecord.decode(flipped) {
                        Issue.record("flipping bit \(bit) of \(record) reads as \(other)")
                    }
                }
            }
        }
    }
}
