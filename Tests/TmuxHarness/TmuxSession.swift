import Foundation

/// A program running in a detached tmux session on a private tmux server, for driving a
/// full-screen program the way a user would (see PLATFORM-NOTES.md, "Driving the real binary
/// in tmux"). The server is killed, and its socket removed, by `kill()` and on deinit.
///
/// The command runs as `ulimit -c 0; COMMAND; echo __EXIT=$?; exec sleep 600` in the temporary
/// directory: the marker gives the exit
/// status reliably, and the shell stays alive so the terminal's modes after the program can be
/// read (a dead pane resets some of them).
public final class TmuxSession {
    public let server: String
    public let target = "rewind-e2e"
    /// The server's socket: tmux leaves it behind when the server exits.
    private var socketPath: String
    private var killed = false

    public static var isAvailable: Bool { executable != nil }

    public static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
            let candidate = directory + "/tmux"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// The test runner's environment without what would change how the program draws
    /// (`swift test` may set NO_COLOR) or make tmux think it is nested.
    public static let environment: [String: String] = ProcessInfo.processInfo.environment.filter { key, _ in
        !["NO_COLOR", "TMUX", "TMUX_PANE", "COLORTERM", "TERM"].contains(key)
    }

    /// Starts `command` in a `width`×`height` window with `LANG=C.UTF-8`, `TERM` and the extra
    /// `environment`. (tmux sets the pane's TERM from its `default-terminal` option, so `term`
    /// is set there.)
    public init(command: String, width: Int = 100, height: Int = 30, term: String = "tmux-256color", environment: [String: String] = [:]) throws {
        server = "rewind-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        socketPath = (ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp") + "/tmux-\(getuid())/" + server
        var arguments = ["start-server", ";", "set-option", "-g", "remain-on-exit", "on", ";",
                         "set-option", "-g", "default-terminal", term, ";",
                         "new-session", "-d", "-s", target, "-x", "\(width)", "-y", "\(height)", "-c", NSTemporaryDirectory(),
                         "-e", "LANG=C.UTF-8", "-e", "TERM=\(term)"]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(key)=\(value)"] }
        // No core files from the crash tests, wherever the machine would put them.
        arguments.append("ulimit -c 0; \(command); echo __EXIT=$?; exec sleep 600")
        try tmux(arguments)
        if let reported = try? format("#{socket_path}"), !reported.isEmpty { socketPath = reported }
    }

    deinit { kill() }

    /// Runs `tmux -L SERVER -f /dev/null ARGUMENTS…` and returns its standard output.
    @discardableResult
    public func tmux(_ arguments: [String]) throws -> String {
        guard let executable = Self.executable else { throw TmuxError("tmux is not installed") }
        let result = try Spawn.run(executable, ["-L", server, "-f", "/dev/null"] + arguments, environment: Self.environment)
        guard result.status == 0 else {
            throw TmuxError("tmux \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
        return result.stdout
    }

    /// The visible screen as text (`withStyles`: with SGR escapes; `history`: with scrollback,
    /// wrapped lines joined).
    public func capture(withStyles: Bool = false, history: Bool = false) throws -> String {
        var arguments = ["capture-pane", "-p", "-t", target]
        if withStyles { arguments.append("-e") }
        if history { arguments += ["-S", "-", "-J"] }  // -J: wrapped lines joined
        return try tmux(arguments)
    }

    /// The screen's rows.
    public func lines() throws -> [String] {
        try capture().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The default wait: long, because a wait ends as soon as its condition holds, so only a
    /// failing test pays it; a short one failed tests under a loaded 2-core machine's full suite.
    public static let defaultTimeout: Double = 30

    /// Polls the screen every 20 ms until `condition` holds; returns that screen.
    @discardableResult
    public func waitUntil(_ what: String, timeout: Double = TmuxSession.defaultTimeout, history: Bool = false, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = try capture(history: history)
            if condition(screen) { return screen }
            usleep(20_000)
        }
        throw TmuxError("timed out after \(timeout) s waiting for \(what); the screen was:\n\(screen)")
    }

    /// Waits until `text` is on the screen.
    @discardableResult
    public func waitFor(_ text: String, timeout: Double = TmuxSession.defaultTimeout, history: Bool = false) throws -> String {
        try waitUntil("'\(text)'", timeout: timeout, history: history) { $0.contains(text) }
    }

    /// The exit status the wrapper echoed, waiting for it.
    public func exitStatus(timeout: Double = TmuxSession.defaultTimeout) throws -> Int {
        let screen = try waitUntil("the program to exit", timeout: timeout, history: true) { $0.contains("__EXIT=") }
        guard let range = screen.range(of: "__EXIT=") else { throw TmuxError("no exit status") }
        let digits = screen[range.upperBound...].prefix { $0.isNumber }
        guard let status = Int(digits) else { throw TmuxError("unreadable exit status in:\n\(screen)") }
        return status
    }

    /// Key names as tmux knows them (`Up`, `Escape`, `C-c`).
    public func send(_ keys: String...) throws { try tmux(["send-keys", "-t", target] + keys) }
    /// Text typed literally.
    public func type(_ text: String) throws { try tmux(["send-keys", "-t", target, "-l", text]) }
    /// Raw bytes, as a terminal would send them.
    public func sendBytes(_ bytes: [UInt8]) throws {
        try tmux(["send-keys", "-t", target, "-H"] + bytes.map { String(format: "%02x", $0) })
    }

    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", target, "-x", "\(width)", "-y", "\(height)"])
    }

    /// A tmux format about the pane (`#{alternate_on}`, `#{pane_title}`…).
    public func format(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", target, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Kills the server and removes its socket. Idempotent.
    public func kill() {
        guard !killed else { return }
        killed = true
        _ = try? tmux(["kill-server"])
        unlink(socketPath)
    }
}

public struct TmuxError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
