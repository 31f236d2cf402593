/// Why the terminal cannot be opened (or an ncurses call failed), as a sentence that says what
/// to do. Its `description` is the whole message, ready for stderr:
///
///     rewind open needs a terminal: TERM=dumb is not supported (it cannot move the cursor);
///     run it in a terminal emulator, or set TERM to your terminal's type, e.g. TERM=xterm-256color
public struct TerminalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure it is (for callers and tests; the message says it for people).
    public enum Kind: Sendable, Equatable {
        /// Standard input or output is not a terminal (redirected to a file or a pipe).
        case notATerminal
        /// `TERM` is unset, unknown to terminfo, or names a terminal that cannot be drawn on.
        case unsupportedTerminal
        /// Another `NCursesTerminal` is still open in this process.
        case alreadyOpen
        /// An ncurses or system call failed.
        case callFailed
    }

    public var kind: Kind
    /// The C call that failed, when there is one (`newterm`, `pipe2`, …).
    public var call: String?
    public var message: String

    public init(kind: Kind, call: String? = nil, message: String) {
        self.kind = kind
        self.call = call
        self.message = message
    }

    public var description: String { message }

    static func notATerminal(_ command: String, stream: String) -> TerminalError {
        TerminalError(
            kind: .notATerminal, call: "isatty",
            message: "\(command) needs a terminal: its standard \(stream) is not a terminal (it is redirected to a file or a pipe); run it directly in a terminal window, without redirecting its input or output")
    }

    static func unsupported(_ command: String, term: String?, problem: String, fix: String) -> TerminalError {
        let name = term.map { "TERM=\($0)" } ?? "TERM"
        return TerminalError(kind: .unsupportedTerminal, message: "\(command) needs a terminal: \(name) \(problem); \(fix)")
    }

    static func failed(_ call: String, _ what: String, fix: String) -> TerminalError {
        TerminalError(kind: .callFailed, call: call, message: "\(what) (\(call) failed); \(fix)")
    }
}
