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
    /// Last modification, nanoseconds since the Unix epoch.
    public var modifiedNanoseconds: Int64

    init(_ st: stat) {
        size = Int(st.st_size)
        let type = st.st_mode & S_IFMT
        isDirectory = type == S_IFDIR
        isRegularFile = type == S_IFREG
        isSymbolicLink = type == S_IFLNK
        modifiedNanoseconds = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
    }
}
