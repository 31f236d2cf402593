import CNcursesw
import SafeText
import Glibc
import TerminalUI

/// The real terminal: the dashboard's `Terminal`, drawn with ncursesw.
///
/// Decisions, and why:
/// - **Opening checks first.** Standard input and output must be terminals and `TERM` must
///   name a terminfo entry that can address the cursor; otherwise `init` throws a
///   `TerminalError` saying what to do, instead of ncurses printing and exiting.
///   `newterm` is used rather than `initscr` for the same reason.
/// - **Locale.** `setlocale(LC_ALL, "")`; when that is not UTF-8 the character type falls back
///   to C.UTF-8, so wide characters and `wcwidth` work (the dashboard assumes a UTF-8
///   terminal, as `DisplayWidth` does).
/// - **Raw mode**, not cbreak: Ctrl-C arrives as a key (`.ctrl("c")`), so does Ctrl-Z, and
///   nothing a user types can stop the process behind the app's back. `nonl`, `noecho`,
///   `keypad`, a hidden cursor, and a 25 ms Esc delay so Esc feels immediate.
/// - **Signals.** SIGINT and SIGTERM (sent with `kill`) do not end the process at once: the
///   first sets `interrupted` and makes `readInput` return promptly with `.key(.ctrl("c"))`,
///   the same event as the key, so the app has one quit path; it then calls `restore()` and
///   may call `exitForInterrupt()` to end with the signal's exit status. A second one ends the
///   process (after restoring). SIGHUP, SIGQUIT and crash signals restore the terminal and
///   then end the process as they would have. See `EmergencyRestore`.
/// - **Output.** `update` writes each cell with `setcchar` + `mvwadd_wch` and makes the frame
///   visible with one `wnoutrefresh` + `doupdate`. Continuation cells are skipped (ncurses
///   fills them). When the C library's `wcwidth` disagrees with the buffer's width for a
///   character, the cell is written so that columns stay aligned (a narrow glyph plus a
///   space, or U+FFFD). Colour pairs are allocated on first use (`ColorPairTable`); styles are
///   reduced to `colorDepth` first. After a resize the next frame repaints everything.
/// - **Input.** Escape sequences ncurses does not know (Home as `ESC [ 1 ~` under a terminfo
///   entry that says `ESC O H`, focus reports…) are decoded or dropped, never delivered as Esc
///   plus stray characters (`EscapeSequenceDecoder`). `readInput` drains what is ready; when nothing is, it waits with `poll` on
///   standard input and a wake pipe that the SIGINT/SIGTERM/SIGWINCH handlers write to, so a
///   signal or a resize ends the wait at once. Everything queued is returned in one call.
/// - **Standard error.** While curses has the screen, standard error (when it is the
///   terminal) goes to an unlinked temporary file; `restore()` (or the signal handlers) point
///   it back and copy out what was written. So a warning cannot scribble over the frame, and
///   Swift's "Fatal error: …" before a crash is shown after the screen is restored instead of
///   vanishing with the alternate screen.
/// - **Mouse.** Presses, releases, wheel and drags (xterm button-event tracking, 1002), with no
///   click synthesis (`mouseinterval(0)`). Under `TERM=tmux-256color` reports are X10 bytes,
///   which ncurses decodes; a report whose bytes arrive too far apart for ncurses, and the
///   SGR form, are decoded by `EscapeSequenceDecoder`.
///
/// Not thread-safe (ncurses is not): use it from one thread, as `Terminal` requires. Only one
/// may be open at a time in a process.
public final class NCursesTerminal: Terminal {
    public private(set) var size: Size
    public let colorDepth: ColorDepth

    private let screen: OpaquePointer
    private let wake: (read: Int32, write: Int32)
    private let defaultColors: Bool
    private let mouseEnabled: Bool
    private var pairs: ColorPairTable
    private var drawn: [Style: (attributes: attr_t, pair: Int32)] = [:]
    private var mouse = MouseDecoder()
    private var repaintNext = false
    private var restored = false

    /// Whether this process has an open terminal (only one may be). `nonisolated(unsafe)`:
    /// read and written only by `init` and `restore()`, which the `Terminal` contract keeps on
    /// the app's one input thread.
    nonisolated(unsafe) private static var isOpen = false

    /// Opens the terminal: full screen (the alternate screen when there is one), raw input,
    /// hidden cursor, colours and mouse as `options` say.
    /// - Throws: `TerminalError` when there is no usable terminal, with what to do.
    public init(options: Options = Options()) throws(TerminalError) {
        let command = options.commandName
        guard !Self.isOpen else {
            throw TerminalError(kind: .alreadyOpen, message: "a terminal is already open in this process; restore() it before opening another")
        }
        guard Curses.isTerminal(STDIN_FILENO) else { throw .notATerminal(command, stream: "input") }
        guard Curses.isTerminal(STDOUT_FILENO) else { throw .notATerminal(command, stream: "output") }
        _ = Curses.useUTF8Locale()
        let term = getenv("TERM").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        guard let term else {
            throw .unsupported(command, term: nil, problem: "is not set", fix: "set it to your terminal's type, e.g. export TERM=xterm-256color")
        }
        let reset: [UInt8]
        switch Curses.probeTerminal() {
        case .noDatabase:
            throw .unsupported(command, term: term, problem: "cannot be looked up: the terminfo database was not found", fix: "install it (Debian: apt-get install ncurses-base ncurses-term)")
        case .unknown:
            throw .unsupported(command, term: term, problem: "is not in the terminfo database", fix: "set TERM to a known type such as xterm-256color, or install the entry (Debian: apt-get install ncurses-term)")
        case .known(canAddressCursor: false, _):
            throw .unsupported(command, term: term, problem: "is not supported (it cannot move the cursor)", fix: "run it in a terminal emulator, or set TERM to your terminal's type, e.g. TERM=xterm-256color")
        case .known(canAddressCursor: true, let sequence):
            reset = (options.mouse ? MouseSequences.allOff : []) + sequence
        }
        let modes = try Curses.terminalModes(STDIN_FILENO)
        wake = try Curses.makeWakePipe()

        EmergencyRestore.install(reset: reset, modes: modes, wakeFD: wake.write, standardError: Curses.captureStandardError())
        EmergencyRestore.markActive()
        guard let screen = Curses.newTerminal() else {
            _ = EmergencyRestore.markRestored()
            EmergencyRestore.releaseStandardError()
            EmergencyRestore.uninstall()
            Curses.close(wake.read)
            Curses.close(wake.write)
            throw .unsupported(command, term: term, problem: "could not be started by ncurses", fix: "set TERM to your terminal's type, e.g. TERM=xterm-256color")
        }
        self.screen = screen
        Self.isOpen = true
        EmergencyRestore.installResizeWake()
        Curses.configureInput()

        let detected: Int
        if options.noColor {
            (defaultColors, detected) = (false, 0)
        } else {
            let started = Curses.startColors()
            (defaultColors, detected) = (started.defaultColors, started.started ? Curses.colorCount : 0)
        }
        colorDepth = Self.colorDepth(colorCount: detected, noColor: options.noColor, override: options.colorDepthOverride)
        pairs = ColorPairTable(capacity: colorDepth == .none ? 1 : min(Curses.pairCount, 32_767))
        mouseEnabled = options.mouse && Curses.enableMouse()
        size = Curses.screenSize
    }

    deinit { restore() }

    /// The colour depth to draw with: none under `NO_COLOR` or when the terminal reports fewer
    /// than 8 colours; otherwise what the terminal reports (`COLORS`), lowered to `override`
    /// when one is given (an override never raises it: ncurses refuses colours the terminal
    /// does not have).
    public static func colorDepth(colorCount: Int, noColor: Bool, override: ColorDepth? = nil) -> ColorDepth {
        if noColor { return .none }
        let detected = ColorDepth(colorCount: colorCount)
        guard let override else { return detected }
        return min(override, detected)
    }

    /// Whether SIGINT or SIGTERM was received since the terminal opened.
    public var interrupted: Bool { EmergencyRestore.receivedInterrupt != nil }

    /// The SIGINT or SIGTERM received, if any.
    public var interruptSignal: Int32? { EmergencyRestore.receivedInterrupt }

    // MARK: Output

    /// Draws the runs and shows them in one write (see the type's notes on output).
    public func update(_ runs: [CellRun]) {
        guard !restored else { return }
        if repaintNext {
            Curses.repaintAll()
            repaintNext = false
        }
        let limit = Curses.screenSize
        for run in runs where run.y >= 0 && run.y < limit.height {
            var x = run.x
            for cell in run.cells {
                defer { x += 1 }
                if cell.isContinuation || x < 0 || x >= limit.width { continue }
                assert(SafeText.isClean(cell.text), "a control character reached the terminal")
                draw(cell, x: x, y: run.y, width: limit.width)
            }
        }
        Curses.flush()
    }

    private func draw(_ cell: Cell, x: Int, y: Int, width: Int) {
        let (attributes, pair) = look(of: cell.style)
        let glyph = Glyph(cell.text, columns: Int(cell.width))
        // ncurses may still refuse a cluster (a combining mark it does not take): U+FFFD.
        guard let written = Curses.cell(glyph.characters, attributes: attributes, pair: pair)
            ?? Curses.cell(Glyph.replacement, attributes: attributes, pair: pair) else { return }
        Curses.put(written, x: x, y: y)
        if glyph.padRight, x + 1 < width, let space = Curses.cell([0x20], attributes: attributes, pair: pair) {
            Curses.put(space, x: x + 1, y: y)
        }
    }

    /// The curses attributes and colour pair of `style`, cached.
    private func look(of style: Style) -> (attributes: attr_t, pair: Int32) {
        if let known = drawn[style] { return known }
        let reduced = style.reduced(to: colorDepth)
        var attributes = Curses.normal
        if reduced.attributes.contains(.bold) { attributes |= Curses.bold }
        if reduced.attributes.contains(.dim) { attributes |= Curses.dim }
        if reduced.attributes.contains(.reverse) { attributes |= Curses.reverse }
        if reduced.attributes.contains(.underline) { attributes |= Curses.underline }
        if reduced.attributes.contains(.italic) { attributes |= Curses.italic }
        var pair: Int32 = 0
        if colorDepth != .none {
            let colors = ColorPairTable.Colors(foreground: reduced.foreground, background: reduced.background)
            pair = pairs.number(for: colors) { number, colors in
                Curses.definePair(number, foreground: colorNumber(colors.foreground, isBackground: false),
                                  background: colorNumber(colors.background, isBackground: true))
            }
        }
        drawn[style] = (attributes, pair)
        return (attributes, pair)
    }

    /// The curses colour number of an already reduced colour.
    private func colorNumber(_ color: Color, isBackground: Bool) -> Int32 {
        switch color {
        case .default:
            return defaultColors ? -1 : (isBackground ? 0 : 7)
        case .indexed(let i):
            if colorDepth != .trueColor || i < 8 { return Int32(i) }
            let (r, g, b) = color.rgbComponents ?? (0, 0, 0)
            return Self.directColor(r, g, b)
        case .rgb(let r, let g, let b):
            return Self.directColor(r, g, b)
        }
    }

    /// A direct-colour terminal (xterm-direct) takes 0xRRGGBB as the colour number; numbers
    /// below 8 still mean the ANSI colours, so the darkest blues are nudged up.
    private static func directColor(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int32 {
        max(8, Int32(r) << 16 | Int32(g) << 8 | Int32(b))
    }

    // MARK: Input

    /// Every event available, waiting up to `timeoutMillis` for the first (0: no wait;
    /// negative: no limit). A SIGINT or SIGTERM ends the wait and comes first, as Ctrl-C.
    public func readInput(timeoutMillis: Int) -> [InputEvent] {
        guard !restored else { return [] }
        var events = takeReadyEvents()
        if events.isEmpty && timeoutMillis != 0 {
            Curses.waitForInput(wakeFD: wake.read, timeoutMillis: timeoutMillis)
            events = takeReadyEvents()
        }
        return events
    }

    /// Everything already queued: a pending interrupt first, then keys, mouse and resizes.
    private func takeReadyEvents() -> [InputEvent] {
        Curses.drain(wake.read)
        var events: [InputEvent] = []
        if EmergencyRestore.takePendingInterrupt() != nil { events.append(.key(.ctrl("c"))) }
        // Bounded so that a flood of input cannot keep the app from drawing.
        var pending: Curses.Input?
        while events.count < 1024, let input = pending ?? Curses.nextInput() {
            pending = nil
            var decoded: InputEvent?
            if input == .character(0x1B) {
                // Inside a sequence, a byte may come late on a loaded machine: wait a little.
                let result = EscapeSequenceDecoder.decode(
                    next: { Curses.nextInput(waitingMillis: 50) }, nextByte: { Curses.nextByte(waitingMillis: 50) })
                switch result {
                case .key(let key): decoded = .key(key)
                case .mouse(let report): decoded = mouse.decode(report: report).map { .mouse($0) }
                case .dropped: decoded = nil
                case .escape(let next): (decoded, pending) = (.key(.escape), next)
                }
            } else {
                decoded = decode(input)
            }
            guard let event = decoded else { continue }
            // Several SIGWINCHes while dragging a window edge: only the last size matters.
            if case .resize = event, case .resize? = events.last { events.removeLast() }
            events.append(event)
        }
        return events
    }

    private func decode(_ input: Curses.Input) -> InputEvent? {
        switch input {
        case .character(let code):
            return KeyDecoder.key(forCharacter: code).map { .key($0) }
        case .keyCode(KEY_RESIZE):
            size = Curses.screenSize
            repaintNext = true
            return .resize(size)
        case .keyCode(KEY_MOUSE):
            guard let report = Curses.nextMouse() else { return nil }
            return mouse.decode(state: report.state, x: report.x, y: report.y).map { .mouse($0) }
        case .keyCode(let code):
            return KeyDecoder.key(forKeyCode: code).map { .key($0) }
        }
    }

    // MARK: Leaving

    /// Leaves curses (main screen, cursor shown, mouse off, the shell's modes back), puts the
    /// signal handlers back as they were and shows what was written to stderr meanwhile.
    /// Idempotent; after it, `update` and `readInput` do nothing.
    public func restore() {
        guard !restored else { return }
        restored = true
        if EmergencyRestore.markRestored() {
            if mouseEnabled { Curses.disableMouse() }
            Curses.showCursor()
            Curses.end()
            if mouseEnabled { Curses.writeDirectly(MouseSequences.buttonTrackingOff) }
        }
        EmergencyRestore.releaseStandardError()
        EmergencyRestore.uninstall()
        Curses.delete(screen: screen)
        Curses.close(wake.read)
        Curses.close(wake.write)
        Self.isOpen = false
    }

    /// Restores the terminal and ends the process as the interrupt would have by default
    /// (SIGTERM: exit status 143 to a shell), so scripts see how it ended. With no signal
    /// received (the user pressed Ctrl-C), it ends as SIGINT would.
    public func exitForInterrupt() -> Never {
        let sig = interruptSignal ?? SIGINT
        restore()
        EmergencyRestore.dieBy(sig)
    }
}
