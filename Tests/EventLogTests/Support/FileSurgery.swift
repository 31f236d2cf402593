import EventLog
import Foundation

/// Deliberate damage to a log's files, for the fault tests: cut, flip, overwrite, extend, and
/// find the files and batch frames to aim at. Plain Foundation file calls, no engine code, so
/// that the damage is exactly what the test says and nothing else.
///
/// Every helper throws `SurgeryError` (naming the call and the path) rather than trapping.
enum FileSurgery {
    struct SurgeryError: Error, CustomStringConvertible {
        var description: String
    }

    /// One whole batch frame as found on disk (`LogFormat`: bodyLength | body | crc | bodyLength).
    struct Frame: Equatable {
        /// Where the frame starts in its segment file.
        var offset: Int
        /// The whole frame: 12 + bodyLength.
        var length: Int
        var stream: String
        var eventCount: Int
        var firstPosition: UInt64
        var firstVersion: UInt64

        var end: Int { offset + length }
        var bodyLength: Int { length - LogFormat.batchFrameOverhead }
        /// Offset of the stored CRC.
        var crcOffset: Int { offset + 4 + bodyLength }
        /// Offset of the last byte of the body: the last byte of the last event's data.
        var lastDataByte: Int { offset + 4 + bodyLength - 1 }
        var lastPosition: UInt64 { firstPosition + UInt64(eventCount) - 1 }
    }

    // MARK: - Finding files

    /// The canonical absolute path (symlinks resolved), as the engine names files in errors.
    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func segmentPath(log: String, _ number: UInt32) -> String {
        realPath(log) + "/" + LogFormat.segmentsDirectory + "/" + LogFormat.segmentFileName(number)
    }

    static func indexPath(log: String, _ number: UInt32) -> String {
        realPath(log) + "/" + LogFormat.indexDirectory + "/" + LogFormat.indexFileName(number)
    }

    /// `LOG/segments/*.seg`, in segment order.
    static func segmentPaths(log: String) throws -> [String] {
        try numberedFiles(in: realPath(log) + "/" + LogFormat.segmentsDirectory, suffix: ".seg")
    }

    /// `LOG/index/*.idx`, in segment order.
    static func indexPaths(log: String) throws -> [String] {
        try numberedFiles(in: realPath(log) + "/" + LogFormat.indexDirectory, suffix: ".idx")
    }

    private static func numberedFiles(in directory: String, suffix: String) throws -> [String] {
        let names = try attempt("list", directory) { try FileManager.default.contentsOfDirectory(atPath: directory) }
        return names
            .compactMap { name in LogFormat.segmentNumber(fromFileName: name, suffix: suffix).map { (name, $0) } }
            .sorted { $0.1 < $1.1 }
            .map { directory + "/" + $0.0 }
    }

    /// Sizes of every file of the log (segments, indexes, marker, pending import) by path
    /// relative to the log, without the lock file (its text changes with every writer).
    /// Sizes of the log's files; for segments, the size without trailing zero bytes (the space an
    /// open writer preallocates ahead of its data is not data).
    /// A segment's size up to the end of its last whole batch (the header alone when it has
    /// none): what is data, without the zeros an open writer preallocates after it.
    static func dataSize(_ path: String) throws -> Int {
        if let last = try frames(segment: path).last { return last.end }
        return min(try size(path), LogFormat.segmentHeaderSize)
    }

    static func fileSizes(log: String) throws -> [String: Int] {
        let root = realPath(log)
        var sizes: [String: Int] = [:]
        for sub in ["", LogFormat.segmentsDirectory + "/", LogFormat.indexDirectory + "/"] {
            let names = try attempt("list", root + "/" + sub) { try FileManager.default.contentsOfDirectory(atPath: root + "/" + sub) }
            for name in names where name != LogFormat.lockFile {
                let path = root + "/" + sub + name
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    sizes[sub + name] = name.hasSuffix(".seg") ? try dataSize(path) : try size(path)
                }
            }
        }
        return sizes
    }

    /// Copies a whole log directory to `destination` (which must not exist).
    static func copyLog(_ log: String, to destination: String) throws {
        try attempt("copy", "\(log) -> \(destination)") { try FileManager.default.copyItem(atPath: log, toPath: destination) }
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    static func remove(_ path: String) throws {
        try attempt("remove", path) { try FileManager.default.removeItem(atPath: path) }
    }

    // MARK: - Reading

    static func size(_ path: String) throws -> Int {
        let attributes = try attempt("stat", path) { try FileManager.default.attributesOfItem(atPath: path) }
        guard let size = attributes[.size] as? NSNumber else { throw SurgeryError(description: "no size for \(path)") }
        return size.intValue
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SurgeryError(description: "cannot read \(path)")
        }
        return [UInt8](data)
    }

    /// The whole batch frames of a segment, in order, from its header to the first frame that
    /// does not fit in the file or does not parse. Reads only lengths and the body header: it
    /// checks no CRC, so it also finds frames the test is about to damage.
    static func frames(segment path: String) throws -> [Frame] {
        let b = try bytes(path)
        var frames: [Frame] = []
        var at = LogFormat.segmentHeaderSize
        while at + LogFormat.batchFrameOverhead + LogFormat.batchBodyHeaderSize <= b.count {
            let bodyLength = Int(u32(b, at))
            let length = bodyLength + LogFormat.batchFrameOverhead
            guard bodyLength >= LogFormat.batchBodyHeaderSize, at + length <= b.count,
                  Int(u32(b, at + 8 + bodyLength)) == bodyLength else { break }
            let body = at + 4
            let streamLength = Int(u16(b, body + 2))
            guard body + LogFormat.batchBodyHeaderSize + streamLength <= b.count else { break }
            let stream = String(decoding: b[(body + 24)..<(body + 24 + streamLength)], as: UTF8.self)
            frames.append(Frame(
                offset: at, length: length, stream: stream, eventCount: Int(u32(b, body + 4)),
                firstPosition: u64(b, body + 8), firstVersion: u64(b, body + 16)))
            at += length
        }
        return frames
    }

    static func u16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
    static func u32(_ b: [UInt8], _ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[at + $1]) << (8 * UInt32($1)) } }
    static func u64(_ b: [UInt8], _ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[at + $1]) << (8 * UInt64($1)) } }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }

    // MARK: - Commit records

    /// The commit record in a segment's header.
    static func commitRecord(_ path: String) throws -> CommitRecord.Field {
        CommitRecord.decode(u32(try bytes(path), CommitRecord.headerOffset))
    }

    /// Rewrites a segment's commit record, e.g. to what a crash in the middle of writing the
    /// batches from `end` on would have left, or to 0 (`nil`) as a rewind before records wrote it.
    static func setCommitRecord(_ path: String, _ record: CommitRecord?) throws {
        try overwrite(path, at: CommitRecord.headerOffset, with: le32(record?.encoded ?? 0))
    }

    /// Copies a log whose writer is still open: the files exactly as a kill -9 at this moment
    /// leaves them, with the lock file naming no process (the writer of the copy is gone).
    static func crashImage(of log: String, to destination: String) throws {
        try copyLog(log, to: destination)
        try write(realPath(destination) + "/" + LogFormat.lockFile, [])
    }

    // MARK: - Damage

    /// Truncates (or extends with zeros) the file to exactly `offset` bytes.
    static func cut(_ path: String, at offset: Int) throws {
        try withHandle(path, "truncate") { try $0.truncate(atOffset: UInt64(offset)) }
    }

    /// Inverts one bit (0 = least significant) of the byte at `offset`.
    static func flipBit(_ path: String, at offset: Int, bit: Int = 0) throws {
        let b = try bytes(path)
        guard offset < b.count else { throw SurgeryError(description: "flip at \(offset) is past the end of \(path) (\(b.count) bytes)") }
        try overwrite(path, at: offset, with: [b[offset] ^ UInt8(1 << (bit & 7))])
    }

    /// Writes `bytes` over the file from `offset` (extending it when they run past its end).
    static func overwrite(_ path: String, at offset: Int, with bytes: [UInt8]) throws {
        try withHandle(path, "write") { handle in
            try handle.seek(toOffset: UInt64(offset))
            try handle.write(contentsOf: Data(bytes))
        }
    }

    /// Adds `bytes` at the end of the file.
    static func append(_ path: String, _ bytes: [UInt8]) throws {
        try withHandle(path, "append") { handle in
            _ = try handle.seekToEnd()
            try handle.write(contentsOf: Data(bytes))
        }
    }

    /// Replaces a whole file's contents.
    static func write(_ path: String, _ bytes: [UInt8]) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw SurgeryError(description: "cannot write \(path)")
        }
    }

    private static func withHandle(_ path: String, _ call: String, _ body: (Foundation.FileHandle) throws -> Void) throws {
        guard let handle = Foundation.FileHandle(forUpdatingAtPath: path) else {
            throw SurgeryError(description: "\(call): cannot open \(path) for update")
        }
        defer { try? handle.close() }
        try attempt(call, path) {
            try body(handle)
            try handle.synchronize()
        }
    }

    @discardableResult
    private static func attempt<T>(_ call: String, _ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            throw SurgeryError(description: "\(call) \(path): \(error)")
        }
    }
}
