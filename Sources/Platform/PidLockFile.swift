import Synchronization

/// An exclusive lock held through a file that names its holder: an flock on the file, whose
/// text is `pid=N command=TEXT`, so that whoever finds it taken can say who holds it.
///
/// The log's writer lock and the projection runner's lock are both this type, so both name a
/// holder the same way ("pid 4121 (rewind import)"). The kernel drops the flock when the holder
/// dies, so a killed holder never blocks the next one; `release()` (or deinit) clears the text
/// and closes the file. Thread-safe: `release()` may be called from any thread, once or more.
public final class PidLockFile: Sendable {
    public let path: String
    private let handle: SystemFile
    private let released = Atomic<Bool>(false)

    private init(path: String, handle: SystemFile) {
        self.path = path
        self.handle = handle
    }

    deinit { release() }

    /// Who holds a lock, as its file names them.
    public struct Holder: Sendable, Equatable, CustomStringConvertible {
        public var pid: Int32?
        public var command: String

        /// Parses the lock file's first line, `pid=N command=TEXT` (either part may be missing).
        public init(fileText text: String) {
            let line = Substring(text.split(separator: "\n").first ?? "")
            pid = Self.value(after: "pid=", in: line).flatMap { Int32($0.prefix(while: { $0.isNumber })) }
            command = Self.value(after: "command=", in: line).map(String.init) ?? ""
        }

        /// The rest of `line` after the first `key`, or nil when `key` does not occur.
        private static func value(after key: String, in line: Substring) -> Substring? {
            var rest = line[...]
            while !rest.isEmpty {
                if rest.hasPrefix(key) { return rest.dropFirst(key.count) }
                rest = rest.dropFirst()
            }
            return nil
        }

        /// "pid 4121 (rewind import)", "pid 4121", or "another process (its lock file names no pid)".
        public var description: String {
            guard let pid else { return "another process (its lock file names no pid)" }
            return command.isEmpty ? "pid \(pid)" : "pid \(pid) (\(command))"
        }
    }

    /// The lock is held by someone else (another process, or another open of the file in this one).
    public struct Busy: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var holder: Holder
        public var description: String { "\(path) is locked by \(holder)" }
    }

    /// Takes the lock at `path` (creating the file) and writes `pid=<this process> command=<command>`
    /// into it; throws `Busy` naming the holder, or `IOError`.
    ///
    /// While the file names no live process, tries again for up to `patience`: a holder names
    /// itself only after taking the lock, a releasing holder clears its name before the flock
    /// goes, another thread's fork can briefly hold a copy of a just-released lock, and a probe
    /// (`isHeld`) takes a free lock for an instant. A live, named holder fails at once.
    public static func acquire(path: String, command: String, patience: Duration = .milliseconds(200)) throws -> PidLockFile {
        let (jail, name) = jailAndName(path)
        return try acquire(in: jail, name: name, command: command, patience: patience)
    }

    /// `acquire(path:…)` for the file `name` inside `jail` ("projections/LOCK" in a log): the
    /// file is opened through `FileJail`, so a link or a FIFO planted there is refused, never
    /// emptied or waited on.
    public static func acquire(in jail: FileJail, name: String, command: String, patience: Duration = .milliseconds(200)) throws -> PidLockFile {
        let path = jail.path(name)
        let handle = try jail.open(name, flags: [.readWrite, .create])
        let deadline = MonotonicClock.nanoseconds + Int64(patience.components.seconds) * 1_000_000_000
            + patience.components.attoseconds / 1_000_000_000
        var holder = Holder(fileText: "")
        while true {
            if try handle.tryLockExclusive() {
                try handle.truncate(to: 0)
                try handle.write(Array("pid=\(CurrentProcess.id) command=\(command)\n".utf8), at: 0)
                return PidLockFile(path: path, handle: handle)
            }
            holder = Holder(fileText: (try? handle.read(count: 512, at: 0)).map { String(decoding: $0, as: UTF8.self) } ?? "")
            if let pid = holder.pid, ProcessSignal.isAlive(pid) { break }
            if MonotonicClock.nanoseconds >= deadline { break }
            Sleep.milliseconds(2)
        }
        handle.close()
        throw Busy(path: path, holder: holder)
    }

    /// True when someone holds the lock at `path` now. Probes it: takes and drops it when free.
    public static func isHeld(path: String) -> Bool {
        let (jail, name) = jailAndName(path)
        return isHeld(in: jail, name: name)
    }

    /// `isHeld(path:)` for the file `name` inside `jail`; a link or a FIFO there is not a lock.
    public static func isHeld(in jail: FileJail, name: String) -> Bool {
        guard FileSystem.exists(jail.path(name)), let handle = try? jail.open(name, flags: .readWrite) else { return false }
        defer { handle.close() }
        return (try? handle.tryLockExclusive()) == false
    }

    /// The holder named by the file at `path` (whether or not the lock is held).
    public static func holder(path: String) -> Holder {
        Holder(fileText: (try? FileSystem.readFile(path)).map { String(decoding: $0.prefix(512), as: UTF8.self) } ?? "")
    }

    /// The jail of a bare path: its parent directory (a link there is the caller's choice).
    private static func jailAndName(_ path: String) -> (FileJail, String) {
        guard let slash = path.lastIndex(of: "/") else { return (FileJail(root: "."), path) }
        return (FileJail(root: FileSystem.parentDirectory(of: path)), String(path[path.index(after: slash)...]))
    }

    /// True until `release()`.
    public var isHeld: Bool { !released.load(ordering: .relaxed) }

    /// Clears the holder's name, then releases the flock (closing the descriptor).
    public func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try? handle.truncate(to: 0)
        handle.close()
    }
}
