// rewind-term-check: opens the real terminal, draws one frame and echoes every input event on
// a status line, so NCursesTerminalTests can drive NCursesTerminal in tmux and read the screen.
//
// Keys: q quits (exit 0); x exits with status 3 without calling restore(); ! crashes on purpose
// (a Swift trap); a SIGINT or SIGTERM quits through `exitForInterrupt()` (exit status 128+N).
// The terminal must be restored in every case. REWIND_THEME names the theme to draw with.
import Glibc
import NCursesTerminal
import TerminalUI

/// What the frame shows besides the last event; the hostile text must appear escaped.
let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J日本🙂x"

/// Writes a line to stderr (no Foundation, no shared `stderr` pointer).
func printError(_ message: String) {
    let bytes = Array((message + "\n").utf8)
    _ = bytes.withUnsafeBufferPointer { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

/// The program's state: the terminal, the theme, the last event.
final class TermCheck {
    let terminal: NCursesTerminal
    let theme: Theme
    let screen: Screen
    var status = "ready"
    var eventCount = 0

    init(terminal: NCursesTerminal, theme: Theme) {
        self.terminal = terminal
        self.theme = theme
        self.screen = Screen(terminal: terminal)
    }

    func run() -> Never {
        while true {
            draw()
            for event in terminal.readInput(timeoutMillis: 1000) {
                eventCount += 1
                switch event {
                case .key(.character("q")):
                    terminal.restore()
                    exit(0)
                case .key(.character("!")):
                    crash("crash requested with '!'")
                case .key(.character("x")):
                    exit(3)  // without restore(): the atexit hook must put the terminal back
                case .key(.ctrl("c")) where terminal.interrupted:
                    terminal.exitForInterrupt()
                case .resize:
                    screen.invalidate()
                    status = describe(event)
                default:
                    status = describe(event)
                }
            }
        }
    }

    func draw() {
        var frame = screen.makeFrame()
        let area = frame.bounds
        frame.fill(area, style: theme[.body])
        drawBorder(&frame, area)
        let inside = area.inset(by: 1)
        let x = inside.x + 1
        let width = max(0, inside.width - 2)
        frame.write("pid: \(getpid())  size: \(terminal.size)  colours: \(terminal.colorDepth)", x: x, y: inside.y, style: theme[.title], maxWidth: width)
        let written = frame.write("hostile: ", x: x, y: inside.y + 1, style: theme[.body], maxWidth: width)
        let end = x + written + frame.write(hostile, x: x + written, y: inside.y + 1, style: theme[.escaped], maxWidth: width - written)
        frame.write("<", x: end, y: inside.y + 1, style: theme[.key], maxWidth: 1)
        frame.write("status: \(status)", x: x, y: inside.y + 2, style: theme[.selection], maxWidth: width)
        frame.write("events: \(eventCount)", x: x, y: inside.y + 3, style: theme[.dim], maxWidth: width)
        var sampleX = x
        for role in [Role.added, .removed, .changed, .hypothetical, .lagOK, .lagWarning, .lagCritical] {
            sampleX += frame.write(role.rawValue, x: sampleX, y: inside.y + 4, style: theme[role], maxWidth: max(0, inside.maxX - sampleX)) + 1
        }
        screen.present(frame)
    }

    func drawBorder(_ frame: inout ScreenBuffer, _ area: Rect) {
        guard area.width >= 2, area.height >= 2 else { return }
        let style = theme[.borderFocused]
        let horizontal = String(repeating: "─", count: area.width - 2)
        frame.write("┌" + horizontal + "┐", x: area.x, y: area.y, style: style)
        frame.write("└" + horizontal + "┘", x: area.x, y: area.maxY - 1, style: style)
        for y in (area.y + 1)..<(area.maxY - 1) {
            frame.write("│", x: area.x, y: y, style: style)
            frame.write("│", x: area.maxX - 1, y: y, style: style)
        }
    }

    func describe(_ event: InputEvent) -> String {
        switch event {
        case .key(let key): return "key: \(key)"
        case .resize(let size): return "resize: \(size)"
        case .mouse(let m):
            switch m.kind {
            case .press(let button): return "mouse: press \(button) at \(m.x),\(m.y)"
            case .release: return "mouse: release at \(m.x),\(m.y)"
            case .drag(let button): return "mouse: drag \(button) at \(m.x),\(m.y)"
            case .scrollUp: return "mouse: scroll up at \(m.x),\(m.y)"
            case .scrollDown: return "mouse: scroll down at \(m.x),\(m.y)"
            }
        }
    }

    /// A trap the optimizer cannot prove unreachable.
    func crash(_ reason: String) -> Never {
        preconditionFailure(reason)
    }
}

let terminal: NCursesTerminal
do {
    terminal = try NCursesTerminal(options: .init(commandName: "rewind-term-check"))
} catch {
    printError("\(error)")
    exit(2)
}
do {
    let name = getenv("REWIND_THEME").map { String(cString: $0) }
    let theme = try ThemeLoader.resolve(name, environment: [:]).adapted(to: terminal.colorDepth)
    TermCheck(terminal: terminal, theme: theme).run()
} catch {
    terminal.restore()
    printError("\(error)")
    exit(2)
}
