/// Path-level calls: directories, renames, removals, existence, whole small files.
public enum FileSystem {
    public static func exists(_ path: String) -> Bool {
        (try? Syscall.status(path)) != nil
    }

    public static func isDirectory(_ path: String) -> Bool {
        (try? Syscall.status(path))?.isDirectory ?? false
    }

    public static func isRegularFile(_ path: String) -> Bool {
        (try? Syscall.status(path))?.isRegularFile ?? false
    }

    /// stat(2): size, type and modification time; `followLinks: false` is lstat.
    public static func status(_ path: String, followLinks: Bool = true) throws -> FileStatus {
        try Syscall.status(path, followLinks: followLinks)
    }

    public static func fileSize(_ path: String) throws -> Int {
        try Syscall.status(path).size
    }

    /// Creates the directory (and missing parents); succeeds if it already exists.
    public static func makeDirectory(_ path: String) throws {
        if isDirectory(path) { return }
        let parent = parentDirectory(of: path)
        if parent != path && !parent.isEmpty && !isDirectory(parent) { try makeDirectory(parent) }
        do { try Syscall.mkdir(path) } catch let error as IOError where error.errno == Errno.exists {}
    }

    /// Names of the entries in a directory (without "." and ".."), unsorted.
    public static func list(_ path: String) throws -> [String] {
        try Syscall.listDirectory(path)
    }

    public static func rename(_ from: String, to: String) throws {
        try Syscall.rename(from, to)
    }

    /// Removes a file; a missing file is not an error.
    public static func remove(_ path: String) throws {
        do { try Syscall.unlink(path) } catch let error as IOError where error.errno == Errno.notFound {}
    }

    /// Creates a new, empty, private (0700) directory named `prefix` + six random characters
    /// (mkdtemp) and returns its path. `prefix` is a path, e.g. "/tmp/rewind-demo-".
    public static func makeTemporaryDirectory(prefix: String) throws -> String {
        try Syscall.mkdtemp(prefix: prefix)
    }

    /// Removes `path` and, when it is a directory, everything inside it (`rm -r`). Symbolic
    /// links are removed, never followed. A missing path is not an error.
    public static func removeTree(_ path: String) throws {
        let st: FileStatus
        do { st = try Syscall.status(path, followLinks: false) } catch let error as IOError where error.errno == Errno.notFound { return }
        guard st.isDirectory else {
            try remove(path)
            return
        }
        for entry in try list(path) { try removeTree(path + "/" + entry) }
        do { try Syscall.rmdir(path) } catch let error as IOError where error.errno == Errno.notFound {}
    }

    /// fsyncs a directory so that creations, renames and removals in it are durable.
    public static func syncDirectory(_ path: String) throws {
        let handle = try SystemFile.open(path, flags: .directory)
        try handle.sync()
    }

    /// Writes a whole file atomically: a temporary with an unpredictable name created with
    /// O_EXCL|O_NOFOLLOW beside `path`, fsync, rename over `path`, fsync the directory (see
    /// `FileJail.writeAtomically`, whose jail here is `path`'s directory). Files inside a log
    /// directory are written through the log's own `FileJail`, so no directory in it is followed.
    ///
    /// When the write, sync or rename fails (a full disk, an I/O error), `path` is left as it
    /// was and the temp file is removed (best effort) before the error is thrown, so that a
    /// failed save neither damages the old file nor leaves a half-written one beside it.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, durable: Bool = true) throws {
        guard let slash = path.lastIndex(of: "/") else {
            return try FileJail(root: ".").writeAtomically(bytes, to: path, durable: durable)
        }
        try FileJail(root: parentDirectory(of: path)).writeAtomically(bytes, to: String(path[path.index(after: slash)...]), durable: durable)
    }

    /// Creates a new file beside `path` for writing, named `path` + ".tmp-" + 16 random hex
    /// digits, with O_CREAT|O_EXCL|O_NOFOLLOW (a planted file or link makes it fail, never
    /// followed); returns it with its path. Rename it over `path` when complete.
    public static func makeTemporaryFile(beside path: String) throws -> (file: SystemFile, path: String) {
        let temp = path + ".tmp-" + FileJail.randomSuffix()
        return (try SystemFile.open(temp, flags: [.writeOnly, .create, .exclusive, .noFollow], mode: 0o644), temp)
    }

    /// Reads a whole (small) regular file (see `SystemFile.open`: never a FIFO or a device).
    public static func readFile(_ path: String) throws -> [UInt8] {
        let handle = try SystemFile.open(path, flags: .readOnly)
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
        if let resolved = Syscall.realpath(path) { return resolved }
        if path.hasPrefix("/") { return path }
        guard let cwd = Syscall.currentDirectory() else { return path }
        return cwd + "/" + path
    }

    /// The process's id (kept for callers that ask the file system for it; see `CurrentProcess`).
    public static var processID: Int32 { CurrentProcess.id }
}
