import EventLog
import Platform

/// The derived checkpoint files of one projection, `LOG/cache/project-state/NAME/`: states
/// that `ProjectionTimeline` folded, kept so that the next process (one `rewind project state`
/// per question) starts near its position instead of at 1. See `ProjectionCheckpointFile` for
/// one file's format, and docs/PROJECTIONS.md for what is stored and when it is rebuilt.
///
/// Derived data, never trusted: a file is used only when its checksum holds, it was made by the
/// same definition (fingerprint) for the same projection, and the log still has the same events
/// at position 1 and at its position. A damaged file is removed (one line in `notes`); a stale
/// one (another definition, another log) removes the whole directory's files (one line). A
/// directory that cannot be written (a read-only log, a copy on read-only media) means no files
/// and no error: the timeline works in memory. Files are kept at multiples of `stride` (a power
/// of two, at least `Options.minimumStride`), and the stride doubles (dropping every other
/// file) when they would hold more than `Options.byteBudget`.
///
/// Writes go through the log's `FileJail` (no link is followed), each file written to a
/// temporary, fsync'd and renamed, so a crash leaves the old file or the new one. Nothing under
/// `LOG/projections/` is touched. Not thread-safe: owned by one timeline; two processes may
/// share the directory (a file is replaced whole by an identical one).
public final class ProjectionCheckpointFiles {
    public struct Options: Sendable, Equatable {
        /// Positions below this get no file (folding them is cheap), and files are at least this far apart.
        public var minimumStride: UInt64
        /// The most the files of this projection may hold.
        public var byteBudget: Int

        public init(minimumStride: UInt64 = 4096, byteBudget: Int = 256 << 20) {
            self.minimumStride = minimumStride
            self.byteBudget = byteBudget
        }
    }

    /// `LOG/<directory>/NAME/`.
    public static let directory = "cache/project-state"

    public let logPath: String
    public let projection: String
    public let options: Options
    /// Things the user should know, one line each (a damaged or stale file was dropped);
    /// `takeNotes()` empties it.
    public private(set) var notes: [String] = []
    /// The interval between files now.
    public private(set) var stride: UInt64
    private let jail: FileJail
    private var writable: Bool?
    /// Position → size of the files known to be there (listed on first use).
    private var known: [UInt64: Int]?
    private var logIdentity: EventID?

    public init(logPath: String, projection: String, options: Options = Options()) {
        self.logPath = logPath
        self.projection = projection
        self.options = options
        stride = powerOfTwo(atLeast: max(1, options.minimumStride))
        jail = FileJail(root: logPath)
    }

    /// The directory, relative to the log.
    public var relativeDirectory: String { Self.directory + "/" + projection }
    public var path: String { jail.path(relativeDirectory) }

    /// The positions of the files there now (valid or not), sorted.
    public var positions: [UInt64] { listing().keys.sorted() }
    public var totalBytes: Int { listing().values.reduce(0, +) }

    public func takeNotes() -> [String] {
        defer { notes = [] }
        return notes
    }

    // MARK: Reading

    /// The usable checkpoint closest at or below `position`, or nil; drops the damaged and
    /// stale files met on the way.
    func nearest(atOrBelow position: UInt64, log: any EventStore, fingerprint: String) -> ProjectorCheckpoint? {
        let head = log.head
        for candidate in listing().keys.sorted(by: >) where candidate <= position {
            let name = ProjectionCheckpointFile.fileName(candidate)
            let filePath = path + "/" + name
            let bytes: [UInt8]
            do { bytes = try FileSystem.readFile(filePath) } catch {
                drop(candidate, because: "it cannot be read (\(error))")
                continue
            }
            let decoded: (file: ProjectionCheckpointFile, state: ArraySlice<UInt8>)
            do { decoded = try ProjectionCheckpointFile.decode(bytes) } catch {
                drop(candidate, because: error.reason)
                continue
            }
            let file = decoded.file
            guard file.position == candidate else {
                drop(candidate, because: "it says position \(file.position)")
                continue
            }
            if let stale = staleness(of: file, log: log, head: head, fingerprint: fingerprint) {
                dropAll(because: stale)
                return nil
            }
            guard let checkpoint = file.checkpoint(state: decoded.state) else {
                drop(candidate, because: "its state is not JSON of the right shape")
                continue
            }
            return checkpoint
        }
        return nil
    }

    /// nil when `file` belongs to this projection, definition and log, else why not.
    private func staleness(of file: ProjectionCheckpointFile, log: any EventStore, head: UInt64, fingerprint: String) -> String? {
        if file.projection != projection { return "they belong to projection '\(file.projection)'" }
        if file.fingerprint != fingerprint { return "they were made by another definition of the projection" }
        if file.position > head { return "they were made against a longer log (position \(file.position), head \(head))" }
        guard let first = identity(of: log), first == file.firstEvent,
              let event = try? log.event(at: file.position), event.id == file.event
        else { return "they were made against another log (the events at their positions differ)" }
        return nil
    }

    private func identity(of log: any EventStore) -> EventID? {
        if logIdentity == nil { logIdentity = (try? log.event(at: 1))?.id }
        return logIdentity
    }

    // MARK: Writing

    /// Writes `checkpoint` as a file when its position is a multiple of the stride and no file
    /// is there yet; silently nothing when the directory cannot be written.
    func offer(_ checkpoint: ProjectorCheckpoint, log: any EventStore, fingerprint: String) {
        let position = checkpoint.position
        guard position >= options.minimumStride, position % stride == 0, listing()[position] == nil, prepare() else { return }
        guard let first = identity(of: log), let event = try? log.event(at: position) else { return }
        let file = ProjectionCheckpointFile(
            projection: projection, fingerprint: fingerprint, position: position, applied: checkpoint.applied,
            partitioned: checkpoint.isPartitioned, firstEvent: first, event: event.id)
        let bytes = file.encoded(state: checkpoint.stateJSON().serializedBytes())
        do {
            try jail.writeAtomically(bytes, to: relativeDirectory + "/" + ProjectionCheckpointFile.fileName(position))
        } catch {
            writable = false  // a full disk or a read-only mount: go on in memory
            return
        }
        known?[position] = bytes.count
        while totalBytes > options.byteBudget, stride < (1 << 40) {
            stride *= 2
            for p in listing().keys where p % stride != 0 { remove(p) }
        }
    }

    /// Removes every file of this projection (the directory stays).
    public func removeAll() {
        for p in listing().keys { remove(p) }
    }

    /// True when files can be written (the directory made on first use, and temporaries left
    /// there by a process killed mid-write more than an hour ago removed: a younger one may be
    /// another process's write in progress).
    private func prepare() -> Bool {
        if let writable { return writable }
        let ok = (try? jail.makeDirectory(relativeDirectory)) != nil
        writable = ok
        if ok, let names = try? FileSystem.list(path) {
            let hourAgo = WallClock.nanoseconds - 3_600_000_000_000
            for name in names where name.contains(ProjectionCheckpointFile.suffix + ".tmp-") {
                if let status = try? FileSystem.status(path + "/" + name, followLinks: false), status.modifiedNanoseconds < hourAgo {
                    try? jail.remove(relativeDirectory + "/" + name)
                }
            }
        }
        return ok
    }

    private func listing() -> [UInt64: Int] {
        if let known { return known }
        var found: [UInt64: Int] = [:]
        if let names = try? FileSystem.list(path) {
            for name in names {
                guard let p = ProjectionCheckpointFile.position(ofFileName: name) else { continue }
                found[p] = (try? FileSystem.fileSize(path + "/" + name)) ?? 0
            }
        }
        known = found
        return found
    }

    private func remove(_ position: UInt64) {
        try? jail.remove(relativeDirectory + "/" + ProjectionCheckpointFile.fileName(position))
        known?[position] = nil
    }

    private func drop(_ position: UInt64, because reason: String) {
        notes.append("projection cache file \(path)/\(ProjectionCheckpointFile.fileName(position)) is damaged (\(reason)); it is rebuilt")
        remove(position)
    }

    private func dropAll(because reason: String) {
        notes.append("the projection cache files in \(path) are stale (\(reason)); they are rebuilt")
        removeAll()
    }
}
