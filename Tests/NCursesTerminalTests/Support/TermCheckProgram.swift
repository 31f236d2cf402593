import TmuxHarness
import Foundation

/// Where the built `rewind-term-check` is, and how to start it in tmux.
enum TermCheckProgram {
    /// The folder holding the package's built products (next to the test bundle).
    static let productsDirectory = BuiltProducts.directory(containing: "rewind-term-check")

    static var path: String { productsDirectory.appendingPathComponent("rewind-term-check").path }

    /// Starts the program in a fresh tmux server and waits for its first frame.
    static func start(width: Int = 100, height: Int = 30, term: String = "tmux-256color", environment: [String: String] = [:]) throws -> TmuxSession {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TmuxError("\(path) is not built; run 'swift build' first")
        }
        let session = try TmuxSession(command: path, width: width, height: height, term: term, environment: environment)
        do {
            try session.waitFor("status: ready")
        } catch {
            session.kill()
            throw error
        }
        return session
    }

    /// The program's pid, from its first line ("pid: N").
    static func pid(in session: TmuxSession) throws -> pid_t {
        let screen = try session.capture()
        guard let range = screen.range(of: "pid: "), let pid = pid_t(screen[range.upperBound...].prefix { $0.isNumber }) else {
            throw TmuxError("no pid on the screen:\n\(screen)")
        }
        return pid
    }

    /// The text the frame shows for the hostile string: every control escaped.
    static let escapedHostile = #"\e]0;pwned\x07\e[2J日本🙂x"#
}
