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
}
