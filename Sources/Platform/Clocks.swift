#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one monotonic clock: for durations, deadlines and rates, never for dates.
public enum MonotonicClock {
    /// Nanoseconds since an arbitrary point (boot); never goes back.
    public static var nanoseconds: Int64 { Syscall.clockNanoseconds(CLOCK_MONOTONIC) }

    /// The same reading as a `Duration` since that point.
    public static var now: Duration { .nanoseconds(nanoseconds) }

    /// Seconds since the same point, for elapsed-time arithmetic in Double.
    public static var seconds: Double { Double(nanoseconds) / 1e9 }

    /// The time elapsed since `start` (a value of `nanoseconds`).
    public static func elapsed(since start: Int64) -> Duration {
        .nanoseconds(nanoseconds - start)
    }

    /// CPU time used by the calling thread, in nanoseconds (for benchmarks).
    public static var threadCPUNanoseconds: Int64 { Syscall.clockNanoseconds(CLOCK_THREAD_CPUTIME_ID) }
}

/// The one wall clock: for recorded times and dates shown to people; it can jump.
public enum WallClock {
    /// Microseconds since the Unix epoch: the unit of the log's recorded times and of the
    /// `updatedAt` of checkpoint files.
    public static func nowMicros() -> Int64 { Syscall.clockNanoseconds(CLOCK_REALTIME) / 1000 }

    /// Nanoseconds since the Unix epoch.
    public static var nanoseconds: Int64 { Syscall.clockNanoseconds(CLOCK_REALTIME) }

    /// Seconds since the Unix epoch.
    public static var seconds: Double { Double(nanoseconds) / 1e9 }
}
