/// A failed system call: which call, on what path, and the errno it set.
///
/// This is the only place raw errno values are turned into something callers see; every wrapper
/// in `Syscall` throws it, and `EventLogError.io` carries it up to the user.
public struct IOError: Error, Sendable, Equatable, CustomStringConvertible {
    public let call: String
    public let path: String
    public let errno: Int32

    public init(call: String, path: String, errno: Int32) {
        self.call = call
        self.path = path
        self.errno = errno
    }

    /// The C library's text for the errno, e.g. "No space left on device".
    public var reason: String { Syscall.strerror(errno) }

    public var description: String { "\(call) failed on \(path): \(reason) (errno \(errno))" }

    /// True when the call failed because the path does not exist (ENOENT).
    public var isNotFound: Bool { errno == Errno.notFound }
}
