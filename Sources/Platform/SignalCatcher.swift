#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Turns signals (SIGINT, SIGTERM, SIGHUP…) into a flag and a call on a thread of its own,
/// whichever thread of the process the kernel delivers them to.
///
/// Why not a dispatch signal source: on Linux, libdispatch reads signals through a signalfd
/// and blocks them only in the thread that registers the source, with the signal set to
/// SIG_IGN. A process-directed signal goes to any thread that does not block it, and there,
/// ignored, it is gone: a `rewind demo` started its writer and projection threads before
/// watching SIGTERM, and under load the signal landed on one of them and the demo never
/// stopped. Here the signal has a real handler (`sigaction`), so every thread takes it the same
/// way. The handler does only async-signal-safe work: an atomic OR into a pending mask and a
/// one-byte `write` to a pipe; a reader thread, started once per process, drains the pipe and
/// runs the actions of the catchers registered for the signals that came.
///
/// Thread safety: every method may be called from any thread.
public final class SignalCatcher: Sendable {
    private let signals: [Int32]
    private let id: Int
    private let didFire = Monitor(false)

    /// Catches `signals` until `cancel()`: `fired` becomes true and `action` runs (on the
    /// catcher's thread, outside any signal handler, so it may take locks) for each delivery.
    public init(signals: [ProcessSignal], _ action: @escaping @Sendable () -> Void) {
        self.signals = signals.map(\.number)
        let fired = didFire
        id = Self.hub.register(self.signals) {
            fired.update { $0 = true }
            action()
        }
    }

    deinit { cancel() }

    /// True once one of the signals arrived.
    public var fired: Bool { didFire.read { $0 } }

    /// Stops catching; a signal no other catcher wants gets its default action back.
    public func cancel() {
        Self.hub.unregister(id)
    }

    // MARK: - The process-wide part

    private static let hub = Hub()

    /// Signals that arrived and were not yet dispatched, one bit per signal number; and the
    /// pipe's write end. Both are set before any handler is installed (the reader thread and the
    /// pipe are made in `Hub.init`), so a handler only ever reads initialised values.
    private static let pending = Atomic<UInt64>(0)
    private static let wakeFD = Atomic<Int32>(-1)

    /// The signal handler: async-signal-safe calls only, and errno left as it was.
    private static let handler: @convention(c) (Int32) -> Void = { sig in
        let saved = errno
        if sig > 0 && sig < 64 { SignalCatcher.pending.bitwiseOr(UInt64(1) << UInt64(sig), ordering: .sequentiallyConsistent) }
        var byte: UInt8 = 1
        _ = write(SignalCatcher.wakeFD.load(ordering: .sequentiallyConsistent), &byte, 1)
        errno = saved
    }

    private final class Hub: Sendable {
        struct Entry {
            var id: Int
            var signals: [Int32]
            var action: @Sendable () -> Void
        }

        private let entries = Mutex<(next: Int, list: [Entry], reading: Bool)>((0, [], false))
        private let readFD: Int32

        init() {
            var fds: [Int32] = [-1, -1]
            if pipe(&fds) != 0 { fds = [-1, -1] }
            readFD = fds[0]
            for fd in fds where fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            // A full pipe must not block a handler: the reader drains the mask, not the bytes.
            if fds[1] >= 0 { _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK) }
            SignalCatcher.wakeFD.store(fds[1], ordering: .sequentiallyConsistent)
            _ = SignalCatcher.pending.load(ordering: .sequentiallyConsistent)  // initialised before any handler runs
        }

        /// Starts the reader (once, from `register`): a queue of its own that blocks in `read`.
        func startReader() {
            let fd = readFD
            guard fd >= 0 else { return }
            DispatchQueue(label: "rewind.signals").async { [self] in
                var buffer = [UInt8](repeating: 0, count: 64)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 64) }
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { return }
                    self.dispatch(SignalCatcher.pending.exchange(0, ordering: .sequentiallyConsistent))
                }
            }
        }

        func register(_ signals: [Int32], _ action: @escaping @Sendable () -> Void) -> Int {
            let (id, start) = entries.withLock { e in
                let id = e.next
                e.next += 1
                e.list.append(Entry(id: id, signals: signals, action: action))
                for sig in signals { SignalCatcher.install(sig) }
                defer { e.reading = true }
                return (id, !e.reading)
            }
            if start { startReader() }
            return id
        }

        func unregister(_ id: Int) {
            entries.withLock { e in
                guard let i = e.list.firstIndex(where: { $0.id == id }) else { return }
                let gone = e.list.remove(at: i)
                for sig in gone.signals where !e.list.contains(where: { $0.signals.contains(sig) }) {
                    _ = signal(sig, SIG_DFL)
                }
            }
        }

        private func dispatch(_ mask: UInt64) {
            guard mask != 0 else { return }
            let actions = entries.withLock { e in
                e.list.filter { entry in entry.signals.contains { mask & (UInt64(1) << UInt64($0)) != 0 } }.map(\.action)
            }
            for action in actions { action() }
        }
    }

    private static func install(_ sig: Int32) {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = handler
        #else
        action.__sigaction_u.__sa_handler = handler
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        _ = sigaction(sig, &action, nil)
    }
}
