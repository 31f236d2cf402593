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
}
