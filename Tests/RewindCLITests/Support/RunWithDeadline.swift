import Foundation

/// Runs a program that may hang (a hostile handler on code without limits), killing it after a
/// deadline so that a hang fails the test instead of stalling the suite; and a started child
/// that a test can signal and watch.
final class RunWithDeadline: @unchecked Sendable {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var timedOut: Bool
    }

    let process = Process()
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    private let readers = DispatchGroup()

    /// Runs `rewind ARGS…`, killing it (SIGKILL) after `deadline` seconds.
    static func rewind(_ arguments: [String], deadline: Double) throws -> Result {
        let child = try start(CLIRunner.executable("rewind"), arguments)
        let exited = child.waitForExit(timeout: deadline)
        if !exited { child.kill() }
        child.process.waitUntilExit()
        child.readers.wait()
        return Result(status: child.process.terminationStatus, stdout: child.stdout(), stderr: child.stderr(), timedOut: !exited)
    }

    /// Starts `url ARGS…` with stdout and stderr captured and stdin closed.
    static func start(_ url: URL, _ arguments: [String]) throws -> RunWithDeadline {
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw CLITestError("\(url.path) is not built; run 'swift build' first")
        }
        let child = RunWithDeadline()
        child.process.executableURL = url
        child.process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["CI"] = "1"
        child.process.environment = env
        let outPipe = Pipe(), errPipe = Pipe()
        child.process.standardOutput = outPipe
        child.process.standardError = errPipe
        child.process.standardInput = FileHandle.nullDevice
        try child.process.run()
        for (pipe, isOut) in [(outPipe, true), (errPipe, false)] {
            child.readers.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                child.lock.lock()
                if isOut { child.out = data } else { child.err = data }
                child.lock.unlock()
                child.readers.leave()
            }
        }
        return child
    }

    func stdout() -> String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: out, as: UTF8.self)
    }

    func stderr() -> String {
        readers.wait()
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: err, as: UTF8.self)
    }

    /// Polls until the process has exited; false after `timeout` seconds.
    func waitForExit(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() >= deadline { return false }
            usleep(5_000)
        }
        return true
    }

    /// Polls /proc until the process has used `seconds` of CPU (user + system); false after
    /// `timeout` seconds or when it exited first.
    func waitForCPU(seconds: Double, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        while process.isRunning && Date() < deadline {
            if let text = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
               let close = text.lastIndex(of: ")") {
                // Fields after "(comm)": state is field 3; utime and stime are 14 and 15.
                let fields = text[text.index(after: close)...].split(separator: " ")
                if fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]),
                   (user + system) / ticksPerSecond >= seconds {
                    return true
                }
            }
            usleep(10_000)
        }
        return false
    }

    func signal(_ sig: Int32) {
        if process.isRunning { Foundation.kill(process.processIdentifier, sig) }
    }

    func kill() {
        signal(SIGKILL)
    }
}
