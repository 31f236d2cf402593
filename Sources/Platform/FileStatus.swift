#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What stat(2) says about a file, reduced to what Rewind asks.
public struct FileStatus: Sendable, Equatable {
    public var size: Int
    public var isDirectory: Bool
    public var isRegularFile: Bool
    public var isSymbolicLink: Bool
    /// How many directory entries name this file (hard links).
    public var linkCount: Int
    /// The file's type in words, for errors: "a regular file", "a FIFO", "a socket"…
    public var kind: String
    /// Last modification, nanoseconds since the Unix epoch.
    public var modifiedNanoseconds: Int64
    /// The permission bits (`st_mode & 0o7777`), for files whose access rules matter
    /// (a password file read by group or world is ignored, as libpq does).
    public var permissions: UInt32

    init(_ st: stat) {
        size = Int(st.st_size)
        let type = st.st_mode & S_IFMT
        isDirectory = type == S_IFDIR
        isRegularFile = type == S_IFREG
        isSymbolicLink = type == S_IFLNK
        linkCount = Int(st.st_nlink)
        switch type {
        case S_IFREG: kind = "a regular file"
        case S_IFDIR: kind = "a directory"
        case S_IFLNK: kind = "a symbolic link"
        case S_IFIFO: kind = "a FIFO (named pipe)"
        case S_IFSOCK: kind = "a socket"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        default: kind = "a special file"
        }
        permissions = UInt32(st.st_mode & 0o7777)
        modifiedNanoseconds = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
    }
}
