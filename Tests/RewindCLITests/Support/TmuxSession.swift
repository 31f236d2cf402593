import Foundation

/// Drives a program in a private tmux server the way a user's terminal would: keys in, screen
/// text out. Each session has its own server (`tmux -L NAME -f /dev/null`), killed on `close`.
final class TmuxSession {
    let server: String
    private(set) var closed = false

    static var isAvailable: Bool {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts `command` (run by sh) in a detached session of `width`x`height`; the shell prints
    /// `__EXIT=<status>` when it ends and the pane stays open so the test can read it.
    init(command: String, width: Int = 100, height: Int = 30, environment: [String: String] = [:]) throws {
        server = "rewind-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
        var args = ["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-e", "LANG=C.UTF-8", "-e", "TERM=tmux-256color"]
        for (k, v) in environment { args += ["-e", "\(k)=\(v)"] }
        args.append("\(command); echo __EXIT=$?; sleep 60")
        try tmux(args)
        try tmux(["set-option", "-g", "remain-on-exit", "on"])
    }

    deinit { close() }

    func close() {
        guard !closed else { return }
        closed = true
        _ = try? tmux(["kill-server"])
    }

    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["tmux", "-L", server, "-f", "/dev/null"] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Keys by tmux name (`Left`, `Enter`, `Escape`, `C-c`, `q`).
    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", "0"] + keys) }
    /// Literal text.
    func type(_ text: String) throws { try tmux(["send-keys", "-t", "0", "-l", text]) }
    /// Raw bytes, in hex (mouse reports).
    func sendHex(_ bytes: [UInt8]) throws { try tmux(["send-keys", "-t", "0", "-H"] + bytes.map { String(format: "%02x", $0) }) }

    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", "0"]) }

    func resize(width: Int, height: Int) throws { try tmux(["resize-window", "-t", "0", "-x", "\(width)", "-y", "\(height)"]) }

    /// Polls the screen every 20 ms until `predicate` holds; returns the screen, or throws with
    /// the last screen after `timeout` seconds.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 15, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if predicate(last) { return last }
            usleep(20_000)
        }
        throw CLITestError("timed out waiting for \(what); the screen was:\n\(last)")
    }

    @discardableResult
    func waitFor(text: String, timeout: Double = 15) throws -> String {
        try waitFor("'\(text)'", timeout: timeout) { $0.contains(text) }
    }

    /// The exit status the shell printed, once the program has ended.
    func exitStatus(timeout: Double = 15) throws -> Int32 {
        let screen = try waitFor("the program to exit", timeout: timeout) { $0.contains("__EXIT=") }
        guard let r = screen.range(of: "__EXIT=") else { return -1 }
        let digits = screen[r.upperBound...].prefix { $0.isNumber }
        return Int32(digits) ?? -1
    }
}
