#if canImport(Glibc)
import Glibc  // abort(), write(2) to stderr: a fuzz target's failure must not go through buffers
#endif

/// How a fuzz target reports a broken property: a message on stderr, then `abort()`, which
/// libFuzzer records as a crash and saves the input for.
public enum FuzzFailure {
    /// Stops the process with `message` when `condition` is false.
    public static func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
        if condition() { return }
        fail(message())
    }

    /// Prints `message` and aborts.
    public static func fail(_ message: String) -> Never {
        let line = Array(("fuzz property failed: " + message + "\n").utf8)
        line.withUnsafeBytes { raw in _ = write(2, raw.baseAddress, raw.count) }
        abort()
    }
}
