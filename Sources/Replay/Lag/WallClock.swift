#if canImport(Glibc)
import Glibc
#endif

/// The wall clock in microseconds since the Unix epoch (CLOCK_REALTIME): the same time base
/// as the log's recorded times and the `updatedAt` of checkpoint files.
public enum WallClock {
    public static func nowMicros() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }
}
