import CNcursesw
import Glibc
import TerminalUI

/// One thin wrapper per ncurses call (and per libc call the terminal needs outside signal
/// handlers), so status checks, `ERR` and `errno` stay in this file: callers get Swift values,
/// optionals or a `TerminalError`. The signal handlers' calls live in `EmergencyRestore`, which
/// must stay async-signal-safe.
///
/// Everything here runs on the app's input thread (the `Terminal` contract): ncurses is not
/// thread-safe.
enum Curses {
    // MARK: Locale and terminal checks

    /// Takes the locale from the environment; when its character set is not UTF-8, switches
    /// the character type to C.UTF-8 so wide characters and `wcwidth` work. Returns whether
    /// the process now runs in a UTF-8 character type.
    ///
    /// Numbers keep the C locale: a decimal comma from LC_NUMERIC would change how C code
    /// (libjq, printf) reads and writes numbers, and the terminal does not need it.
    static func useUTF8Locale() -> Bool {
        _ = setlocale(LC_ALL, "")
        _ = setlocale(LC_NUMERIC, "C")
        if isUTF8() { return true }
        _ = setlocale(LC_CTYPE, "C.UTF-8")
        return isUTF8()
    }

    private static func isUTF8() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// What `setupterm` says about `TERM` without starting curses.
    enum Probe {
        /// The terminal is known; its reset sequences (`sgr0`, `cnorm`, `rmkx`, `rmcup`) are
        /// captured, and `canAddressCursor` says whether it has `cup`.
        case known(canAddressCursor: Bool, resetSequence: [UInt8])
        case unknown
        case noDatabase
    }

    /// Loads the terminfo entry for `TERM`, captures what an emergency restore must write,
    /// then frees the entry (newterm loads its own).
    static func probeTerminal() -> Probe {
        var status: Int32 = 0
        let result = setupterm(nil, STDOUT_FILENO, &status)
        guard result == OK else {
            cn_forget_probed_terminal()
            return status == -1 ? .noDatabase : .unknown
        }
        let cup = capability("cup") != nil
        var reset: [UInt8] = []
        for name in ["sgr0", "cnorm", "rmkx", "rmcup"] {
            reset += capability(name) ?? []
        }
        cn_forget_probed_terminal()
        return .known(canAddressCursor: cup, resetSequence: reset)
    }

    /// A string capability of the current terminal, or nil when absent or not a string.
    static func capability(_ name: String) -> [UInt8]? {
        guard let pointer = tigetstr(name) else { return nil }
        // tigetstr returns (char *)-1 for a name that is not a string capability.
        if Int(bitPattern: pointer) == -1 { return nil }
        let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer)))
        return bytes.isEmpty ? nil : bytes
    }

    /// The terminal's modes as they are now, for restoring them later.
    static func terminalModes(_ fd: Int32) throws(TerminalError) -> termios {
        var modes = termios()
        guard tcgetattr(fd, &modes) == 0 else {
            throw .failed("tcgetattr", "cannot read the terminal's modes: \(errorText())", fix: "run it directly in a terminal window")
        }
        return modes
    }

    // MARK: Starting and ending curses

    /// Starts curses on standard input and output (a `SCREEN *`).
    static func newTerminal() -> OpaquePointer? {
        newterm(nil, cn_stdout(), cn_stdin())
    }

    /// Raw mode (Ctrl-C, Ctrl-Z, Ctrl-S arrive as keys), no echo, keypad decoding, no newline
    /// translation, a 25 ms Esc delay, a hidden cursor. Failures here only degrade the look,
    /// so they are not errors.
    static func configureInput() {
        _ = raw()
        _ = noecho()
        _ = nonl()
        _ = keypad(cn_stdscr(), true)
        _ = leaveok(cn_stdscr(), true)
        _ = set_escdelay(25)
        _ = curs_set(0)
    }

    /// Starts colours; true when colour pairs may use -1 for the terminal's own colours.
    static func startColors() -> (started: Bool, defaultColors: Bool) {
        guard has_colors(), start_color() == OK else { return (false, false) }
        return (true, use_default_colors() == OK)
    }

    static var colorCount: Int { Int(cn_COLORS()) }
    static var pairCount: Int { Int(cn_COLOR_PAIRS()) }

    /// Reports presses, releases, wheel and drags. ncurses asks only for xterm's normal
    /// tracking (1000), which has no motion; button-event tracking (1002) is switched on
    /// after ncurses' own request has been flushed (a later 1000 would switch it off again).
    /// Returns whether the terminal supports a mouse at all.
    static func enableMouse() -> Bool {
        var mask: mmask_t = cn_REPORT_MOUSE_POSITION()
        for button in 1...5 { mask |= cn_button_pressed(Int32(button)) | cn_button_released(Int32(button)) }
        var old: mmask_t = 0
        guard mousemask(mask, &old) != 0 else { return false }
        _ = mouseinterval(0)  // no click synthesis: presses and releases arrive as they happen
        _ = doupdate()
        writeDirectly(MouseSequences.buttonTrackingOn)
        return true
    }

    /// Stops mouse reports (ncurses sends its "off"; the caller turns 1002 off after endwin).
    static func disableMouse() {
        var old: mmask_t = 0
        _ = mousemask(0, &old)
    }

    /// Writes bytes to the terminal outside ncurses' buffer: only for sequences ncurses does
    /// not know, at moments its buffer is empty.
    static func writeDirectly(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBufferPointer { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    static func showCursor() { _ = curs_set(1) }

    /// Leaves curses mode (ncurses restores the modes it saved and leaves the alternate screen).
    static func end() { _ = endwin() }

    static func delete(screen: OpaquePointer) { delscreen(screen) }

    // MARK: Colours and cells

    /// Defines colour pair `number`; false when ncurses refuses.
    static func definePair(_ number: Int32, foreground: Int32, background: Int32) -> Bool {
        init_extended_pair(number, foreground, background) == OK
    }

    static let bold = cn_A_BOLD()
    static let dim = cn_A_DIM()
    static let reverse = cn_A_REVERSE()
    static let underline = cn_A_UNDERLINE()
    static let italic = cn_A_ITALIC()
    static let normal = cn_A_NORMAL()

    /// A curses cell for `characters` (a spacing character followed by up to four combining
    /// ones); nil when ncurses rejects them.
    static func cell(_ characters: [wchar_t], attributes: attr_t, pair: Int32) -> cchar_t? {
        var cell = cchar_t()
        var text = characters + [0]
        var extendedPair = pair
        guard setcchar(&cell, &text, attributes, Int16(truncatingIfNeeded: min(pair, 0x7FFF)), &extendedPair) == OK else { return nil }
        return cell
    }

    /// Writes `cell` at (`x`, `y`) on the standard screen. Not checked: the only failure
    /// left, ERR for the bottom-right cell (the cursor cannot move past it), comes after the
    /// cell was written.
    static func put(_ cell: cchar_t, x: Int, y: Int) {
        var cell = cell
        _ = mvwadd_wch(cn_stdscr(), Int32(y), Int32(x), &cell)
    }

    /// Columns the C library gives `scalar` in the current locale (-1: not printable).
    static func columns(of scalar: Unicode.Scalar) -> Int {
        Int(wcwidth(wchar_t(bitPattern: scalar.value)))
    }

    /// Makes everything written since the last call visible, in one write.
    static func flush() {
        _ = wnoutrefresh(cn_stdscr())
        _ = doupdate()
    }

    /// Makes the next flush repaint the whole screen (after a resize).
    static func repaintAll() { _ = clearok(cn_stdscr(), true) }

    static var screenSize: Size {
        var rows: Int32 = 0, cols: Int32 = 0
        cn_getmaxyx(cn_stdscr(), &rows, &cols)
        return Size(width: Int(cols), height: Int(rows))
    }

    // MARK: Input

    enum Input: Equatable {
        case character(UInt32)
        case keyCode(Int32)
    }

    /// One character or key code if one is ready (nil: none), never waiting beyond the Esc
    /// delay that ncurses needs to tell Esc from the start of a key sequence, plus
    /// `waitingMillis` (used inside a sequence, whose bytes a loaded machine may deliver late).
    static func nextInput(waitingMillis: Int32 = 0) -> Input? {
        wtimeout(cn_stdscr(), waitingMillis)
        var value: wint_t = 0
        switch wget_wch(cn_stdscr(), &value) {
        case OK: return .character(UInt32(value))
        case KEY_CODE_YES: return .keyCode(Int32(bitPattern: UInt32(value)))
        default: return nil
        }
    }

    /// One raw byte (the coordinates of an X10 mouse report are bytes, not UTF-8), waiting up
    /// to `waitingMillis`; nil when none came.
    static func nextByte(waitingMillis: Int32) -> Input? {
        wtimeout(cn_stdscr(), waitingMillis)
        let value = wgetch(cn_stdscr())
        guard value != ERR else { return nil }
        return value >= KEY_MIN ? .keyCode(value) : .character(UInt32(truncatingIfNeeded: value & 0xFF))
    }

    /// The mouse event behind a `KEY_MOUSE`, or nil when ncurses has none queued.
    static func nextMouse() -> (state: mmask_t, x: Int, y: Int)? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        return (event.bstate, Int(event.x), Int(event.y))
    }

    /// Waits until standard input or `wakeFD` is readable, or `timeoutMillis` pass (negative:
    /// no limit). A signal ends the wait early, which is what the caller wants.
    static func waitForInput(wakeFD: Int32, timeoutMillis: Int) {
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        let timeout = timeoutMillis < 0 ? -1 : Int32(clamping: timeoutMillis)
        _ = poll(&fds, nfds_t(fds.count), timeout)
    }

    // MARK: The wake pipe

    /// A non-blocking pipe; signal handlers write a byte to its write end to end a wait.
    static func makeWakePipe() throws(TerminalError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw .failed("pipe", "cannot create the pipe that wakes the input loop: \(errorText())", fix: "close some files or raise the open-file limit (ulimit -n)")
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        return (fds[0], fds[1])
    }

    /// Empties the wake pipe (it only carries "something happened").
    static func drain(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(fd, &buffer, buffer.count) > 0 {}
    }

    static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    // MARK: Standard error

    /// Sends standard error to an anonymous temporary file while the screen is in curses
    /// mode, when it is the terminal: anything written there (a warning, Swift's "Fatal
    /// error: …" before a trap) would scribble over the frame and vanish with the alternate
    /// screen. Returns the saved terminal descriptor and the file, or nil when standard error
    /// is not a terminal (left alone) or the file cannot be made.
    static func captureStandardError() -> (saved: Int32, file: Int32)? {
        guard isatty(STDERR_FILENO) == 1, let temporary = tmpfile() else { return nil }
        let file = dup(fileno(temporary))
        fclose(temporary)  // the duplicate keeps the unlinked file alive
        guard file >= 0 else { return nil }
        let saved = dup(STDERR_FILENO)
        guard saved >= 0, dup2(file, STDERR_FILENO) >= 0 else {
            if saved >= 0 { _ = Glibc.close(saved) }
            _ = Glibc.close(file)
            return nil
        }
        _ = fcntl(saved, F_SETFD, FD_CLOEXEC)
        _ = fcntl(file, F_SETFD, FD_CLOEXEC)
        return (saved, file)
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}

/// xterm mouse modes ncurses does not manage itself.
enum MouseSequences {
    /// Button-event tracking (1002): motion is reported while a button is held, so drags arrive.
    static let buttonTrackingOn = Array("\u{1B}[?1002h".utf8)
    static let buttonTrackingOff = Array("\u{1B}[?1002l".utf8)
    /// Everything an emergency restore writes to switch any mouse tracking off.
    static let allOff: [UInt8] = Array("\u{1B}[?1002l\u{1B}[?1003l\u{1B}[?1006l\u{1B}[?1000l".utf8)
}
