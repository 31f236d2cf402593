/// A failed or refused system call: which call, on what path, and the errno it set.
///
/// This is the only place raw errno values are turned into something callers see; every wrapper
/// in `Syscall` throws it, and `EventLogError.io` carries it up to the user. A call Rewind
/// refuses itself (a symbolic link or a FIFO where a log directory must hold a real file, see
/// `FileJail`) carries an `explanation`: a whole sentence naming the path and what to do, which
/// replaces the C library's text.
public struct IOError: Error, Sendable, Equatable, CustomStringConvertible {
    public let call: String
    public let path: String
    public let errno: Int32
    /// Why Rewind refused, in words, when the refusal is Rewind's rather than the kernel's.
    public let explanation: String?

    public init(call: String, path: String, errno: Int32, explanation: String? = nil) {
        self.call = call
        self.path = path
        self.errno = errno
        self.explanation = explanation
    }

    /// The C library's text for the errno, e.g. "No space left on device", or the explanation.
    public var reason: String { explanation ?? Syscall.strerror(errno) }

    public var description: String {
        if let explanation { return explanation }
        return "\(call) failed on \(path): \(reason) (errno \(errno))"
    }

    /// True when the call failed because the path does not exist (ENOENT).
    public var isNotFound: Bool { errno == Errno.notFound }

    /// True when Rewind refused the file for its type (symbolic link, FIFO, device…) rather
    /// than the kernel failing the call.
    public var isRefusedFileType: Bool { explanation != nil }
}
