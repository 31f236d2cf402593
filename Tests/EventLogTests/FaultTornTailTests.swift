import EventLog
import Foundation
import Testing

/// A crash mid-append leaves a torn tail: the writer cuts it back to the last whole batch and
/// says how many bytes it cut; readers never see a torn batch and repair nothing.
@Suite("Fault: torn tails")
struct FaultTornTailTests {
    /// A log of two segments whose last one ends with three batches of different shapes: one
    /// small event, a multi-event batch with metadata, and two binary events of
    /// `REWIND_FAULT_TORN_DATA` bytes each.
    struct Template {
        let dir = TemporaryDirectory("rewind-torn")
        let log: String
        let events: [RecordedEvent]
        let segment: String
        let frames: [FileSurgery.Frame]
        /// Where the torn region under test begins: the first of the last three batches.
        var tornFrom: Int { frames[frames.count - 3].offset }

        init() throws {
            log = dir.file("template")
            try EventLog.create(at: log, segmentBytes: 4096)
            let writer = try FaultSupport.reopenWriter(at: log)
            var i = 0
            while writer.segmentCount < 2 || i % 3 != 0 {
                try writer.append(to: "account-\(i % 3)", [Fixtures.event("Prefix", FaultSupport.payload("p\(i)", bytes: 90))])
                i += 1
            }
            let big = FaultSupport.size("REWIND_FAULT_TORN_DATA", default: 160)
            try writer.append(to: "account-1", [Fixtures.event("Small", "{\"n\":1}")])
            try writer.append(to: "order-9", (1...4).map { n in
                Fixtures.event("LineAdded", "{\"line\":\(n)}", metadata: "{\"correlationId\":\"c-\(n)\"}")
            })
            try writer.append(to: "account-2", (0..<2).map { n in
                NewEvent(type: "Blob", data: (0..<big).map { UInt8(truncatingIfNeeded: $0 * 7 + n) }, contentType: .binary)
            })
            events = try FaultSupport.readAll(writer)
            writer.close()
            let segments = try FileSurgery.segmentPaths(log: log)
            segment = try #require(segments.last)
            frames = try FileSurgery.frames(segment: segment)
            try #require(segments.count == 2)
            try #require(frames.count >= 4)
            try #require(frames.suffix(3).map(\.eventCount) == [1, 4, 2])
            try #require(frames.last?.end == (try FileSurgery.size(segment)))
            try #require(frames.last?.lastPosition == UInt64(events.count))
            // As a crash while the last three batches were being written leaves it: the commit
            // record covers what came before them (they were never acknowledged).
            try FileSurgery.setCommitRecord(segment, CommitRecord(end: frames[frames.count - 3].offset, final: false))
        }

        /// The number of events in whole batches of the last segment's bytes before `cut`.
        func headAfterCut(at cut: Int) -> UInt64 {
            frames.last(where: { $0.end <= cut })?.lastPosition ?? (frames[0].firstPosition - 1)
        }

        /// Bytes past the last whole batch before `cut`.
        func bytesCut(at cut: Int) -> Int {
            cut - (frames.last(where: { $0.end <= cut })?.end ?? LogFormat.segmentHeaderSize)
        }

        /// A fresh copy of the template log.
        func copy(_ name: String) throws -> (log: String, segment: String) {
            let path = dir.file(name)
            try FileSurgery.copyLog(log, to: path)
            return (path, FileSurgery.segmentPath(log: path, 2))
        }
    }

    @Test func tornTailIsTruncatedAtEveryByte() throws {
        let t = try Template()
        let end = try FileSurgery.size(t.segment)
        var problems: [String] = []
        var checked = 0
        for cut in t.tornFrom..<end {
            problems += try checkWriterRecovers(t, cut: cut)
            checked += 1
            if problems.count > 20 { break }
        }
        #expect(problems.count == 0, "\(problems.count) problems; first: \(problems.prefix(10).joined(separator: "\n"))")
        #expect(checked == end - t.tornFrom)
        // The cases the loop covers, spelled out: 1 byte into the last batch, and 1 byte short of it.
        let last = try #require(t.frames.last)
        #expect(t.bytesCut(at: last.offset + 1) == 1)
        #expect(t.bytesCut(at: end - 1) == last.length - 1)
        #expect(t.headAfterCut(at: end - 1) == UInt64(t.events.count - 2))
    }

    /// Opens a copy cut at `cut` as a writer and says what is wrong with the result.
    private func checkWriterRecovers(_ t: Template, cut: Int) throws -> [String] {
        let (log, segment) = try t.copy("cut-\(cut)")
        defer { try? FileSurgery.remove(log) }
        try FileSurgery.cut(segment, at: cut)
        let head = t.headAfterCut(at: cut)
        let expectedCut = t.bytesCut(at: cut)
        var problems: [String] = []
        func check(_ ok: Bool, _ what: @autoclosure () -> String) {
            if !ok { problems.append("cut at \(cut): \(what())") }
        }
        let writer: EventLog
        do { writer = try FaultSupport.reopenWriter(at: log) } catch {
            return ["cut at \(cut): openWriter threw \(error)"]
        }
        check(writer.recovery.bytesCut == expectedCut, "bytesCut \(writer.recovery.bytesCut), expected \(expectedCut)")
        check(writer.recovery.rolledBackBytes == 0 && writer.recovery.rebuiltIndexes.isEmpty, "recovery did more: \(writer.recovery)")
        check(writer.recovery.isClean == (expectedCut == 0), "isClean \(writer.recovery.isClean) with \(expectedCut) bytes to cut")
        check(writer.head == head, "head \(writer.head), expected \(head)")
        check((try? FileSurgery.dataSize(segment)) == cut - expectedCut, "segment is \((try? FileSurgery.dataSize(segment)) ?? -1) bytes, expected \(cut - expectedCut)")
        let survivors = Array(t.events.prefix(Int(head)))
        let read = try FaultSupport.readAll(writer)
        check(read == survivors, "read \(read.count) events, expected the first \(survivors.count) intact")
        for stream in ["account-0", "account-1", "account-2", "order-9"] {
            let expected = UInt64(survivors.filter { $0.stream == stream }.count)
            check(writer.version(of: stream) == expected, "\(stream) at version \(writer.version(of: stream)), expected \(expected)")
            let versions = try writer.events(in: stream).map(\.version)
            check(versions == Array(stride(from: 1, through: expected, by: 1)), "\(stream) versions \(versions)")
        }
        let v = writer.version(of: "account-2")
        let appended = try writer.append(to: "account-2", [Fixtures.event("AfterRecovery", "{\"cut\":\(cut)}")], expected: .exact(v))
        check(appended == AppendResult(stream: "account-2", firstVersion: v + 1, lastVersion: v + 1, firstPosition: head + 1, lastPosition: head + 1),
              "append after recovery got \(appended)")
        check((try writer.event(at: head + 1))?.type == "AfterRecovery", "the new event does not read back at \(head + 1)")
        writer.close()

        let again = try FaultSupport.reopenWriter(at: log)
        defer { again.close() }
        check(again.recovery.isClean && again.recovery.bytesCut == 0, "second open was not clean: \(again.recovery.messages)")
        check(again.head == head + 1, "head after reopen \(again.head), expected \(head + 1)")
        let positions = try FaultSupport.readAll(again).map(\.position)
        check(positions == Array(stride(from: 1, through: head + 1, by: 1)), "positions after reopen are not 1...\(head + 1)")
        return problems
    }

    /// Zeros after the last batch are the space a writer preallocates (or a crash that extended
    /// the file): not data, dropped without being reported as a torn tail.
    @Test(arguments: [1, 3, 4, 12, 37, 512, 4096, 65536])
    func zeroFilledExtensionAfterTheLastBatchIsDroppedSilently(zeros: Int) throws {
        let t = try Template()
        let (log, segment) = try t.copy("zeros")
        let size = try FileSurgery.size(segment)
        try FileSurgery.append(segment, [UInt8](repeating: 0, count: zeros))
        let writer = try FaultSupport.reopenWriter(at: log)
        defer { writer.close() }
        #expect(writer.recovery.bytesCut == 0)
        #expect(writer.recovery.isClean)
        #expect(writer.head == UInt64(t.events.count))
        #expect(try FileSurgery.dataSize(segment) == size)
        #expect(try FaultSupport.readAll(writer) == t.events)
        let next = try writer.append(to: "order-9", [Fixtures.event("Next")], expected: .exact(4))
        #expect(next.firstPosition == UInt64(t.events.count) + 1 && next.firstVersion == 5)
    }

    @Test func zeroFilledExtensionAfterATornBatchIsCut() throws {
        let t = try Template()
        let (log, segment) = try t.copy("torn-then-zeros")
        let last = try #require(t.frames.last)
        let cut = last.offset + last.length / 2
        try FileSurgery.cut(segment, at: cut)
        try FileSurgery.append(segment, [UInt8](repeating: 0, count: 8192))
        let writer = try FaultSupport.reopenWriter(at: log)
        defer { writer.close() }
        #expect(writer.recovery.bytesCut == last.length / 2 + 8192)
        #expect(writer.head == UInt64(t.events.count - 2))
        #expect(try FileSurgery.dataSize(segment) == last.offset)
        #expect(try FaultSupport.readAll(writer) == Array(t.events.dropLast(2)))
    }

    /// A reader takes no lock and must not cut what a live writer may still be writing.
    @Test func readerOnATornLogRepairsNothingAndReadsOnlyWholeBatches() throws {
        let t = try Template()
        let (log, segment) = try t.copy("reader")
        let end = try FileSurgery.size(segment)
        var problems: [String] = []
        // Cut ever shorter: each step only removes bytes, so one copy serves every offset.
        for cut in stride(from: end - 1, through: t.tornFrom, by: -1) {
            try FileSurgery.cut(segment, at: cut)
            let reader = try EventLog.openReadOnly(at: log)
            defer { reader.close() }
            let head = t.headAfterCut(at: cut)
            if reader.head != head { problems.append("cut at \(cut): reader head \(reader.head), expected \(head)") }
            if reader.recovery.bytesCut != 0 { problems.append("cut at \(cut): a reader reported cutting \(reader.recovery.bytesCut) bytes") }
            let read = try FaultSupport.readAll(reader)
            if read != Array(t.events.prefix(Int(head))) { problems.append("cut at \(cut): reader read \(read.count) events, expected \(head) whole ones") }
            let blobs = try reader.events(in: "account-2").filter { $0.type == "Blob" }
            if blobs.count != (head == UInt64(t.events.count) ? 2 : 0) { problems.append("cut at \(cut): reader sees \(blobs.count) events of the torn batch") }
            if try reader.refresh() { problems.append("cut at \(cut): refresh moved the head of a torn log") }
            let size = try FileSurgery.size(segment)
            if size != cut { problems.append("cut at \(cut): a reader changed the segment to \(size) bytes") }
            if problems.count > 20 { break }
        }
        #expect(problems.count == 0, "\(problems.prefix(10).joined(separator: "\n"))")
    }

    /// A crash between creating a new segment and writing its header leaves 0..39 bytes of it.
    @Test func unfinishedHeaderOfANewSegmentIsRewritten() throws {
        let t = try Template()
        let base = t.frames[0].firstPosition
        var problems: [String] = []
        for length in 0...LogFormat.segmentHeaderSize {
            let (log, segment) = try t.copy("header-\(length)")
            defer { try? FileSurgery.remove(log) }
            try FileSurgery.cut(segment, at: length)
            // A whole header carries the record a new segment starts with.
            if length == LogFormat.segmentHeaderSize { try FileSurgery.setCommitRecord(segment, CommitRecord(end: length, final: false)) }
            let reader = try EventLog.openReadOnly(at: log)
            if reader.head != base - 1 { problems.append("header of \(length) bytes: reader head \(reader.head), expected \(base - 1)") }
            reader.close()
            let writer = try FaultSupport.reopenWriter(at: log)
            if writer.head != base - 1 { problems.append("header of \(length) bytes: head \(writer.head), expected \(base - 1)") }
            if writer.recovery.isClean != (length == LogFormat.segmentHeaderSize) {
                problems.append("header of \(length) bytes: recovery said \(writer.recovery.messages)")
            }
            let r = try writer.append(to: "after-\(length)", [Fixtures.event("AfterCrash")])
            if r.firstPosition != base { problems.append("header of \(length) bytes: first append at \(r.firstPosition), expected \(base)") }
            writer.close()
            let again = try FaultSupport.reopenWriter(at: log)
            if !again.recovery.isClean || again.head != base || again.segmentCount != 2 {
                problems.append("header of \(length) bytes: reopen head \(again.head), segments \(again.segmentCount), \(again.recovery.messages)")
            }
            if try again.event(at: base)?.stream != "after-\(length)" { problems.append("header of \(length) bytes: new event not at \(base)") }
            again.close()
        }
        #expect(problems.count == 0, "\(problems.prefix(10).joined(separator: "\n"))")
    }

    /// Event data is arbitrary bytes: it may hold a whole valid frame (a backup of a segment, a
    /// log shipped inside an event). A torn write of such a batch is still a torn tail.
    @Test func tornBatchWhoseDataHoldsAValidFrameIsStillCut() throws {
        let t = try Template()
        let (log, segment) = try t.copy("embedded")
        let bytes = try FileSurgery.bytes(segment)
        let inner = t.frames[0]
        let embedded = Array(bytes[inner.offset..<inner.end])
        let size = bytes.count
        do {
            let writer = try FaultSupport.reopenWriter(at: log)
            try writer.append(to: "backup-1", [NewEvent(type: "SegmentBackedUp", data: embedded + [UInt8](repeating: 0xAB, count: 64), contentType: .binary)])
            writer.close()
        }
        let outer = try #require(try FileSurgery.frames(segment: segment).last)
        #expect(outer.offset == size)
        // Torn just after the embedded frame: the 64 bytes after it never reached the disk.
        let cut = try FileSurgery.size(segment) - 64 - 8
        try FileSurgery.cut(segment, at: cut)
        try FileSurgery.setCommitRecord(segment, CommitRecord(end: size, final: false))  // the crash came during that append
        let writer = try FaultSupport.reopenWriter(at: log)
        defer { writer.close() }
        #expect(writer.recovery.bytesCut == cut - size)
        #expect(writer.head == UInt64(t.events.count))
    }
}
