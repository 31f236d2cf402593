import Foundation
import Synchronization

/// A running program whose output a test reads while it runs (`tail --follow`, a `psql`
/// session holding a transaction open): its stdout and stderr collect as they arrive, and
/// `waitFor` polls them for a condition with a timeout, so no fixed sleep decides a test.
final class StreamingChild: Sendable {
    private let process: Process
    private let input: FileHandle
    private let output = Mutex<(stdout: String, stderr: String)>(("", ""))
    private let readers = DispatchGroup()

    /// Starts `executable ARGS…` with stdin a pipe the test writes to (``send(_:)``).
    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["CI"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        input = stdin.fileHandleForWriting
        try process.run()
        for (pipe, isOut) in [(out, true), (err, false)] {
            readers.enter()
            DispatchQueue.global().async { [self] in
                let handle = pipe.fileHandleForReading
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    let text = String(decoding: data, as: UTF8.self)
                    self.output.withLock { if isOut { $0.stdout += text } else { $0.stderr += text } }
                }
                self.readers.leave()
            }
        }
    }

    var stdout: String { output.withLock { $0.stdout } }
    var stderr: String { output.withLock { $0.stderr } }
    var isRunning: Bool { process.isRunning }

    /// Writes `text` to the program's stdin.
    func send(_ text: String) {
        input.write(Data(text.utf8))
    }

    /// Polls stdout and stderr until `condition` holds; false after `timeout` seconds.
    @discardableResult
    func waitFor(timeout: Double = 20, _ condition: (_ stdout: String, _ stderr: String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let (o, e) = output.withLock { ($0.stdout, $0.stderr) }
            if condition(o, e) { return true }
            if !process.isRunning {
                readers.wait()
                let (o, e) = output.withLock { ($0.stdout, $0.stderr) }
                return condition(o, e)
            }
            usleep(20_000)
        }
        return false
    }

    /// Polls until the program has exited; false after `timeout` seconds.
    func waitForExit(timeout: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() >= deadline { return false }
            usleep(10_000)
        }
        readers.wait()
        return true
    }

    var status: Int32 { process.terminationStatus }

    /// Ends the program (SIGTERM, then SIGKILL when it does not go) and closes its stdin.
    func stop() {
        try? input.close()
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        if !waitForExit(timeout: 5), process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
