import CNcursesw
import Glibc

/// Puts the terminal back when the process is interrupted or crashes, with async-signal-safe
/// calls only (`write`, `tcsetattr`, `sigaction`, `pthread_sigmask`, `raise`, lock-free atomics).
///
/// At open, before curses starts, `install` copies what a restore must write (mouse tracking
/// off, then terminfo's `sgr0`, `cnorm`, `rmkx`, `rmcup`) and the terminal's modes into memory
/// that is never freed, then installs one handler for:
/// - SIGINT, SIGTERM: the first one only sets a flag and wakes the input wait, so the app can
///   quit cleanly (`NCursesTerminal.readInput` then returns Ctrl-C); a second one, or one that
///   arrives while the terminal is not open, restores and dies by the signal's default action.
/// - SIGHUP, SIGQUIT: restore, then the default action (exit status 128+N, or a core dump).
/// - SIGSEGV, SIGBUS, SIGILL (a Swift trap on x86), SIGTRAP (on arm64), SIGFPE, SIGABRT:
///   restore, then hand the signal to the handler that was there before (the Swift runtime's
///   backtracer, if any, so the backtrace lands on a usable terminal).
/// - SIGWINCH (installed after curses started): calls ncurses' own handler, then wakes the
///   input wait so a resize is reported at once.
/// A signal that was ignored when the terminal opened (`nohup`) stays ignored. An `atexit`
/// hook restores too, for a process that exits without calling `restore()`.
///
/// Restoring happens once: an atomic flag is exchanged, so a signal racing `restore()` cannot
/// write the reset sequence twice.
enum EmergencyRestore {
    /// Everything a handler reads. Written completely by `install` before any handler that
    /// reads it is installed (`sigaction` orders the writes before the handler can run), and
    /// never changed or freed afterwards except through the atomic `flags`.
    struct State {
        /// [0] 1 while curses owns the terminal; [1] an interrupt not yet reported to the app;
        /// [2] the first interrupt received (0: none); [3] 1 once standard error was given
        /// back. Accessed only with `cn_atomic_*`.
        var flags: UnsafeMutablePointer<Int32>
        var reset: UnsafeMutablePointer<UInt8>
        var resetCount: Int
        var modes: UnsafeMutablePointer<termios>
        /// The actions our handler replaced, indexed by signal number.
        var previous: UnsafeMutablePointer<sigaction>
        var installed: UnsafeMutablePointer<Bool>
        var wakeFD: Int32
        /// Standard error as it was (the terminal), and the file that holds what was written
        /// to it while curses had the screen; -1 when standard error was not captured.
        var savedStandardError: Int32
        var capturedStandardError: Int32
        /// Room to copy the captured text back, allocated up front (no malloc in a handler).
        var copyBuffer: UnsafeMutablePointer<UInt8>
    }

    static let copyBufferSize = 4096

    static let interruptSignals: [Int32] = [SIGINT, SIGTERM]
    static let hangupSignals: [Int32] = [SIGHUP, SIGQUIT]
    static let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT]
    static let signalSlots = 65

    /// Installs the handlers (all but SIGWINCH) for a terminal about to open.
    static func install(reset: [UInt8], modes: termios, wakeFD: Int32, standardError: (saved: Int32, file: Int32)?) {
        let flags = UnsafeMutablePointer<Int32>.allocate(capacity: 4)
        flags.initialize(repeating: 0, count: 4)
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, reset.count))
        bytes.initialize(from: reset, count: reset.count)
        let savedModes = UnsafeMutablePointer<termios>.allocate(capacity: 1)
        savedModes.initialize(to: modes)
        let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: signalSlots)
        previous.initialize(repeating: sigaction(), count: signalSlots)
        let installed = UnsafeMutablePointer<Bool>.allocate(capacity: signalSlots)
        installed.initialize(repeating: false, count: signalSlots)
        let copyBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: copyBufferSize)
        let state = UnsafeMutablePointer<State>.allocate(capacity: 1)
        state.initialize(to: State(flags: flags, reset: bytes, resetCount: reset.count, modes: savedModes,
                                   previous: previous, installed: installed, wakeFD: wakeFD,
                                   savedStandardError: standardError?.saved ?? -1, capturedStandardError: standardError?.file ?? -1,
                                   copyBuffer: copyBuffer))
        // A State from an earlier terminal is left allocated: a handler may still be running
        // on it, and it is a few hundred bytes per open.
        current = state
        if !exitHookRegistered {
            exitHookRegistered = true
            atexit(restoreAtExit)
        }
        for sig in interruptSignals + hangupSignals + crashSignals {
            install(sig, state: state, keepIgnored: sig == SIGHUP || sig == SIGINT || sig == SIGQUIT)
        }
        unblock(interruptSignals + hangupSignals + crashSignals)
    }

    /// Unblocks `signals` in the calling thread. A process can inherit a mask that blocks them
    /// (a child spawned from a libdispatch worker thread blocks nearly everything), and then
    /// neither a SIGTERM nor a resize would ever reach the handlers.
    private static func unblock(_ signals: [Int32]) {
        var set = sigset_t()
        sigemptyset(&set)
        for sig in signals { sigaddset(&set, sig) }
        _ = pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Adds the SIGWINCH handler; call after curses has installed its own.
    static func installResizeWake() {
        guard let state = current else { return }
        install(SIGWINCH, state: state, keepIgnored: false)
        unblock([SIGWINCH])
    }

    private static func install(_ sig: Int32, state: UnsafeMutablePointer<State>, keepIgnored: Bool) {
        var old = sigaction()
        guard sigaction(sig, nil, &old) == 0 else { return }
        if keepIgnored, old.sa_flags & SA_SIGINFO == 0, let handler = old.__sigaction_handler.sa_handler,
           unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
            return
        }
        state.pointee.previous[Int(sig)] = old
        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = handleSignal
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK
        if sigaction(sig, &action, nil) == 0 { state.pointee.installed[Int(sig)] = true }
    }

    /// Puts back every action `install` replaced.
    static func uninstall() {
        guard let state = current else { return }
        for sig in 1..<signalSlots where state.pointee.installed[sig] {
            _ = sigaction(Int32(sig), &state.pointee.previous[sig], nil)
            state.pointee.installed[sig] = false
        }
    }

    // MARK: Flags, for the app thread

    static func markActive() {
        guard let state = current else { return }
        cn_atomic_store(state.pointee.flags, 1)
    }

    /// Marks the terminal restored; true when the caller is the one to restore it (no signal
    /// handler or earlier call did).
    static func markRestored() -> Bool {
        guard let state = current else { return false }
        return cn_atomic_exchange(state.pointee.flags, 0) == 1
    }

    /// Points standard error back at the terminal and shows there what was written to it
    /// while curses had the screen. Call after curses has left the screen.
    static func releaseStandardError() {
        guard let state = current else { return }
        restoreStandardError(state)
        for fd in [state.pointee.savedStandardError, state.pointee.capturedStandardError] where fd >= 0 { close(fd) }
        state.pointee.savedStandardError = -1
        state.pointee.capturedStandardError = -1
    }

    /// The interrupt (SIGINT or SIGTERM) not yet reported, clearing it.
    static func takePendingInterrupt() -> Int32? {
        guard let state = current else { return nil }
        let sig = cn_atomic_exchange(state.pointee.flags + 1, 0)
        return sig == 0 ? nil : sig
    }

    /// The first interrupt received since the terminal opened.
    static var receivedInterrupt: Int32? {
        guard let state = current else { return nil }
        let sig = cn_atomic_load(state.pointee.flags + 2)
        return sig == 0 ? nil : sig
    }

    /// Ends the process by `sig`'s default action (for the app, after its clean-up).
    static func dieBy(_ sig: Int32) -> Never {
        resetToDefaultAndRaise(sig)
        exit(128 + sig)
    }
}

// MARK: - Signal-handler state and code (async-signal-safe from here on)

/// The open terminal's state, or nil. `nonisolated(unsafe)` is safe here: it is written only
/// by `install` on the app's thread, each time before the handlers that read it are installed,
/// and signal handlers only read it. It is first touched by `install`, so a handler never
/// runs the lazy initializer, only its fast path.
nonisolated(unsafe) private var current: UnsafeMutablePointer<EmergencyRestore.State>? = nil
/// Touched only by `install` on the app's thread.
nonisolated(unsafe) private var exitHookRegistered = false

private func handleSignal(_ sig: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
    let savedErrno = errno
    defer { errno = savedErrno }
    guard let state = current else { return }
    let flags = state.pointee.flags
    switch sig {
    case SIGWINCH:
        callPrevious(state.pointee.previous[Int(sig)], sig, info, context)
        wake(state)
    case SIGINT, SIGTERM:
        if cn_atomic_load(flags) == 1, cn_atomic_exchange(flags + 2, sig) == 0 {
            cn_atomic_store(flags + 1, sig)
            wake(state)
            return
        }
        restoreTerminal(state)
        resetToDefaultAndRaise(sig)
    case SIGHUP, SIGQUIT:
        restoreTerminal(state)
        resetToDefaultAndRaise(sig)
    default:
        restoreTerminal(state)
        _ = sigaction(sig, &state.pointee.previous[Int(sig)], nil)
        // A fault (si_code > 0) happens again on return, now reaching the previous handler
        // with its real context; a signal sent by kill or abort() must be raised again.
        if let info, info.pointee.si_code > 0 { return }
        unblock(sig)
        _ = raise(sig)
    }
}

/// Standard error back to the terminal, then what was captured meanwhile, once.
private func restoreStandardError(_ state: UnsafeMutablePointer<EmergencyRestore.State>) {
    let saved = state.pointee.savedStandardError, captured = state.pointee.capturedStandardError
    guard saved >= 0, captured >= 0, cn_atomic_exchange(state.pointee.flags + 3, 1) == 0 else { return }
    _ = dup2(saved, STDERR_FILENO)
    _ = lseek(captured, 0, SEEK_SET)
    while true {
        let n = read(captured, state.pointee.copyBuffer, EmergencyRestore.copyBufferSize)
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { break }
        writeAll(STDERR_FILENO, state.pointee.copyBuffer, n)
    }
}

private func writeAll(_ fd: Int32, _ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) {
    var offset = 0
    while offset < count {
        let n = write(fd, bytes + offset, count - offset)
        if n > 0 {
            offset += n
        } else if n < 0 && errno == EINTR {
            continue
        } else {
            return
        }
    }
}

private func restoreAtExit() {
    guard let state = current else { return }
    restoreTerminal(state)
}

/// Writes the reset sequence and restores the modes, once.
private func restoreTerminal(_ state: UnsafeMutablePointer<EmergencyRestore.State>) {
    guard cn_atomic_exchange(state.pointee.flags, 0) == 1 else { return }
    writeAll(STDOUT_FILENO, state.pointee.reset, state.pointee.resetCount)
    _ = tcsetattr(STDIN_FILENO, TCSANOW, state.pointee.modes)
    restoreStandardError(state)
}

private func wake(_ state: UnsafeMutablePointer<EmergencyRestore.State>) {
    var byte: UInt8 = 1
    _ = write(state.pointee.wakeFD, &byte, 1)
}

private func callPrevious(_ action: sigaction, _ sig: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
    if action.sa_flags & SA_SIGINFO != 0 {
        action.__sigaction_handler.sa_sigaction?(sig, info, context)
    } else if let handler = action.__sigaction_handler.sa_handler,
              unsafeBitCast(handler, to: Int.self) != unsafeBitCast(SIG_IGN, to: Int.self) {
        handler(sig)
    }
}

private func unblock(_ sig: Int32) {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, sig)
    _ = pthread_sigmask(SIG_UNBLOCK, &set, nil)
}

private func resetToDefaultAndRaise(_ sig: Int32) {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = SIG_DFL
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    _ = sigaction(sig, &action, nil)
    unblock(sig)
    _ = raise(sig)
}
