/// Blocking sleeps for threads that poll (lock retries, tail loops). Not for deciding a test's
/// outcome: tests wait for a condition with a deadline.
public enum Sleep {
    /// Sleeps the calling thread for `duration`, resuming after signals until it has passed.
    public static func `for`(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        Syscall.nanosleep(nanoseconds: seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    public static func milliseconds(_ n: Int) {
        Syscall.nanosleep(nanoseconds: Int64(n) * 1_000_000)
    }

    public static func microseconds(_ n: Int) {
        Syscall.nanosleep(nanoseconds: Int64(n) * 1000)
    }
}
