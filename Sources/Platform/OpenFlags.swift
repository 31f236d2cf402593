#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The flags of open(2) Rewind uses, as a Swift option set (O_CLOEXEC is always added).
public struct OpenFlags: OptionSet, Sendable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// O_RDONLY is 0: an empty set opens for reading.
    public static let readOnly: OpenFlags = []
    public static let writeOnly = OpenFlags(rawValue: O_WRONLY)
    public static let readWrite = OpenFlags(rawValue: O_RDWR)
    public static let create = OpenFlags(rawValue: O_CREAT)
    /// With `.create`: fail with EEXIST when the file exists.
    public static let exclusive = OpenFlags(rawValue: O_EXCL)
    public static let truncate = OpenFlags(rawValue: O_TRUNC)
    public static let append = OpenFlags(rawValue: O_APPEND)
    public static let directory = OpenFlags(rawValue: O_DIRECTORY)
    /// Fail with ELOOP when the last component is a symbolic link (`FileJail` adds it to every open).
    public static let noFollow = OpenFlags(rawValue: O_NOFOLLOW)
    /// Never wait in open(2) itself: a FIFO with no peer returns at once (read) or fails with ENXIO (write).
    public static let nonBlocking = OpenFlags(rawValue: O_NONBLOCK)
    /// A terminal device opened by mistake never becomes the controlling terminal.
    public static let noControllingTerminal = OpenFlags(rawValue: O_NOCTTY)

    /// True when the flags open for writing (or may create or truncate the file).
    public var writes: Bool {
        !intersection([.writeOnly, .readWrite, .create, .truncate, .append]).isEmpty
    }
}
