import EventLog
import Foundation
import Testing

/// Damage the fuzz targets (Fuzz/, docs/FUZZING.md) aim at, kept as tests of their own: files
/// whose CRCs were recomputed after the damage, so only the structure checks stand in the way.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    /// Segment 1's first batch, rewritten with `name` (raw bytes) as its stream name and a
    /// valid CRC; its events are kept. The first batch must be the only one of its stream.
    static func renameFirstStream(log: String, to name: [UInt8]) throws {
        let path = FileSurgery.segmentPath(log: log, 1)
        let bytes = try FileSurgery.bytes(path)
        let first = try #require(try FileSurgery.frames(segment: path).first)
        let body = Array(bytes[(first.offset + 4)..<(first.offset + first.length - 8)])
        let oldNameLength = Int(FileSurgery.u16(body, 2))
        let nameLength = [UInt8(truncatingIfNeeded: name.count), UInt8(truncatingIfNeeded: name.count >> 8)]
        let newBody = Array(body[0..<2]) + nameLength + Array(body[4..<24]) + name + Array(body[(24 + oldNameLength)...])
        let length = FileSurgery.le32(UInt32(newBody.count))
        let crc = Checksum.crc32c(length + newBody + length)
        let frame = length + newBody + FileSurgery.le32(crc) + length
        try FileSurgery.write(path, Array(bytes[0..<first.offset]) + frame + Array(bytes[(first.offset + first.length)...]))
    }

    /// 30,000 bytes of 0xFF as a stream name: decoded, each byte becomes U+FFFD (three bytes),
    /// too long for the u16 name length of the index file a writer rebuilds for the sealed
    /// segment, which trapped. The writer never stores a name over 1,024 bytes, so a longer
    /// one is refused as damage, with the segment named.
    @Test func overlongStreamNameInASealedSegmentIsRefusedNotATrap() throws {
        let dir = TemporaryDirectory("rewind-fuzz-regression")
        let log = dir.file("log")
        try EventLog.create(at: log, segmentBytes: 4096)
        let writer = try FaultSupport.reopenWriter(at: log)
        try writer.append(to: "solo", [Fixtures.event("Opened")])
        var i = 0
        while writer.segmentCount < 2 {
            try writer.append(to: "acct-\(i % 3)", [Fixtures.event("Booked", FaultSupport.payload("e\(i)", bytes: 60))])
            i += 1
        }
        writer.close()
        try Self.renameFirstStream(log: log, to: [UInt8](repeating: 0xFF, count: 30_000))
        try FileSurgery.remove(FileSurgery.indexPath(log: log, 1))

        for open in [{ try EventLog.openWriter(at: log) }, { try EventLog.openReadOnly(at: log) }] {
            var failure: (any Error)?
            do { _ = try open() } catch { failure = error }
            let corrupt = try #require(FaultCorruptionTests.corrupt(failure), "expected .corrupt, got \(String(describing: failure))")
            #expect(corrupt.segment.hasSuffix("000000000001.seg"))
            #expect(corrupt.offset == LogFormat.segmentHeaderSize)
            #expect(corrupt.reason.contains("stream name is 30000 bytes"))
        }
    }

    /// The same 30,000 bytes of 0xFF as the name of a stream in a sealed segment's index file,
    /// with the file's CRC recomputed. The decoder took it (it checked only that the bytes were
    /// there) and encoding what it decoded (90,000 bytes of U+FFFD) overflowed the u16 name
    /// length. Now the index file is refused like the batch, and opening rebuilds it from the
    /// segment, which is intact.
    @Test func overlongStreamNameInAnIndexFileIsRefused() throws {
        let dir = TemporaryDirectory("rewind-fuzz-regression")
        let log = dir.file("log")
        try EventLog.create(at: log, segmentBytes: 4096)
        let writer = try FaultSupport.reopenWriter(at: log)
        var i = 0
        while writer.segmentCount < 2 {
            try writer.append(to: "acct-\(i % 3)", [Fixtures.event("Booked", FaultSupport.payload("e\(i)", bytes: 60))])
            i += 1
        }
        let before = try FaultSupport.readAll(writer)
        writer.close()

        let indexPath = FileSurgery.indexPath(log: log, 1)
        let original = try FileSurgery.bytes(indexPath)
        #expect(IndexFileCheck.decode(original) == .decoded(events: Int(FileSurgery.u64(original, 24)), streams: 3, roundTrips: true))
        // The first stream entry follows the 48-byte header and one u32 batch offset per event.
        let first = 48 + 4 * Int(FileSurgery.u64(original, 24))
        let oldName = Int(FileSurgery.u16(original, first))
        let name = [UInt8](repeating: 0xFF, count: 30_000)
        var forged = Array(original[0..<first]) + [UInt8(30_000 & 0xFF), UInt8(30_000 >> 8)] + name
            + Array(original[(first + 2 + oldName)...])
        ForgedFields.put32(&forged, forged.count - 4, Checksum.crc32c(Array(forged[0..<(forged.count - 4)])))
        try FileSurgery.write(indexPath, forged)

        guard case .refused(let reason) = IndexFileCheck.decode(forged) else {
            Issue.record("an index file with a 30,000-byte stream name was decoded")
            return
        }
        #expect(reason.contains("stream name is 30000 bytes (at most 1024)"), "\(reason)")

        let reader = try EventLog.openReadOnly(at: log)
        #expect(try FaultSupport.readAll(reader) == before)
        reader.close()
        let reopened = try FaultSupport.reopenWriter(at: log)
        defer { reopened.close() }
        #expect(reopened.recovery.messages.contains { $0.contains("rebuilt the index of segment 1") }, "\(reopened.recovery.messages)")
        #expect(try FaultSupport.readAll(reopened) == before)
        #expect(IndexFileCheck.decode(try FileSurgery.bytes(indexPath)) == IndexFileCheck.decode(original))
    }
}
