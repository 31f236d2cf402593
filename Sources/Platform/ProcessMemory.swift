#if canImport(Glibc)
import Glibc
#endif

/// The memory the process holds now, for the jq watchdog's memory ceiling.
///
/// Resident set size from `/proc/self/statm` (its second field, in pages). It is the whole
/// process's figure, read a few hundred times a second at most (one open, one read, one
/// close: about 10 µs), never per event.
public enum ProcessMemory {
    private static let pageSize: Int = {
        let size = sysconf(Int32(_SC_PAGESIZE))
        return size > 0 ? size : 4096
    }()

    /// Resident bytes, or nil where `/proc/self/statm` cannot be read (not Linux, no procfs):
    /// callers then have no memory ceiling, only the time budget.
    public static func residentBytes() -> Int? {
        let fd = Glibc.open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = Glibc.close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { raw -> Int in
            while true {
                let n = Glibc.read(fd, raw.baseAddress, raw.count)
                if n < 0 && errno == EINTR { continue }
                return n
            }
        }
        guard count > 0 else { return nil }
        // "size resident shared text lib data dt": the second number.
        var field = 0
        var value = 0
        var inNumber = false
        for byte in buffer[..<count] {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                if !inNumber { inNumber = true; value = 0 }
                value = value &* 10 &+ Int(byte - UInt8(ascii: "0"))
            } else if inNumber {
                inNumber = false
                field += 1
                if field == 2 { return value &* pageSize }
            }
        }
        return field == 1 && inNumber ? value &* pageSize : nil
    }
}
