import Foundation
import TmuxHarness

/// Runs the built `rewind` binary (and the other executables of the package) the way a user
/// does, capturing stdout, stderr and the exit code.
enum CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// `.uncaughtSignal` when the process died of a signal (a Swift trap is SIGILL, 4 — the
        /// same number as the corrupt-log exit status, so tests of damage check this too).
        var reason: Process.TerminationReason = .exit
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    /// The folder holding the package's built products (next to the test bundle).
    static let productsDirectory = BuiltProducts.directory(containing: "rewind")

    static func executable(_ name: String) -> URL {
        productsDirectory.appendingPathComponent(name)
    }

    /// Runs `rewind ARGS…` with optional stdin, waiting for it to exit.
    static func rewind(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        try run(executable("rewind"), arguments, stdin: stdin, environment: environment)
    }

    static func run(_ url: URL, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw CLITestError("\(url.path) is not built; run 'swift build' first")
        }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["CI"] = "1"  // no progress bars
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes fully before waiting, so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self),
            reason: process.terminationReason)
    }
}

struct CLITestError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A fresh directory removed when released.
final class ScratchDirectory: Sendable {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "rewind-cli-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) throws -> String {
        let p = file(name)
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }
}
