#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One thin wrapper per C call: the error check, the EINTR retry and the fault seam live here
/// and nowhere else.
///
/// Every wrapper that can fail throws `IOError` naming the call and the path it was made on
/// (descriptor calls take the path only to say it). The calls a test can make fail go through
/// `FaultInjection` first; an injected errno is handled exactly like a real one. Nothing here
/// keeps state: callers own descriptors (`SystemFile`) and directories (`FileSystem`).
public enum Syscall {
    /// Sets errno as the C call would have, so the retry logic is the same for real and injected failures.
    @inline(__always)
    private static func inject(_ call: FaultInjection.Call, _ path: String, _ other: String? = nil) -> Bool {
        guard let e = FaultInjection.injectedErrno(call, path, other) else { return false }
        errno = e
        return true
    }

    /// open(2) with O_CLOEXEC; retried on EINTR.
    public static func open(_ path: String, _ flags: OpenFlags, mode: UInt32 = 0o644) throws -> Int32 {
        while true {
            let fd = inject(.open, path) ? -1 : Glibc.open(path, flags.rawValue | O_CLOEXEC, mode_t(mode))
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw IOError(call: "open", path: path, errno: errno)
        }
    }

    /// openat(2) with O_CLOEXEC relative to the directory `dirfd`; retried on EINTR. `path` is
    /// the whole path, for errors and the fault seam.
    public static func openat(_ dirfd: Int32, _ name: String, _ flags: OpenFlags, mode: UInt32 = 0o644, path: String) throws -> Int32 {
        while true {
            let fd = inject(.open, path) ? -1 : Glibc.openat(dirfd, name, flags.rawValue | O_CLOEXEC, mode_t(mode))
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw IOError(call: "openat", path: path, errno: errno)
        }
    }

    /// fcntl(F_GETFL/F_SETFL): clears O_NONBLOCK, once an open that must not wait has returned.
    public static func clearNonBlocking(_ fd: Int32, path: String) throws {
        let flags = fcntl(fd, F_GETFL)
        if flags < 0 { throw IOError(call: "fcntl", path: path, errno: errno) }
        if flags & O_NONBLOCK == 0 { return }
        if fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 { throw IOError(call: "fcntl", path: path, errno: errno) }
    }

    /// mkdirat(2) relative to the directory `dirfd`.
    public static func mkdirat(_ dirfd: Int32, _ name: String, mode: UInt32 = 0o755, path: String) throws {
        if inject(.mkdir, path) || Glibc.mkdirat(dirfd, name, mode_t(mode)) != 0 {
            throw IOError(call: "mkdirat", path: path, errno: errno)
        }
    }

    /// unlinkat(2) of a file (not a directory) relative to the directory `dirfd`.
    public static func unlinkat(_ dirfd: Int32, _ name: String, path: String) throws {
        if inject(.unlink, path) || Glibc.unlinkat(dirfd, name, 0) != 0 {
            throw IOError(call: "unlinkat", path: path, errno: errno)
        }
    }

    /// renameat(2) within the directory `dirfd`: atomically replaces `to` with `from` (a
    /// symbolic link at `to` is replaced, never followed).
    public static func renameat(_ dirfd: Int32, _ from: String, _ to: String, path: String, toPath: String) throws {
        if inject(.rename, path, toPath) || Glibc.renameat(dirfd, from, dirfd, to) != 0 {
            throw IOError(call: "renameat", path: "\(path) -> \(toPath)", errno: errno)
        }
    }

    /// fstatat(2) with AT_SYMLINK_NOFOLLOW: the status of the entry itself (a link is a link).
    public static func statusAt(_ dirfd: Int32, _ name: String, path: String) throws -> FileStatus {
        var st = stat()
        if fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 { throw IOError(call: "fstatat", path: path, errno: errno) }
        return FileStatus(st)
    }

    /// close(2). Not retried on EINTR: on Linux the descriptor is gone either way.
    public static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// pread(2): up to `count` bytes at `offset`; 0 at end of file.
    public static func pread(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, _ offset: Int, path: String) throws -> Int {
        while true {
            let n = inject(.read, path) ? -1 : Glibc.pread(fd, buffer, count, off_t(offset))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw IOError(call: "pread", path: path, errno: errno)
        }
    }

    /// read(2) at the descriptor's position (pipes, standard input); 0 at end of input.
    public static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, path: String) throws -> Int {
        while true {
            let n = inject(.read, path) ? -1 : Glibc.read(fd, buffer, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw IOError(call: "read", path: path, errno: errno)
        }
    }

    /// The bytes a write call may write: all, none (errno set), or half (an injected short write).
    @inline(__always)
    private static func writable(_ path: String, _ count: Int) -> Int? {
        switch FaultInjection.injectedWrite(path, count: count) {
        case .none: return count
        case .short: return count / 2
        case .fail(let e):
            errno = e
            return nil
        }
    }

    /// pwrite(2): some of `count` bytes at `offset`; returns how many.
    public static func pwrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int, _ offset: Int, path: String) throws -> Int {
        while true {
            let n = writable(path, count).map { Glibc.pwrite(fd, buffer, $0, off_t(offset)) } ?? -1
            if n > 0 || (n == 0 && count == 0) { return n }
            if n == 0 { throw IOError(call: "pwrite", path: path, errno: EIO) }
            if errno == EINTR { continue }
            throw IOError(call: "pwrite", path: path, errno: errno)
        }
    }

    /// write(2) at the descriptor's position (pipes, standard streams); returns how many.
    public static func write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int, path: String) throws -> Int {
        while true {
            let n = writable(path, count).map { Glibc.write(fd, buffer, $0) } ?? -1
            if n > 0 || (n == 0 && count == 0) { return n }
            if n == 0 { throw IOError(call: "write", path: path, errno: EIO) }
            if errno == EINTR { continue }
            throw IOError(call: "write", path: path, errno: errno)
        }
    }

    /// fdatasync(2). An EINTR is retried (the call did not run); any other failure is final:
    /// after a failed sync the kernel may have dropped the dirty pages, so a second sync that
    /// succeeds proves nothing. Callers must treat the data as lost.
    public static func fdatasync(_ fd: Int32, path: String) throws {
        while true {
            if !inject(.fdatasync, path) && Glibc.fdatasync(fd) == 0 { return }
            if errno == EINTR { continue }
            throw IOError(call: "fdatasync", path: path, errno: errno)
        }
    }

    /// fsync(2), same contract as `fdatasync`; also makes metadata durable (new files, directories).
    public static func fsync(_ fd: Int32, path: String) throws {
        while true {
            if !inject(.fsync, path) && Glibc.fsync(fd) == 0 { return }
            if errno == EINTR { continue }
            throw IOError(call: "fsync", path: path, errno: errno)
        }
    }

    /// ftruncate(2).
    public static func ftruncate(_ fd: Int32, _ length: Int, path: String) throws {
        while true {
            if !inject(.ftruncate, path) && Glibc.ftruncate(fd, off_t(length)) == 0 { return }
            if errno == EINTR { continue }
            throw IOError(call: "ftruncate", path: path, errno: errno)
        }
    }

    /// flock(2) exclusive and non-blocking: false when another open file description holds it.
    public static func tryLockExclusive(_ fd: Int32, path: String) throws -> Bool {
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK { return false }
            throw IOError(call: "flock", path: path, errno: errno)
        }
    }

    /// fstat(2): the file's status.
    public static func fileStatus(_ fd: Int32, path: String) throws -> FileStatus {
        var st = stat()
        if fstat(fd, &st) != 0 { throw IOError(call: "fstat", path: path, errno: errno) }
        return FileStatus(st)
    }

    /// stat(2) (follows links) or lstat(2) (does not).
    public static func status(_ path: String, followLinks: Bool = true) throws -> FileStatus {
        var st = stat()
        let rc = followLinks ? stat(path, &st) : lstat(path, &st)
        if rc != 0 { throw IOError(call: followLinks ? "stat" : "lstat", path: path, errno: errno) }
        return FileStatus(st)
    }

    /// mkdir(2).
    public static func mkdir(_ path: String, mode: UInt32 = 0o755) throws {
        if inject(.mkdir, path) || Glibc.mkdir(path, mode_t(mode)) != 0 {
            throw IOError(call: "mkdir", path: path, errno: errno)
        }
    }

    /// rmdir(2).
    public static func rmdir(_ path: String) throws {
        if Glibc.rmdir(path) != 0 { throw IOError(call: "rmdir", path: path, errno: errno) }
    }

    /// unlink(2).
    public static func unlink(_ path: String) throws {
        if inject(.unlink, path) || Glibc.unlink(path) != 0 { throw IOError(call: "unlink", path: path, errno: errno) }
    }

    /// rename(2): atomically replaces `to` with `from`.
    public static func rename(_ from: String, _ to: String) throws {
        if inject(.rename, from, to) || Glibc.rename(from, to) != 0 {
            throw IOError(call: "rename", path: "\(from) -> \(to)", errno: errno)
        }
    }

    /// opendir/readdir/closedir: the names in a directory, without "." and "..", unsorted.
    public static func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw IOError(call: "opendir", path: path, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// mkdtemp(3): creates a private directory from `prefix` + six random characters.
    public static func mkdtemp(prefix: String) throws -> String {
        var template = Array((prefix + "XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return Glibc.mkdtemp(base) != nil
        }
        guard made else { throw IOError(call: "mkdtemp", path: prefix + "XXXXXX", errno: errno) }
        return String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// realpath(3), or nil when the path does not resolve.
    public static func realpath(_ path: String) -> String? {
        guard let resolved = Glibc.realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// getcwd(3), or nil when the working directory is gone.
    public static func currentDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
        guard getcwd(&buffer, buffer.count) != nil else { return nil }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// getpid(2).
    public static func getpid() -> Int32 { Glibc.getpid() }

    /// kill(2): sends `signal` (0 only checks that the process exists and may be signalled).
    public static func kill(_ pid: Int32, _ signal: Int32) throws {
        if Glibc.kill(pid, signal) != 0 { throw IOError(call: "kill", path: "pid \(pid)", errno: errno) }
    }

    /// clock_gettime(2) in nanoseconds. The clocks Rewind uses cannot fail on Linux.
    public static func clockNanoseconds(_ clock: clockid_t) -> Int64 {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// nanosleep(2) for the whole duration, resumed after a signal with the time remaining.
    public static func nanosleep(nanoseconds: Int64) {
        guard nanoseconds > 0 else { return }
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while Glibc.nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    /// strerror(3): the C library's sentence for an errno, e.g. "No space left on device".
    public static func strerror(_ code: Int32) -> String {
        guard let text = Glibc.strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }

    /// isatty(3).
    public static func isatty(_ fd: Int32) -> Bool { Glibc.isatty(fd) == 1 }

    /// ioctl(TIOCGWINSZ): the terminal's columns and rows, or nil when `fd` is not a terminal.
    public static func windowSize(_ fd: Int32) -> (columns: Int, rows: Int)? {
        var size = winsize()
        guard Glibc.isatty(fd) == 1, ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row))
    }

    /// getenv(3).
    public static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}
