import EventLog

import Platform

/// The projection files of a log: `LOG/projections/NAME.json` (see `ProjectionRecord`), and
/// `LOG/projections/LOCK`, an flock held by the one runner allowed to write them.
///
/// Every write is `FileJail.writeAtomically` (temp file, fsync, rename, fsync the
/// directory): a reader or a restarted runner sees the old file or the new one, never a mix.
/// Writes go through the log's `FileJail`: a link planted at `projections/`, at `LOCK` or at a
/// projection file is refused, never followed.
/// Safe to use from any thread; the files are the only state.
public struct ProjectionStore: Sendable {
    public static let directoryName = "projections"
    public static let lockFileName = "LOCK"

    public let logPath: String

    public init(logPath: String) {
        self.logPath = logPath
    }

    public var directory: String { logPath + "/" + Self.directoryName }

    public func path(of name: String) -> String { directory + "/" + name + ".json" }

    /// The log directory, through which every write here goes.
    private var jail: FileJail { FileJail(root: logPath) }
    private func relativePath(of name: String) -> String { Self.directoryName + "/" + name + ".json" }

    /// Why a projection file could not be read: which file and what is wrong.
    public struct ReadError: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String {
            "projection file \(path) cannot be read: \(reason); the next 'rewind project run' rebuilds it from the start"
        }
    }

    /// The whole file of `name`, or nil when the projection was never saved.
    public func load(_ name: String) throws(ReadError) -> ProjectionRecord? {
        let p = path(of: name)
        guard FileSystem.exists(p) else { return nil }
        let bytes: [UInt8]
        do { bytes = try FileSystem.readFile(p) } catch { throw ReadError(path: p, reason: "\(error)") }
        do { return try ProjectionRecord.decode(bytes) } catch { throw ReadError(path: p, reason: error.message) }
    }

    /// Every field but the state (cheap even for millions of partitions), or nil when the
    /// projection was never saved.
    public func loadHeader(_ name: String) throws(ReadError) -> ProjectionRecord? {
        let p = path(of: name)
        guard FileSystem.exists(p) else { return nil }
        do {
            let handle = try SystemFile.open(p, flags: .readOnly)
            defer { handle.close() }
            let prefix = try handle.read(count: 64 << 10, at: 0)
            if let record = try ProjectionRecord.decodeHeader(prefix: prefix) { return record }
        } catch let error as ProjectionRecord.DecodeError {
            throw ReadError(path: p, reason: error.message)
        } catch {
            throw ReadError(path: p, reason: "\(error)")
        }
        guard var record = try load(name) else { return nil }
        record.body = nil
        return record
    }

    /// Writes `bytes` (an encoded record) as the file of `name`, atomically and durably.
    public func save(_ bytes: [UInt8], name: String) throws {
        try jail.makeDirectory(Self.directoryName)
        try jail.writeAtomically(bytes, to: relativePath(of: name))
    }

    /// Removes the file of `name` (nothing when there is none).
    public func remove(_ name: String) throws {
        try jail.remove(relativePath(of: name))
    }

    /// The names of the saved projections, sorted.
    public func savedNames() -> [String] {
        guard FileSystem.isDirectory(directory), let entries = try? FileSystem.list(directory) else { return [] }
        return entries.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Removes temporary files left by a runner killed in the middle of a save (of every
    /// projection, or of those named). Call only while holding the lock, and with `names`
    /// when other runners share it (their saves in progress must not lose their temp files).
    func removeTemporaryFiles(of names: [String]? = nil) {
        guard let entries = try? FileSystem.list(directory) else { return }
        let prefixes = names.map { $0.map { $0 + ".json.tmp-" } }
        for entry in entries where entry.contains(".json.tmp-") {
            if let prefixes, !prefixes.contains(where: { entry.hasPrefix($0) }) { continue }
            try? jail.remove(Self.directoryName + "/" + entry)
        }
    }

    // MARK: The runner lock

    /// Another runner holds the projections of this log.
    public struct LockedError: Error, Sendable, Equatable, CustomStringConvertible {
        public var log: String
        public var holder: String
        public var description: String {
            "the projections of \(log) are being run by \(holder); stop it first (Ctrl-C), or wait for it to finish"
        }
    }

    /// The runner lock: a `PidLockFile` on `LOG/projections/LOCK`, released by `release()` or
    /// deinit, and by the kernel when the process dies (so a killed runner never blocks the next one).
    public typealias Lock = PidLockFile

    /// Takes the runner lock, or throws `LockedError` naming the holder. Retries for up to
    /// `patience` seconds while the lock file names no live process, since `isLocked()` probes
    /// the lock for an instant.
    public func acquireLock(command: String, patience: Double = 0.2) throws -> Lock {
        try jail.makeDirectory(Self.directoryName)
        do {
            return try PidLockFile.acquire(
                in: jail, name: Self.directoryName + "/" + Self.lockFileName, command: command,
                patience: .nanoseconds(Int64(max(0, patience) * 1e9)))
        } catch let busy as PidLockFile.Busy {
            throw LockedError(log: logPath, holder: busy.holder.description)
        }
    }

    /// True when a runner holds the lock now (probes it: takes and drops it when free).
    public func isLocked() -> Bool {
        PidLockFile.isHeld(in: jail, name: Self.directoryName + "/" + Self.lockFileName)
    }
}
