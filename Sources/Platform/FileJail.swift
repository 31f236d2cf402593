/// A directory Rewind writes into (a log directory), from which no write can escape: every
/// file and directory it creates, writes, renames or removes is reached without following a
/// symbolic link.
///
/// The rules (docs/SECURITY.md, "The log directory is a jail"):
/// - The root is opened with O_DIRECTORY; it may itself be reached through a link (the user
///   named it). Every directory below it is opened with `openat(O_DIRECTORY|O_NOFOLLOW)`
///   relative to its parent's descriptor, so a symbolic link where `projections/` or
///   `snapshots/<stream>/` should be is refused with a sentence naming it, not followed.
///   Directories Rewind makes are made with `mkdirat` and then opened the same way.
/// - A file is opened with `openat(O_NOFOLLOW|O_NONBLOCK|O_NOCTTY)` and then checked (fstat) to
///   be a regular file with one link: a symbolic link (`LOCK -> ~/.bashrc`), a FIFO, a device or
///   a hard link to a file elsewhere is refused and left untouched.
/// - Whole-file writes go to a temporary beside the target, created with
///   `O_CREAT|O_EXCL|O_NOFOLLOW` under an unpredictable name (`NAME.tmp-` + 16 random hex
///   digits), then `renameat` over the target (which replaces a link rather than following it).
/// - Reading is not the jail's business: `SystemFile.open` for reading follows links but only
///   to a regular file, and never waits on a FIFO.
///
/// A value holding only the root path; each call opens what it needs and closes it before
/// returning, so it is safe from any thread. Errors are `IOError`s; a refusal carries an
/// explanation that names the path and says what to do.
public struct FileJail: Sendable, Hashable {
    /// The jail's directory, as given (joined with "/" to relative paths in messages).
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// The full path of `relative` ("projections/LOCK"), for messages and readers.
    public func path(_ relative: String) -> String {
        relative.isEmpty || relative == "." ? root : root + "/" + relative
    }

    // MARK: Files

    /// Opens the regular file at `relative` for writing (`flags` must write, e.g.
    /// `[.readWrite, .create]`) without following a link; new files get `mode`.
    public func open(_ relative: String, flags: OpenFlags, mode: UInt32 = 0o644) throws -> SystemFile {
        let (dir, name) = split(relative)
        return try withDirectory(dir, create: false) { dirfd, _ in
            try openFile(in: dirfd, name: name, path: path(relative), flags: flags, mode: mode)
        }
    }

    /// Replaces the file at `relative` with `bytes` atomically: a fresh temporary (O_EXCL, a
    /// random name) is written, synced when `durable`, renamed over the target, and the
    /// directory synced when `durable`. The directory must exist (see `makeDirectory`).
    public func writeAtomically(_ bytes: [UInt8], to relative: String, durable: Bool = true) throws {
        let (dir, name) = split(relative)
        try withDirectory(dir, create: false) { dirfd, dirPath in
            let temp = name + ".tmp-" + Self.randomSuffix()
            let tempPath = dirPath + "/" + temp
            let handle = try openFile(in: dirfd, name: temp, path: tempPath, flags: [.writeOnly, .create, .exclusive], mode: 0o644)
            do {
                try handle.write(bytes, at: 0)
                if durable { try handle.sync() }
                handle.close()
                try Syscall.renameat(dirfd, temp, name, path: tempPath, toPath: path(relative))
            } catch {
                handle.close()
                try? Syscall.unlinkat(dirfd, temp, path: tempPath)
                throw error
            }
            if durable { try Syscall.fsync(dirfd, path: dirPath) }
        }
    }

    /// Removes the file at `relative` (a link is removed, never followed); a missing file or
    /// directory on the way is not an error.
    public func remove(_ relative: String) throws {
        let (dir, name) = split(relative)
        do {
            try withDirectory(dir, create: false) { dirfd, _ in
                try Syscall.unlinkat(dirfd, name, path: path(relative))
            }
        } catch let error as IOError where error.errno == Errno.notFound && !error.isRefusedFileType {}
    }

    // MARK: Directories

    /// Creates the directory `relative` and any missing parents inside the jail (mkdirat);
    /// succeeds when they exist as real directories, refuses a link or a file in the way.
    public func makeDirectory(_ relative: String) throws {
        try withDirectory(relative, create: true) { _, _ in }
    }

    /// fsyncs the directory `relative` ("" for the root) so that creations, renames and
    /// removals in it are durable.
    public func syncDirectory(_ relative: String = "") throws {
        try withDirectory(relative, create: false) { dirfd, dirPath in try Syscall.fsync(dirfd, path: dirPath) }
    }

    /// True when `relative` is a real directory inside the jail (no link on the way).
    public func isDirectory(_ relative: String) -> Bool {
        (try? withDirectory(relative, create: false) { _, _ in true }) ?? false
    }

    // MARK: The walk

    /// Calls `body` with a descriptor of the directory `relative` (and its full path), reached
    /// from the root one component at a time with O_NOFOLLOW; with `create`, missing
    /// directories are made on the way. Every descriptor is closed before this returns.
    func withDirectory<R>(_ relative: String, create: Bool, _ body: (Int32, String) throws -> R) throws -> R {
        var fd = try Syscall.open(root, [.directory, .noControllingTerminal])
        defer { Syscall.close(fd) }
        var walked = root
        for component in relative.split(separator: "/", omittingEmptySubsequences: true) where component != "." {
            let name = String(component)
            let next = walked + "/" + name
            guard name != ".." else {
                throw IOError(call: "openat", path: next, errno: Errno.invalidArgument,
                              explanation: "\(next) leaves the log directory (\"..\"); Rewind writes only inside \(root)")
            }
            if create {
                do { try Syscall.mkdirat(fd, name, path: next) } catch let error as IOError where error.errno == Errno.exists {}
            }
            let child: Int32
            do {
                child = try Syscall.openat(fd, name, [.directory, .noFollow, .noControllingTerminal], path: next)
            } catch let error as IOError where error.errno == Errno.symbolicLinkLoop || error.errno == Errno.notADirectory {
                throw refusal(of: next, in: fd, name: name, wanted: "a directory", cause: error)
            }
            Syscall.close(fd)
            fd = child
            walked = next
        }
        return try body(fd, walked)
    }

    /// Opens `name` in the directory `dirfd` without following a link or waiting, and keeps it
    /// only if it is a regular file with a single link.
    private func openFile(in dirfd: Int32, name: String, path: String, flags: OpenFlags, mode: UInt32) throws -> SystemFile {
        guard !name.isEmpty, name != ".", name != ".." else {
            throw IOError(call: "openat", path: path, errno: Errno.invalidArgument, explanation: "\(path) names no file inside \(root)")
        }
        let fd: Int32
        do {
            fd = try Syscall.openat(dirfd, name, flags.union([.noFollow, .nonBlocking, .noControllingTerminal]), mode: mode, path: path)
        } catch let error as IOError where error.errno == Errno.symbolicLinkLoop || error.errno == Errno.noSuchDeviceOrAddress
            || error.errno == Errno.isADirectory {
            throw refusal(of: path, in: dirfd, name: name, wanted: "a regular file", cause: error)
        }
        let file = try SystemFile.adoptRegular(fd: fd, path: path, reading: false)
        let status = try file.status()
        if status.linkCount > 1 {
            file.close()
            throw IOError(call: "openat", path: path, errno: Errno.invalidArgument, explanation:
                "\(path) has \(status.linkCount) hard links, so writing it would also change a file outside this log; "
                    + "make it a file of its own (cp \(path) \(path).copy && mv \(path).copy \(path)) and run the command again")
        }
        return file
    }

    /// The explained error for an entry that is not what Rewind writes there.
    private func refusal(of path: String, in dirfd: Int32, name: String, wanted: String, cause: IOError) -> IOError {
        guard let status = try? Syscall.statusAt(dirfd, name, path: path) else { return cause }
        if status.isSymbolicLink {
            return IOError(call: cause.call, path: path, errno: cause.errno, explanation:
                "\(path) is a symbolic link; Rewind never writes through a link inside a log directory "
                    + "(its target is left untouched): replace the link with \(wanted) and run the command again")
        }
        return IOError(call: cause.call, path: path, errno: cause.errno, explanation:
            "\(path) is \(status.kind), not \(wanted); Rewind writes only \(wanted == "a directory" ? "into real directories" : "regular files") "
                + "inside a log directory: remove it and run the command again")
    }

    /// ("snapshots/orders", "v….snap") from "snapshots/orders/v….snap"; ("", name) at the root.
    private func split(_ relative: String) -> (String, String) {
        guard let slash = relative.lastIndex(of: "/") else { return ("", relative) }
        return (String(relative[..<slash]), String(relative[relative.index(after: slash)...]))
    }

    /// 16 hex digits from the system's random source: a temporary's name no one can predict.
    public static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
