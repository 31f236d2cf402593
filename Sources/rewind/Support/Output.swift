import Platform
import SafeText
import Synchronization

/// Buffered writes to stdout (data) — printing millions of lines one `print` at a time is slow.
/// Flushed when the buffer fills, on `flush()`, and before the process exits through `CLI.run`.
///
/// Thread-safe (a `Mutex`): a signal handler's message may flush while the main thread prints.
final class Output: Sendable {
    static let standard = Output(fd: 1)

    private struct Buffer {
        var bytes: [UInt8] = []
        /// True once a write failed for good (the reader went away: EPIPE, with SIGPIPE ignored).
        var failed = false
    }

    private let fd: Int32
    private let buffer: Mutex<Buffer>

    init(fd: Int32) {
        self.fd = fd
        var initial = Buffer()
        initial.bytes.reserveCapacity(1 << 16)
        buffer = Mutex(initial)
    }

    /// True once a write failed for good (the reader went away: EPIPE, with SIGPIPE ignored).
    var failed: Bool { buffer.withLock { $0.failed } }

    func write(_ bytes: [UInt8]) {
        buffer.withLock { b in
            b.bytes.append(contentsOf: bytes)
            if b.bytes.count >= 1 << 16 { flush(&b) }
        }
    }

    func line(_ text: String) {
        buffer.withLock { b in
            b.bytes.append(contentsOf: text.utf8)
            b.bytes.append(10)
            if b.bytes.count >= 1 << 16 { flush(&b) }
        }
    }

    func line(bytes: [UInt8]) {
        buffer.withLock { b in
            b.bytes.append(contentsOf: bytes)
            b.bytes.append(10)
            if b.bytes.count >= 1 << 16 { flush(&b) }
        }
    }

    func flush() {
        buffer.withLock { flush(&$0) }
    }

    private func flush(_ b: inout Buffer) {
        var done = 0
        var failed = false
        b.bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            while done < raw.count {
                guard let n = try? Syscall.write(fd, base + done, raw.count - done, path: "<stdout>"), n > 0 else { failed = true; break }
                done += n
            }
        }
        if failed { b.failed = true }
        b.bytes.removeAll(keepingCapacity: true)
    }

    /// True when stdout is a terminal (human output may be trimmed to its width).
    static var isTerminal: Bool { Syscall.isatty(1) }

    /// The terminal's width, or nil when stdout is not a terminal.
    static var terminalWidth: Int? { columns(of: 1) }

    /// The width of the terminal on `fd`, or nil when it is not a terminal.
    static func columns(of fd: Int32) -> Int? {
        Syscall.windowSize(fd)?.columns
    }
}

/// Messages for the user on stderr. Every message goes through `SafeText` here (line by line,
/// so the message's own line breaks stay), whatever its parts came from: a path, an argument,
/// a config value, a jq message built from event data. Escaping is idempotent, so text a
/// caller already escaped is unchanged.
enum Console {
    /// True when stderr is a terminal and not under CI: progress bars and live status lines
    /// are drawn.
    static var drawsLiveLines: Bool { Syscall.isatty(2) && CurrentProcess.environment("CI") == nil }

    /// The width of the terminal on stderr, or nil.
    static var standardErrorColumns: Int? { Output.columns(of: 2) }

    static func error(_ text: String) {
        Output.standard.flush()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { SafeText.escape(String($0)) }
        var out = "rewind: error: " + (lines.first ?? "") + "\n"
        for l in lines.dropFirst() { out += "  " + l + "\n" }
        writeStandardError(out)
    }

    static func note(_ text: String) {
        writeStandardError("rewind: " + SafeText.escapeKeepingLines(text) + "\n")
    }

    /// Unbuffered write to fd 2 (stderr is a C global Swift 6 will not touch).
    static func writeStandardError(_ text: String) {
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return (try? Syscall.write(2, base + done, raw.count - done, path: "<stderr>")) ?? 0
            }
            if n > 0 { done += n } else { break }
        }
    }
}

extension String {
    /// Padded with spaces to at least `width` terminal columns (at least one space after): table
    /// columns. Counts display width, so wide characters keep the next column aligned.
    func columnPadded(_ width: Int) -> String {
        let columns = DisplayWidth.of(self)
        return columns >= width ? self + " " : self + String(repeating: " ", count: width - columns)
    }

    /// The columns this text takes once escaped for the terminal: for sizing table columns.
    var shownWidth: Int { DisplayWidth.of(SafeText.escape(self)) }
}
