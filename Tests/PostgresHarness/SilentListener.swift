import Glibc

/// A loopback TCP listener that never answers: connections complete (the kernel's backlog) and
/// then hear nothing, so a client's timeout can be tested without a real hang.
public final class SilentListener: Sendable {
    public let port: Int
    let fd: Int32

    public init() throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PostgresHarnessError("socket() failed: errno \(errno)") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = self.fd
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok, listen(fd, 16) == 0 else {
            close(fd)
            throw PostgresHarnessError("cannot listen on loopback: errno \(errno)")
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    deinit { close(fd) }
}

extension PostgresServer {
    /// A loopback port nobody listens on (for "connection refused" tests).
    public static func freePortForTests() throws -> Int { try freePort() }
}
