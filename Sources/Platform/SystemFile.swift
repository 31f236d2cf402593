import Synchronization

/// An open file descriptor and the path it was opened at; closed by `close()` or on release.
///
/// Positioned calls (`read(…at:)`, `write(…at:)`) are safe from several threads at once on one
/// descriptor; the engine serialises writers itself. `close()` may race only with nothing: the
/// owner closes a file once no one else uses it. Every failure throws `IOError` naming the call
/// and this file's path.
public final class SystemFile: Sendable {
    public let path: String
    private let descriptor: Atomic<Int32>
    /// False for the standard streams: closing them is not ours to do.
    private let owned: Bool

    init(fd: Int32, path: String, owned: Bool = true) {
        descriptor = Atomic(fd)
        self.path = path
        self.owned = owned
    }

    deinit {
        let fd = descriptor.load(ordering: .relaxed)
        if owned && fd >= 0 { Syscall.close(fd) }
    }

    /// The descriptor, or -1 once closed.
    public var fd: Int32 { descriptor.load(ordering: .relaxed) }

    public var isOpen: Bool { fd >= 0 }

    /// Opens `path` with `flags`; new files get `mode` (0644).
    ///
    /// Opening for reading (no write flag, not `.directory`) accepts only a regular file,
    /// reached directly or through symbolic links: the open never waits (O_NONBLOCK, so a FIFO
    /// cannot hang it), and anything that is not a regular file (FIFO, socket, device,
    /// directory) is refused with an `IOError` whose explanation says so. Files Rewind writes
    /// inside a log directory are opened through `FileJail`, which never follows a link; this
    /// call, for writing, is for paths the user named (`--out`, spool files).
    public static func open(_ path: String, flags: OpenFlags, mode: UInt32 = 0o644) throws -> SystemFile {
        if flags.writes || flags.contains(.directory) {
            return SystemFile(fd: try Syscall.open(path, flags.union(.noControllingTerminal), mode: mode), path: path)
        }
        let fd = try Syscall.open(path, flags.union([.nonBlocking, .noControllingTerminal]), mode: mode)
        return try adoptRegular(fd: fd, path: path, reading: true)
    }

    /// Wraps a descriptor opened with O_NONBLOCK after checking (fstat) that it is a regular
    /// file, then clears O_NONBLOCK; closes it and throws an explained `IOError` otherwise.
    static func adoptRegular(fd: Int32, path: String, reading: Bool) throws -> SystemFile {
        let file = SystemFile(fd: fd, path: path)
        let status = try file.status()
        guard status.isRegularFile else {
            file.close()
            throw notRegular(path: path, kind: status.kind, reading: reading)
        }
        try Syscall.clearNonBlocking(fd, path: path)
        return file
    }

    /// The refusal of a file that is not a regular file, in words.
    static func notRegular(path: String, kind: String, reading: Bool) -> IOError {
        let rule = reading
            ? "Rewind reads only regular files (in a log directory, a config or a theme); replace it with a regular file or remove it"
            : "Rewind writes only regular files in a log directory; remove it and run the command again"
        return IOError(call: "open", path: path, errno: Errno.invalidArgument, explanation: "\(path) is \(kind), not a regular file; \(rule)")
    }

    /// Standard input, output and error, for sequential reads and writes; never closed.
    public static let standardInput = SystemFile(fd: 0, path: "<stdin>", owned: false)
    public static let standardOutput = SystemFile(fd: 1, path: "<stdout>", owned: false)
    public static let standardError = SystemFile(fd: 2, path: "<stderr>", owned: false)

    public func close() {
        let fd = descriptor.exchange(-1, ordering: .acquiringAndReleasing)
        if owned && fd >= 0 { Syscall.close(fd) }
    }

    /// The file's current size in bytes (fstat).
    public func size() throws -> Int {
        try Syscall.fileStatus(fd, path: path).size
    }

    /// The file's status (fstat).
    public func status() throws -> FileStatus {
        try Syscall.fileStatus(fd, path: path)
    }

    /// Reads up to `count` bytes at `offset` into `buffer`; returns how many were read (short only at EOF).
    public func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws -> Int {
        var done = 0
        while done < count {
            let n = try Syscall.pread(fd, buffer + done, count - done, offset + done, path: path)
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads exactly `count` bytes at `offset` into a new array, or fewer at end of file.
    public func read(count: Int, at offset: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let result = bytes.withUnsafeMutableBytes { raw -> Result<Int, any Error> in
            guard let base = raw.baseAddress else { return .success(0) }
            do { return .success(try read(into: base, count: count, at: offset)) } catch { return .failure(error) }
        }
        let got = try result.get()
        if got < count { bytes.removeLast(count - got) }
        return bytes
    }

    /// Reads what is available at the descriptor's position (pipes, standard input); 0 at end.
    public func readSome(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        try Syscall.read(fd, buffer, count, path: path)
    }

    /// Writes all of `bytes` at `offset` (pwrite, retried until complete).
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            done += try Syscall.pwrite(fd, base + done, bytes.count - done, offset + done, path: path)
        }
    }

    public func write(_ bytes: [UInt8], at offset: Int) throws {
        let result = bytes.withUnsafeBytes { raw -> Result<Void, any Error> in
            do { return .success(try write(raw, at: offset)) } catch { return .failure(error) }
        }
        try result.get()
    }

    /// Writes all of `bytes` at the descriptor's position (standard streams, pipes, append mode).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            done += try Syscall.write(fd, base + done, bytes.count - done, path: path)
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        let result = bytes.withUnsafeBytes { raw -> Result<Void, any Error> in
            do { return .success(try write(raw)) } catch { return .failure(error) }
        }
        try result.get()
    }

    /// Flushes the file's data (and the size, if it changed) to stable storage. A failure is
    /// final: see `Syscall.fdatasync`.
    public func syncData() throws {
        try Syscall.fdatasync(fd, path: path)
    }

    /// Flushes data and all metadata (used for directories and new files).
    public func sync() throws {
        try Syscall.fsync(fd, path: path)
    }

    public func truncate(to length: Int) throws {
        try Syscall.ftruncate(fd, length, path: path)
    }

    /// Takes an exclusive flock without waiting; false when another open file description holds it.
    public func tryLockExclusive() throws -> Bool {
        try Syscall.tryLockExclusive(fd, path: path)
    }

    /// True when this descriptor is a terminal.
    public var isTerminal: Bool { Syscall.isatty(fd) }

    /// The terminal's width in columns, or nil when this descriptor is not a terminal.
    public var terminalColumns: Int? { Syscall.windowSize(fd)?.columns }
}
