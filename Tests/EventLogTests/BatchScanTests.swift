import Foundation
import Testing
@testable import EventLog
import Platform

/// The scan for valid batches beyond a damaged spot, on files that end early.
@Suite struct BatchScanTests {
    /// A writer trims its preallocated space at close; a reader that planned to scan up to the
    /// old size must stop at the new end instead of spinning (it once looped for ever there).
    @Test func scanningPastTheEndOfAShortenedFileStops() throws {
        let dir = NSTemporaryDirectory() + "rewind-scan-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for size in [0, 1, 3, 5, 4099, 70_000] {
            let path = dir + "/seg-\(size)"
            let handle = try SystemFile.open(path, flags: [.readWrite, .create])
            defer { handle.close() }
            if size > 0 { try handle.write(Array(repeating: UInt8(0xAB), count: size), at: 0) }
            var reader = BatchReader(chunkSize: 64 << 10)
            let found = try reader.validBatchExists(handle, after: 0, limit: 8 << 20, beyond: 0)
            #expect(!found)
        }
    }

    /// A reader's refresh scans the active segment up to the writer's zeros, then finds the
    /// segment sealed and scans the rest again. The second scan must read the file, not the
    /// zeros the first one buffered: served from the buffer, a healthy live log read as
    /// "a zero length field inside this sealed segment" (seen under load in
    /// `tailingReaderSeesEveryEventOnceInOrderAcrossSegmentRolls`).
    @Test func aRescanAfterForgetSeesBatchesWrittenOverBufferedZeros() throws {
        let dir = TemporaryDirectory()
        let log = try Fixtures.makeLog(in: dir)
        let writer = try EventLog.openWriter(at: log)
        try writer.append(to: "a", [Fixtures.event("One")])
        try writer.append(to: "a", [Fixtures.event("Two")])
        writer.close()
        let segment = FileSurgery.segmentPath(log: log, 1)
        let frames = try FileSurgery.frames(segment: segment)
        try #require(frames.count == 2)
        let whole = try FileSurgery.bytes(segment)
        // The first batch, then zeros where the second will be written (as the prefill leaves them).
        let path = dir.file("live.seg")
        let file = try SystemFile.open(path, flags: [.readWrite, .create])
        defer { file.close() }
        try file.write(Array(whole[0..<frames[0].end]) + [UInt8](repeating: 0, count: 4096), at: 0)
        var reader = BatchReader(chunkSize: 64 << 10)
        let first = try reader.scan(file, from: LogFormat.segmentHeaderSize, limit: frames[0].end + 4096) { _, _, _ in true }
        #expect(first.stop == .unwritten(offset: frames[0].end))
        // The writer writes the second batch and seals the segment at its end.
        try file.write(Array(whole[frames[1].offset..<frames[1].end]), at: frames[1].offset)
        try file.truncate(to: frames[1].end)
        reader.forget()
        var seen: [Int] = []
        let second = try reader.scan(file, from: frames[0].end, limit: frames[1].end) { _, _, offset in seen.append(offset); return true }
        #expect(second.stop == .end)
        #expect(seen == [frames[1].offset])
    }
}
