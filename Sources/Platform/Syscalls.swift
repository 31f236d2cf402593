#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the C calls the engine makes: error checks and EINTR retries live here and
/// nowhere else. Every function throws `IOError` naming the call and the path.
///
/// A `SystemFile` owns one descriptor; it is closed by `close()` or when the handle is released.
/// Handles are not synchronised: the engine confines each to one owner or guards it with a lock
/// (pread/pwrite at explicit offsets are safe to call concurrently on one descriptor).
public final class SystemFile: @unchecked Sendable {
    public let path: String
    public private(set) var fd: Int32

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit {
        if fd >= 0 { _ = Glibc.close(fd) }
    }

    /// Opens `path` with `flags` (O_RDONLY, O_RDWR|O_CREAT…), mode 0644 for new files.
    public static func open(_ path: String, flags: Int32, mode: mode_t = 0o644) throws -> SystemFile {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return SystemFile(fd: fd, path: path) }
            if errno == EINTR { continue }
            throw IOError(call: "open", path: path, errno: errno)
        }
    }

    public func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    /// The file's current size in bytes (fstat).
    public func size() throws -> Int {
        var st = stat()
        if fstat(fd, &st) != 0 { throw IOError(call: "fstat", path: path, errno: errno) }
        return Int(st.st_size)
    }

    /// Reads up to `count` bytes at `offset` into `buffer`; returns how many were read (short only at EOF).
    public func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws -> Int {
        var done = 0
        while done < count {
            let n = pread(fd, buffer + done, count - done, off_t(offset + done))
            if n > 0 { done += n; continue }
            if n == 0 { break }
            if errno == EINTR { continue }
            throw IOError(call: "pread", path: path, errno: errno)
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

    /// Writes all of `bytes` at `offset` (pwrite, retried until complete).
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(offset + done))
            if n > 0 { done += n; continue }
            if n < 0 && errno == EINTR { continue }
            throw IOError(call: "pwrite", path: path, errno: n < 0 ? errno : EIO)
        }
    }

    public func write(_ bytes: [UInt8], at offset: Int) throws {
        let result = bytes.withUnsafeBytes { raw -> Result<Void, any Error> in
            do { return .success(try write(raw, at: offset)) } catch { return .failure(error) }
        }
        try result.get()
    }

    /// Flushes the file's data (and the size, if it changed) to stable storage.
    public func syncData() throws {
        while fdatasync(fd) != 0 {
            if errno == EINTR { continue }
            throw IOError(call: "fdatasync", path: path, errno: errno)
        }
    }

    /// Flushes data and all metadata (used for directories and new files).
    public func sync() throws {
        while fsync(fd) != 0 {
            if errno == EINTR { continue }
            throw IOError(call: "fsync", path: path, errno: errno)
        }
    }

    public func truncate(to length: Int) throws {
        while ftruncate(fd, off_t(length)) != 0 {
            if errno == EINTR { continue }
            throw IOError(call: "ftruncate", path: path, errno: errno)
        }
    }

    /// Takes an exclusive flock without waiting; false when another open file description holds it.
    public func tryLockExclusive() throws -> Bool {
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK { return false }
            throw IOError(call: "flock", path: path, errno: errno)
        }
        return true
    }
}

/// Path-level calls: directories, renames, existence.
public enum FileSystem {
    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    public static func fileSize(_ path: String) throws -> Int {
        var st = stat()
        if stat(path, &st) != 0 { throw IOError(call: "stat", path: path, errno: errno) }
        return Int(st.st_size)
    }

    /// Creates the directory (and missing parents); succeeds if it already exists.
    public static func makeDirectory(_ path: String) throws {
        if isDirectory(path) { return }
        let parent = parentDirectory(of: path)
        if parent != path && !parent.isEmpty && !isDirectory(parent) { try makeDirectory(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw IOError(call: "mkdir", path: path, errno: errno)
        }
    }

    /// Names of the entries in a directory (without "." and ".."), unsorted.
    public static func list(_ path: String) throws -> [String] {
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

    public static func rename(_ from: String, to: String) throws {
        if Glibc.rename(from, to) != 0 { throw IOError(call: "rename", path: "\(from) -> \(to)", errno: errno) }
    }

    /// Removes a file; a missing file is not an error.
    public static func remove(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw IOError(call: "unlink", path: path, errno: errno) }
    }

    /// Creates a new, empty, private (0700) directory named `prefix` + six random characters
    /// (mkdtemp) and returns its path. `prefix` is a path, e.g. "/tmp/rewind-demo-".
    public static func makeTemporaryDirectory(prefix: String) throws -> String {
        var template = Array((prefix + "XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return mkdtemp(base) != nil
        }
        guard made else { throw IOError(call: "mkdtemp", path: prefix + "XXXXXX", errno: errno) }
        return String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Removes `path` and, when it is a directory, everything inside it (`rm -r`). Symbolic
    /// links are removed, never followed. A missing path is not an error.
    public static func removeTree(_ path: String) throws {
        var st = stat()
        if lstat(path, &st) != 0 {
            if errno == ENOENT { return }
            throw IOError(call: "lstat", path: path, errno: errno)
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            try remove(path)
            return
        }
        for entry in try list(path) { try removeTree(path + "/" + entry) }
        if rmdir(path) != 0 && errno != ENOENT { throw IOError(call: "rmdir", path: path, errno: errno) }
    }

    /// fsyncs a directory so that creations, renames and removals in it are durable.
    public static func syncDirectory(_ path: String) throws {
        let handle = try SystemFile.open(path, flags: O_RDONLY | O_DIRECTORY)
        try handle.sync()
    }

    /// Writes a whole file atomically: temp file, fsync, rename over `path`, fsync the directory.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, durable: Bool = true) throws {
        let temp = path + ".tmp-\(getpid())"
        let handle = try SystemFile.open(temp, flags: O_WRONLY | O_CREAT | O_TRUNC)
        try handle.write(bytes, at: 0)
        if durable { try handle.sync() }
        handle.close()
        try rename(temp, to: path)
        if durable { try syncDirectory(parentDirectory(of: path)) }
    }

    /// Reads a whole (small) file.
    public static func readFile(_ path: String) throws -> [UInt8] {
        let handle = try SystemFile.open(path, flags: O_RDONLY)
        let size = try handle.size()
        return try handle.read(count: size, at: 0)
    }

    public static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// An absolute, normalised form of `path` (realpath when it exists).
    public static func absolutePath(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let cwd = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return cwd + "/" + path
    }

    public static var processID: Int32 { getpid() }
}
