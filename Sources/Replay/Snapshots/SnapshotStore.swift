import Platform

/// The snapshot files of a log: `LOG/snapshots/<stream>/v<version>.snap`, one directory per
/// stream (its name encoded for the file system, see `directoryName(for:)`), one file per
/// version (20 digits, so names sort by version). Files are derived data: any of them may be
/// deleted at any time, and a damaged one is reported and ignored, never trusted.
///
/// Writes are atomic (temporary file and rename) but not fsynced: a snapshot lost or cut by a
/// crash is found corrupt by its checksum and rebuilt, which costs less than an fsync per file.
///
/// A value; safe from any thread (each call does its own file I/O through `FileSystem`).
public struct SnapshotStore: Sendable {
    public let logPath: String

    public init(logPath: String) {
        self.logPath = logPath
    }

    public var directory: String { logPath + "/" + Self.rootDirectoryName }
    static let rootDirectoryName = "snapshots"
    /// The log directory, through which every write here goes (no link in it is followed).
    private var jail: FileJail { FileJail(root: logPath) }

    /// `path` relative to the log, when it is a snapshot file of this store.
    private func relative(_ path: String) -> String {
        path.hasPrefix(logPath + "/") ? String(path.dropFirst(logPath.count + 1)) : path
    }

    /// One snapshot file, known by its name before it is read.
    public struct Entry: Sendable, Equatable {
        public var path: String
        public var version: UInt64
    }

    // MARK: Names

    /// A file-system-safe directory name for a stream: bytes outside `A-Z a-z 0-9 _ - .` (and a
    /// leading dot) are percent-encoded, so distinct streams get distinct names; names longer
    /// than 120 bytes keep their first 100 and add `~` and a hash of the whole name.
    public static func directoryName(for stream: String) -> String {
        var out = ""
        var cut: String?
        for (i, byte) in stream.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: ".") where i > 0:
                out.append(".")
            default:
                let digits = String(byte, radix: 16, uppercase: true)
                out += "%" + (digits.count == 1 ? "0" + digits : digits)
            }
            if cut == nil, out.utf8.count >= 100 { cut = out }
        }
        if out.isEmpty { return "%00" }
        if out.utf8.count > 120, let cut { return cut + "~" + Fingerprint.of(stream) }
        return out
    }

    public static func fileName(version: UInt64) -> String {
        let digits = String(version)
        return "v" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".snap"
    }

    static func version(ofFileName name: String) -> UInt64? {
        guard name.hasPrefix("v"), name.hasSuffix(".snap"), name.utf8.count == 26 else { return nil }
        return UInt64(name.dropFirst().dropLast(5))
    }

    public func directory(for stream: String) -> String {
        directory + "/" + Self.directoryName(for: stream)
    }

    // MARK: Listing and reading

    /// The snapshot files of `stream`, by version ascending.
    public func entries(stream: String) -> [Entry] {
        entries(inDirectory: directory(for: stream))
    }

    /// Every snapshot file, by directory then version.
    public func allEntries() -> [Entry] {
        guard let names = try? FileSystem.list(directory) else { return [] }
        return names.sorted().flatMap { entries(inDirectory: directory + "/" + $0) }
    }

    private func entries(inDirectory dir: String) -> [Entry] {
        guard FileSystem.isDirectory(dir), let names = try? FileSystem.list(dir) else { return [] }
        return names.compactMap { name in Self.version(ofFileName: name).map { Entry(path: dir + "/" + name, version: $0) } }
            .sorted { $0.version < $1.version }
    }

    /// Reads and checks one file (format and checksum, not fingerprint or drift).
    public func read(_ path: String) -> Result<Snapshot, SnapshotProblem> {
        let bytes: [UInt8]
        do { bytes = try FileSystem.readFile(path) } catch {
            return .failure(.corrupt("cannot be read (\(error))"))
        }
        return SnapshotCodec.decode(bytes)
    }

    /// The newest snapshot of `stream` at or below `version` that may be used: it reads back
    /// with a good checksum, was made by the reducer with `fingerprint`, names this stream,
    /// and no replay has ever disagreed with it. The ones skipped on the way are returned as
    /// issues.
    public func usable(stream: String, atOrBelow version: UInt64, fingerprint: String) -> (Snapshot?, [SnapshotIssue]) {
        var issues: [SnapshotIssue] = []
        for entry in entries(stream: stream).reversed() where entry.version <= version {
            func skip(_ problem: SnapshotProblem) {
                issues.append(SnapshotIssue(file: entry.path, stream: stream, version: entry.version, problem: problem))
            }
            switch read(entry.path) {
            case .failure(let problem):
                skip(problem)
            case .success(let snapshot):
                if snapshot.stream != stream || snapshot.version != entry.version {
                    skip(.orphaned("the file names \(snapshot.stream) version \(snapshot.version)"))
                } else if snapshot.fingerprint != fingerprint {
                    skip(.stale(recorded: snapshot.fingerprint, current: fingerprint))
                } else if !snapshot.matchesReplay {
                    skip(.drift([]))
                } else {
                    return (snapshot, issues)
                }
            }
        }
        return (nil, issues)
    }

    // MARK: Writing

    /// Writes (or replaces) the snapshot of its stream and version; returns the file's path.
    @discardableResult
    public func write(_ snapshot: Snapshot) throws -> String {
        let dir = Self.rootDirectoryName + "/" + Self.directoryName(for: snapshot.stream)
        try jail.makeDirectory(dir)
        let file = dir + "/" + Self.fileName(version: snapshot.version)
        try jail.writeAtomically(SnapshotCodec.encode(snapshot), to: file, durable: false)
        return jail.path(file)
    }

    /// Records that a replay disagreed with the snapshot in `path`, so it is never used again.
    public func markDrift(_ path: String) throws {
        guard case .success(var snapshot) = read(path), snapshot.matchesReplay else { return }
        snapshot.matchesReplay = false
        try jail.writeAtomically(SnapshotCodec.encode(snapshot), to: relative(path), durable: false)
    }

    /// Removes every snapshot file of `stream`; returns how many there were.
    @discardableResult
    public func removeAll(stream: String) throws -> Int {
        let list = entries(stream: stream)
        for entry in list { try jail.remove(relative(entry.path)) }
        return list.count
    }

    public func remove(_ entry: Entry) throws {
        try remove(file: entry.path)
    }

    /// Removes the snapshot file at `path` (one of this store's), through the log's jail.
    public func remove(file path: String) throws {
        try jail.remove(relative(path))
    }
}
