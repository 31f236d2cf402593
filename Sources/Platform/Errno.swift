#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The errno values callers test for, named, so that no layer above needs the C headers.
public enum Errno {
    public static let notFound: Int32 = ENOENT
    public static let exists: Int32 = EEXIST
    public static let io: Int32 = EIO
    public static let noSpace: Int32 = ENOSPC
    public static let interrupted: Int32 = EINTR
    public static let permission: Int32 = EPERM
    public static let accessDenied: Int32 = EACCES
    public static let notADirectory: Int32 = ENOTDIR
    public static let isADirectory: Int32 = EISDIR
    public static let wouldBlock: Int32 = EWOULDBLOCK
    public static let noSuchProcess: Int32 = ESRCH
    /// open(2) with O_NOFOLLOW on a symbolic link.
    public static let symbolicLinkLoop: Int32 = ELOOP
    /// open(2) for writing with O_NONBLOCK on a FIFO no one reads.
    public static let noSuchDeviceOrAddress: Int32 = ENXIO
    public static let invalidArgument: Int32 = EINVAL
}
