import Foundation

import Platform

/// A Rewind event log: a directory of append-only segments, opened by one writer or any
/// number of readers.
///
/// Thread safety: all methods may be called from any thread. Appends from many threads share
/// fsyncs (group commit); readers in the same process see an event once it is durable. Readers
/// in other processes call `refresh()` (or use `LogFollower`) to see what the writer added.
///
/// Ownership: the log owns its file descriptors and, when writing, the `LOCK` file's flock;
/// `close()` releases them (so does deinit).
///
/// Why `@unchecked Sendable` is safe: every mutable stored property is read and written with
/// `monitor` held, except where one thread owns a piece of state by protocol: the group-commit
/// leader (while `WriterState.flushing` is set, every other appender and `close()` wait) writes
/// and syncs the active segment and advances its offsets without the lock, and the prefiller
/// zeroes only the range it claimed under the lock. The compiler cannot see these hand-offs,
/// which is why this one type keeps a condition variable and the unchecked conformance.
public final class EventLog: @unchecked Sendable {
    /// How a writer makes appends durable.
    public enum Durability: Sendable, Equatable {
        /// Acknowledge an append only after fdatasync (the default).
        case fsync
        /// Never fsync: for bulk imports that can be redone. A crash can lose recent appends
        /// (never corrupt older ones: the torn tail is cut on the next open).
        case noSync
    }

    public struct WriterOptions: Sendable {
        public var durability: Durability
        /// Written into the lock file so that a second writer's error names this one.
        public var command: String

        /// While appends arrive back to back, the commit record is rewritten at most this often
        /// (it dirties the header's page, which each fdatasync must then write too: about 15% of
        /// the rate of single-event appends from eight threads). Appends further apart than this
        /// rewrite it every group, so it lags one group. Zero: every group (the tests that pin
        /// the record's exact lag use it). See docs/FORMAT.md, "Acknowledged means known".
        public var commitRecordInterval: Duration

        public init(durability: Durability = .fsync, command: String = "rewind", commitRecordInterval: Duration = .milliseconds(5)) {
            self.durability = durability
            self.command = command
            self.commitRecordInterval = commitRecordInterval
        }
    }

    public let path: String
    public let segmentBytes: Int
    public let isWritable: Bool
    /// Opened with `positionsOnly`: no stream index (`knowsStreams`).
    let positionsOnly: Bool
    /// What opening found and repaired.
    public let recovery: RecoveryReport

    /// Guards everything below (and `writer`), and signals "durable" and "the log grew".
    let monitor = NSCondition()
    var index: LogIndex
    var files: [SystemFile]
    var isClosed = false
    var writer: WriterState?
    /// While an import transaction is open: the head before it. Readers of this handle see
    /// nothing past it until the import commits.
    var readCap: UInt64?

    /// The check table of the unchecked sealed segment a walk read last, by segment number
    /// (monitor held): kept for the next walk of a segment read in parts, dropped once checked.
    var checkTable: (number: UInt32, table: SegmentCheckTable)?

    /// The last position readers may see (monitor held).
    var visibleHead: UInt64 { min(index.head, readCap ?? .max) }
    let lock: PidLockFile?
    /// Stops the writer's background walk of its sealed segments on close.
    let sealedCheckCancellation = SealedSegmentCheck.Cancellation()

    init(path: String, segmentBytes: Int, loaded: LoadedLog, lock: PidLockFile?, writer: WriterState?, recovery: RecoveryReport) {
        self.path = path
        self.segmentBytes = segmentBytes
        self.index = loaded.index
        self.files = loaded.files
        self.lock = lock
        self.writer = writer
        self.isWritable = writer != nil
        self.positionsOnly = loaded.index.positionsOnly
        self.recovery = recovery
    }

    deinit {
        lock?.release()
    }

    /// Creates an empty log at `path` (the directory may exist but must not hold a log).
    public static func create(at path: String, segmentBytes: Int = LogFormat.defaultSegmentBytes) throws {
        guard segmentBytes >= LogFormat.minimumSegmentBytes else {
            throw EventLogError.invalidArgument("segment size \(segmentBytes) is too small; use at least \(LogFormat.minimumSegmentBytes) bytes")
        }
        guard segmentBytes <= LogFormat.maximumSegmentBytes else {
            throw EventLogError.invalidArgument("segment size \(segmentBytes) is too large; use at most \(LogFormat.maximumSegmentBytes) bytes")
        }
        if FileSystem.exists(path + "/" + LogFormat.markerFile) { throw EventLogError.alreadyExists(path: path) }
        if FileSystem.exists(path) && !FileSystem.isDirectory(path) {
            throw EventLogError.invalidArgument("\(path) exists and is not a directory; choose a directory for the log")
        }
        do {
            try FileSystem.makeDirectory(path)
            let jail = FileJail(root: path)
            try jail.makeDirectory(LogFormat.segmentsDirectory)
            try jail.makeDirectory(LogFormat.indexDirectory)
            // Where external consumers report their progress (read by `rewind lag`).
            try jail.makeDirectory(LogFormat.checkpointsDirectory)
            let marker = LogMarker(format: Int(LogFormat.formatVersion), segmentBytes: segmentBytes)
            try jail.writeAtomically(marker.encoded(), to: LogFormat.markerFile)
        } catch {
            throw EventLogError.wrap(error)
        }
    }

    /// Opens the log at `path` for reading only: takes no lock, repairs nothing.
    /// - Parameter positionsOnly: serve events by global position only (`event(at:)`,
    ///   `readAll`, `segmentSummaries`), without the stream index: opening a large log then
    ///   reads each sealed segment's batch offsets and not its stream table, which is most of
    ///   the time an open takes. Such a handle knows no streams (`streams()` is empty,
    ///   `readStream` visits nothing, `knowsStreams` is false), and checks the batches it serves
    ///   for their place and positions, not their stream's versions (`rewind verify` checks
    ///   everything). For `rewind trace`, which reads a handful of events by position.
    public static func openReadOnly(at path: String, positionsOnly: Bool = false) throws -> EventLog {
        try open(at: path, writer: nil, positionsOnly: positionsOnly)
    }

    /// False for a handle opened with `positionsOnly`: it has no stream index.
    public var knowsStreams: Bool { !positionsOnly }

    /// Opens the log at `path` as its single writer: takes the lock, recovers (torn tail,
    /// interrupted import, damaged indexes) and reports what it did in `recovery`.
    public static func openWriter(at path: String, options: WriterOptions = WriterOptions()) throws -> EventLog {
        try open(at: path, writer: options)
    }

    /// Releases the lock and the files. Appends waiting for durability finish first.
    public func close() {
        sealedCheckCancellation.cancel()
        monitor.lock()
        while writer?.flushing == true || writer?.prefillInFlight == true { monitor.wait() }
        if let w = writer, !isClosed, w.failure == nil, let handle = w.activeHandle {
            // Leave no preallocated zeros behind: a clean close says every byte is acknowledged.
            var trimmed = true
            if w.zeroedEnd > w.writeOffset { trimmed = (try? handle.truncate(to: w.writeOffset)) != nil }
            if trimmed && w.transaction == nil {
                // The data durable first (no-sync appends are not yet), then the final record.
                if w.durability == .noSync { try? handle.syncData() }
                if (try? ActiveTail.writeRecord(CommitRecord(end: w.writeOffset, final: true), to: handle)) != nil,
                   (try? handle.syncData()) != nil, index.segments.last?.length == w.writeOffset {
                    // Every byte is acknowledged and durable: the next reader may skip scanning them.
                    writeActiveCheckpoint(handle: handle)
                }
            } else if w.durability == .fsync {
                try? handle.syncData()
            }
        }
        isClosed = true
        for f in files { f.close() }
        writer?.activeHandle?.close()
        monitor.broadcast()
        monitor.unlock()
        lock?.release()
    }

    // MARK: - Summary queries

    /// The global position of the last event (0 for an empty log).
    public var head: UInt64 {
        monitor.lock(); defer { monitor.unlock() }
        return visibleHead
    }

    public var streamCount: Int {
        monitor.lock(); defer { monitor.unlock() }
        return index.streams.count
    }

    public var segmentCount: Int {
        monitor.lock(); defer { monitor.unlock() }
        return index.segments.count
    }

    /// Every stream, in the order they first appeared.
    public func streams() -> [StreamInfo] {
        monitor.lock(); defer { monitor.unlock() }
        return (0..<index.streams.count).compactMap { index.info(of: Int32($0), upTo: visibleHead) }
    }

    public func streamInfo(_ name: String) -> StreamInfo? {
        monitor.lock(); defer { monitor.unlock() }
        return index.streamID(name).flatMap { index.info(of: $0, upTo: visibleHead) }
    }

    /// The current version of a stream (0 when it does not exist).
    public func version(of stream: String) -> UInt64 {
        monitor.lock(); defer { monitor.unlock() }
        guard let id = index.streamID(stream) else { return 0 }
        return index.info(of: id, upTo: visibleHead)?.count ?? 0
    }

    /// Bytes the in-memory index holds (for benchmarks and `verify`).
    public var indexMemoryBytes: Int {
        monitor.lock(); defer { monitor.unlock() }
        return index.memoryBytes
    }

    /// The time now, in microseconds since the epoch.
    static func nowMicros() -> Int64 { WallClock.nowMicros() }

    var segmentsPath: String { path + "/" + LogFormat.segmentsDirectory }
    var indexPath: String { path + "/" + LogFormat.indexDirectory }
    func segmentPath(_ n: UInt32) -> String { segmentsPath + "/" + LogFormat.segmentFileName(n) }
    func indexFilePath(_ n: UInt32) -> String { indexPath + "/" + LogFormat.indexFileName(n) }
    /// The log directory as the jail every write in it goes through (no link is followed).
    var jail: FileJail { FileJail(root: path) }
    /// "segments/NNN.seg" and "index/NNN.idx": the files of segment `n`, relative to the log.
    static func segmentFile(_ n: UInt32) -> String { LogFormat.segmentsDirectory + "/" + LogFormat.segmentFileName(n) }
    static func indexFile(_ n: UInt32) -> String { LogFormat.indexDirectory + "/" + LogFormat.indexFileName(n) }
}
