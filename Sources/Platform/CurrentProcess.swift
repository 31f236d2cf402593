#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// This process: its id and its environment.
public enum CurrentProcess {
    public static var id: Int32 { Syscall.getpid() }

    /// An environment variable, or nil when unset.
    public static func environment(_ name: String) -> String? { Syscall.environment(name) }
}

/// Other processes: whether one is alive, and sending it a signal.
public enum ProcessSignal: Sendable {
    case interrupt, terminate, kill, hangup, pipe

    public var number: Int32 {
        switch self {
        case .interrupt: SIGINT
        case .terminate: SIGTERM
        case .kill: SIGKILL
        case .hangup: SIGHUP
        case .pipe: SIGPIPE
        }
    }

    /// True when `pid` names a live process (kill(pid, 0); EPERM means alive but not ours).
    public static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        do {
            try Syscall.kill(pid, 0)
            return true
        } catch {
            return (error as? IOError)?.errno == Errno.permission
        }
    }

    /// Sends this signal to `pid`.
    public func send(to pid: Int32) throws {
        try Syscall.kill(pid, number)
    }

    /// Ignores this signal in this process (SIG_IGN), e.g. SIGPIPE so that a closed pipe is
    /// an EPIPE error instead of death.
    public func ignore() {
        _ = signal(number, SIG_IGN)
    }

    /// Installs a C handler for this signal. The handler runs in signal context: it may only
    /// touch atomics and make async-signal-safe calls.
    public func handle(with handler: @convention(c) (Int32) -> Void) {
        _ = signal(number, handler)
    }

    /// Restores the default action.
    public func restoreDefault() {
        _ = signal(number, SIG_DFL)
    }
}
