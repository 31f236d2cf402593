import EventLog
import Foundation
import Testing

/// Damage that is not a torn tail is refused with the segment and the offset named, never
/// skipped and never "repaired" by truncation; derived indexes are rebuilt and reported.
@Suite("Fault: corruption")
struct FaultCorruptionTests {
    /// A log of several 4 KiB segments: `REWIND_FAULT_EVENTS` events (default 300) in batches
    /// of 1, 2 and 3 events over five streams.
    struct SealedLog {
        let dir = TemporaryDirectory("rewind-corrupt")
        let log: String
        let events: [RecordedEvent]

        init(events count: Int = FaultSupport.size("REWIND_FAULT_EVENTS", default: 300), segmentBytes: Int = 4096) throws {
            log = dir.file("log")
            try EventLog.create(at: log, segmentBytes: segmentBytes)
            let writer = try FaultSupport.reopenWriter(at: log)
            var written = 0, i = 0
            while written < count {
                let n = min(i % 3 + 1, count - written)
                try writer.append(to: "acct-\(i % 5)", (0..<n).map { Fixtures.event("Booked", FaultSupport.payload("b\(i).\($0)", bytes: 60)) })
                written += n
                i += 1
            }
            events = try FaultSupport.readAll(writer)
            writer.close()
        }

        func segment(_ n: UInt32) -> String { FileSurgery.segmentPath(log: log, n) }
        func index(_ n: UInt32) -> String { FileSurgery.indexPath(log: log, n) }
        func events(of stream: String) -> [RecordedEvent] { events.filter { $0.stream == stream } }
    }

    /// The fields of a `.corrupt` error, or nil for any other outcome.
    static func corrupt(_ error: (any Error)?) -> (segment: String, offset: Int, reason: String)? {
        guard let e = error as? EventLogError, case let .corrupt(segment, offset, reason) = e else { return nil }
        return (segment, offset, reason)
    }

    /// The process's peak resident set, in bytes.
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(0, &usage)  // RUSAGE_SELF (0 on Linux and Darwin; Glibc imports it as an enum)
        return usage.ru_maxrss * 1024
    }

    // MARK: - Bit flips

    @Test func bitFlipInSealedSegmentIsRefused() throws {
        let l = try SealedLog()
        let frame = try FileSurgery.frames(segment: l.segment(2))[2]
        try FileSurgery.flipBit(l.segment(2), at: frame.lastDataByte, bit: 3)
        let before = try FileSurgery.bytes(l.segment(2))

        for log in [try EventLog.openReadOnly(at: l.log), try FaultSupport.reopenWriter(at: l.log)] {
            defer { log.close() }
            // Opening trusts the persisted index: the damage shows at the first read that needs it.
            #expect(log.head == UInt64(l.events.count))
            var visited: [UInt64] = []
            let error = #expect(throws: EventLogError.self) {
                try log.readAll { visited.append($0.position); return true }
            }
            let c = try #require(Self.corrupt(error), "readAll threw \(String(describing: error))")
            #expect(c.segment == l.segment(2))
            #expect(c.offset == frame.offset)
            #expect(c.reason.contains("checksum"))
            // Nothing after the damage was handed out: no skipping.
            #expect(visited == Array(1..<frame.firstPosition))

            var versions: [UInt64] = []
            let streamError = #expect(throws: EventLogError.self) {
                try log.readStream(frame.stream) { versions.append($0.version); return true }
            }
            #expect(Self.corrupt(streamError)?.segment == l.segment(2))
            #expect(Self.corrupt(streamError)?.offset == frame.offset)
            #expect(versions == Array(1..<frame.firstVersion))
            #expect(throws: EventLogError.self) { _ = try log.event(at: frame.lastPosition) }
            #expect(throws: EventLogError.self) { _ = try log.event(in: frame.stream, version: frame.firstVersion) }

            // Streams without an event in the damaged batch still read whole.
            let other = (0..<5).map { "acct-\($0)" }.first { $0 != frame.stream }!
            #expect(try log.events(in: other) == l.events(of: other))
            // Reads that start after the damage do not need it.
            #expect(try FaultSupport.readAll(log, from: frame.lastPosition + 1) == Array(l.events.dropFirst(Int(frame.lastPosition))))
        }
        #expect(try FileSurgery.bytes(l.segment(2)) == before)
    }

    /// Without its persisted index, a sealed segment is scanned on open and the damage found then.
    @Test func bitFlipInSealedSegmentWithoutItsIndexIsRefusedOnOpen() throws {
        let l = try SealedLog()
        let frame = try FileSurgery.frames(segment: l.segment(2))[3]
        try FileSurgery.remove(l.index(2))
        try FileSurgery.flipBit(l.segment(2), at: frame.offset + 40, bit: 0)
        let sizes = try FileSurgery.fileSizes(log: l.log)
        for open: () throws -> EventLog in [{ try FaultSupport.reopenWriter(at: l.log) }, { try EventLog.openReadOnly(at: l.log) }] {
            let error = #expect(throws: EventLogError.self) { _ = try open() }
            let c = try #require(Self.corrupt(error), "open threw \(String(describing: error))")
            #expect(c.segment == l.segment(2))
            #expect(c.offset == frame.offset)
        }
        #expect(try FileSurgery.fileSizes(log: l.log) == sizes)
        #expect(!FileSurgery.exists(l.index(2)))
    }

    /// Every byte of a sealed batch is covered: the length prefix, the body, the CRC, the suffix.
    @Test func bitFlipAnywhereInASealedBatchIsRefusedWithItsOffset() throws {
        let l = try SealedLog()
        let frame = try FileSurgery.frames(segment: l.segment(3))[1]
        var problems: [String] = []
        for offset in frame.offset..<frame.end {
            try FileSurgery.flipBit(l.segment(3), at: offset, bit: offset % 8)
            defer { try? FileSurgery.flipBit(l.segment(3), at: offset, bit: offset % 8) }
            let reader = try EventLog.openReadOnly(at: l.log)
            defer { reader.close() }
            var last: UInt64 = 0
            do {
                try reader.readAll { last = $0.position; return true }
                problems.append("flip at \(offset): readAll did not throw")
            } catch {
                let c = Self.corrupt(error)
                if c?.segment != l.segment(3) || c?.offset != frame.offset {
                    problems.append("flip at \(offset): \(error)")
                }
            }
            if last != frame.firstPosition - 1 { problems.append("flip at \(offset): readAll went up to \(last), past the damage at \(frame.firstPosition)") }
        }
        #expect(problems.count == 0, "\(problems.prefix(10).joined(separator: "\n"))")
    }

    @Test func bitFlipBeforeValidBatchesInTheLastSegmentIsRefusedNotTruncated() throws {
        let l = try SealedLog(events: 60, segmentBytes: 1 << 20)
        let segment = l.segment(1)
        let frames = try FileSurgery.frames(segment: segment)
        let frame = frames[frames.count / 2]
        var problems: [String] = []
        for offset in frame.offset..<frame.end {
            try FileSurgery.flipBit(segment, at: offset, bit: offset % 8)
            let damaged = try FileSurgery.bytes(segment)
            do {
                let writer = try FaultSupport.reopenWriter(at: l.log)
                problems.append("flip at \(offset): the writer opened (head \(writer.head), cut \(writer.recovery.bytesCut))")
                writer.close()
            } catch {
                let c = Self.corrupt(error)
                if c?.segment != segment || c?.offset != frame.offset { problems.append("flip at \(offset): \(error)") }
            }
            if try FileSurgery.bytes(segment) != damaged { problems.append("flip at \(offset): the failed open changed the segment") }
            try FileSurgery.flipBit(segment, at: offset, bit: offset % 8)
        }
        #expect(problems.count == 0, "\(problems.prefix(10).joined(separator: "\n"))")
        // The one case spelled out: a flipped data byte names the batch and why it is not a torn tail.
        try FileSurgery.flipBit(segment, at: frame.lastDataByte)
        let error = #expect(throws: EventLogError.self) { _ = try FaultSupport.reopenWriter(at: l.log) }
        #expect(Self.corrupt(error)?.reason.contains("LOST ACKNOWLEDGED EVENTS") == true)
        #expect(try FileSurgery.size(segment) == frames.last?.end)
        // A log without a commit record (an older rewind's): the valid batches after the damage say it.
        try FileSurgery.setCommitRecord(segment, nil)
        let old = #expect(throws: EventLogError.self) { _ = try FaultSupport.reopenWriter(at: l.log) }
        #expect(Self.corrupt(old)?.reason.contains("valid batches follow") == true)
        #expect(try FileSurgery.size(segment) == frames.last?.end)
    }

    /// A reader must not present the log as ending at the damage either: the batches after it
    /// are whole, so this is not a tail still being written, and hiding them is skipping them.
    @Test func readerRefusesABitFlipBeforeValidBatchesInTheLastSegment() throws {
        let l = try SealedLog(events: 60, segmentBytes: 1 << 20)
        let segment = l.segment(1)
        let frames = try FileSurgery.frames(segment: segment)
        let frame = frames[frames.count / 2]
        try FileSurgery.flipBit(segment, at: frame.lastDataByte)
        var shown: UInt64 = 0
        let error = #expect(throws: EventLogError.self) {
            let reader = try EventLog.openReadOnly(at: l.log)
            defer { reader.close() }
            try reader.refresh()
            try reader.readAll { e in shown = e.position; return true }
        }
        #expect(Self.corrupt(error)?.segment == segment)
        #expect(Self.corrupt(error)?.offset == frame.offset)
        #expect(shown < frame.firstPosition, "the reader handed out events past the damage")
    }

    // MARK: - Length fields

    @Test(arguments: [UInt32.max, 60 << 20, UInt32(LogFormat.maxBatchBodyBytes) + 1])
    func oversizedLengthInTheLastBatchIsATornTail(length: UInt32) throws {
        let l = try SealedLog(events: 40, segmentBytes: 1 << 20)
        let segment = l.segment(1)
        let last = try #require(try FileSurgery.frames(segment: segment).last)
        let size = try FileSurgery.size(segment)
        try FileSurgery.overwrite(segment, at: last.offset, with: FileSurgery.le32(length))
        // As a crash during the last append leaves the commit record: it does not cover that batch.
        try FileSurgery.setCommitRecord(segment, CommitRecord(end: last.offset, final: false))
        let peak = Self.peakResidentBytes()

        let reader = try EventLog.openReadOnly(at: l.log)
        #expect(reader.head == last.firstPosition - 1)
        reader.close()
        let writer = try FaultSupport.reopenWriter(at: l.log)
        defer { writer.close() }
        #expect(writer.recovery.bytesCut == size - last.offset)
        #expect(writer.head == last.firstPosition - 1)
        #expect(try FaultSupport.readAll(writer) == Array(l.events.prefix(Int(last.firstPosition - 1))))
        // A 60 MiB or 4 GiB length must not be allocated: the file is a few KiB.
        #expect(Self.peakResidentBytes() - peak < 32 << 20)
    }

    @Test(arguments: [UInt32.max, 60 << 20, UInt32(LogFormat.maxBatchBodyBytes) + 1])
    func oversizedLengthBeforeValidBatchesIsCorrupt(length: UInt32) throws {
        let l = try SealedLog(events: 40, segmentBytes: 1 << 20)
        let segment = l.segment(1)
        let frames = try FileSurgery.frames(segment: segment)
        let frame = frames[frames.count / 2]
        try FileSurgery.overwrite(segment, at: frame.offset, with: FileSurgery.le32(length))
        let damaged = try FileSurgery.bytes(segment)
        let peak = Self.peakResidentBytes()
        let error = #expect(throws: EventLogError.self) { _ = try FaultSupport.reopenWriter(at: l.log) }
        let c = try #require(Self.corrupt(error), "openWriter threw \(String(describing: error))")
        #expect(c.segment == segment)
        #expect(c.offset == frame.offset)
        #expect(try FileSurgery.bytes(segment) == damaged)
        #expect(Self.peakResidentBytes() - peak < 32 << 20)
    }

    @Test func oversizedLengthInASealedSegmentIsRefusedOnRead() throws {
        let l = try SealedLog()
        let frame = try FileSurgery.frames(segment: l.segment(2))[1]
        try FileSurgery.overwrite(l.segment(2), at: frame.offset, with: FileSurgery.le32(.max))
        let reader = try EventLog.openReadOnly(at: l.log)
        defer { reader.close() }
        var visited = 0
        let error = #expect(throws: EventLogError.self) { try reader.readAll { _ in visited += 1; return true } }
        #expect(Self.corrupt(error)?.segment == l.segment(2))
        #expect(Self.corrupt(error)?.offset == frame.offset)
        #expect(visited == Int(frame.firstPosition) - 1)
    }

    // MARK: - Indexes

    enum IndexDamage: String, CaseIterable, Sendable {
        case bitFlip, truncated, empty, zeroed, deleted, otherSegmentsIndex
    }

    @Test(arguments: IndexDamage.allCases)
    func damagedIndexIsRebuiltOnOpen(damage: IndexDamage) throws {
        let l = try SealedLog()
        let indexes = try FileSurgery.indexPaths(log: l.log)
        try #require(indexes.count >= 3)
        let original = try FileSurgery.bytes(l.index(2))
        switch damage {
        case .bitFlip: try FileSurgery.flipBit(l.index(2), at: original.count / 2, bit: 5)
        case .truncated: try FileSurgery.cut(l.index(2), at: original.count - 5)
        case .empty: try FileSurgery.cut(l.index(2), at: 0)
        case .zeroed: try FileSurgery.write(l.index(2), [UInt8](repeating: 0, count: original.count))
        case .deleted: try FileSurgery.remove(l.index(2))
        case .otherSegmentsIndex: try FileSurgery.write(l.index(2), try FileSurgery.bytes(l.index(3)))
        }
        let damaged = try? FileSurgery.bytes(l.index(2))

        let reader = try EventLog.openReadOnly(at: l.log)
        #expect(reader.recovery.rebuiltIndexes == [2])
        #expect(try FaultSupport.readAll(reader) == l.events)
        reader.close()
        #expect((try? FileSurgery.bytes(l.index(2))) == damaged, "a reader rewrote the index")

        let writer = try FaultSupport.reopenWriter(at: l.log)
        #expect(writer.recovery.rebuiltIndexes == [2])
        #expect(writer.recovery.messages.contains { $0.contains("segment 2") })
        #expect(writer.recovery.bytesCut == 0)
        #expect(writer.head == UInt64(l.events.count))
        #expect(try FaultSupport.readAll(writer) == l.events)
        for s in 0..<5 {
            #expect(try writer.events(in: "acct-\(s)") == l.events(of: "acct-\(s)"))
            #expect(try writer.events(in: "acct-\(s)", from: .max, direction: .backward) == l.events(of: "acct-\(s)").reversed())
        }
        writer.close()
        // The rebuilt index is the index the writer wrote when it sealed the segment.
        #expect(try FileSurgery.bytes(l.index(2)) == original)
        let again = try FaultSupport.reopenWriter(at: l.log)
        #expect(again.recovery.isClean)
        again.close()
    }

    @Test func severalMissingIndexesAreRebuiltAndNamed() throws {
        let l = try SealedLog()
        let indexes = try FileSurgery.indexPaths(log: l.log)
        try #require(indexes.count >= 3)
        try FileSurgery.remove(l.index(1))
        try FileSurgery.remove(l.index(3))
        let writer = try FaultSupport.reopenWriter(at: l.log)
        defer { writer.close() }
        #expect(writer.recovery.rebuiltIndexes == [1, 3])
        #expect(try FaultSupport.readAll(writer) == l.events)
        #expect(try FileSurgery.indexPaths(log: l.log) == indexes)
    }

    // MARK: - Segment files and headers

    @Test(arguments: [UInt32(1), 2])
    func missingSegmentIsRefused(number: UInt32) throws {
        let l = try SealedLog()
        try #require(try FileSurgery.segmentPaths(log: l.log).count >= 4)
        try FileSurgery.remove(l.segment(number))
        let sizes = try FileSurgery.fileSizes(log: l.log)
        for open: () throws -> EventLog in [{ try FaultSupport.reopenWriter(at: l.log) }, { try EventLog.openReadOnly(at: l.log) }] {
            let error = #expect(throws: EventLogError.self) { _ = try open() }
            let c = try #require(Self.corrupt(error), "open threw \(String(describing: error))")
            #expect(c.segment == l.segment(number))
            #expect(c.reason.contains("segment \(number) is missing"))
            #expect(error?.description.contains(LogFormat.segmentFileName(number)) == true)
        }
        #expect(try FileSurgery.fileSizes(log: l.log) == sizes)
    }

    enum HeaderDamage: String, CaseIterable, Sendable {
        case badMagicInSealedSegment, badMagicInLastSegment, badChecksum, namesAnotherSegment, wrongBasePosition
    }

    @Test(arguments: HeaderDamage.allCases)
    func damagedSegmentHeaderIsRefused(damage: HeaderDamage) throws {
        let l = try SealedLog()
        let count = UInt32(try FileSurgery.segmentPaths(log: l.log).count)
        try #require(count >= 4)
        let target: UInt32
        let expected: (offset: Int, reason: String)
        switch damage {
        case .badMagicInSealedSegment:
            target = 1
            try FileSurgery.overwrite(l.segment(1), at: 0, with: Array("NOTASEG!".utf8))
            expected = (0, "bad magic")
        case .badMagicInLastSegment:
            target = count
            try FileSurgery.overwrite(l.segment(count), at: 0, with: Array("NOTASEG!".utf8))
            expected = (0, "bad magic")
        case .badChecksum:
            target = 2
            try FileSurgery.flipBit(l.segment(2), at: 20)
            expected = (0, "checksum")
        case .namesAnotherSegment:
            // A whole, checksummed header, but segment 3's: a misplaced file.
            target = 2
            let header = Array(try FileSurgery.bytes(l.segment(3)).prefix(LogFormat.segmentHeaderSize))
            try FileSurgery.overwrite(l.segment(2), at: 0, with: header)
            expected = (12, "names segment 3")
        case .wrongBasePosition:
            target = 3
            let header = try FileSurgery.bytes(l.segment(3)).prefix(LogFormat.segmentHeaderSize)
            var forged = Array(header.prefix(32))
            forged[16] &+= 1
            forged += FileSurgery.le32(Checksum.crc32c(forged)) + [0, 0, 0, 0]
            try FileSurgery.overwrite(l.segment(3), at: 0, with: forged)
            expected = (16, "segment starts at position")
        }
        let before = try FileSurgery.bytes(l.segment(target))
        for open: () throws -> EventLog in [{ try FaultSupport.reopenWriter(at: l.log) }, { try EventLog.openReadOnly(at: l.log) }] {
            let error = #expect(throws: EventLogError.self) { _ = try open() }
            let c = try #require(Self.corrupt(error), "open threw \(String(describing: error))")
            #expect(c.segment == l.segment(target))
            #expect(c.offset == expected.offset)
            #expect(c.reason.contains(expected.reason), "reason: \(c.reason)")
        }
        // Refused, not rewritten: only an unfinished header (40 bytes or fewer) is redone.
        #expect(try FileSurgery.bytes(l.segment(target)) == before)
    }
}
