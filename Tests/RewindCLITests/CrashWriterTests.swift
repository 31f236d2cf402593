import EventLog
import Foundation
import Platform
import Testing

/// kill -9 of a writer, in a loop: every append the writer acknowledged (printed after its
/// fsync) must be in the log afterwards at exactly its stream, version and position, and the log
/// must stay gapless, whatever moment the kill hit.
@Suite("Fault: kill -9 of a writer", .serialized)
struct CrashWriterTests {
    /// One acknowledged append, as the crash writer printed it.
    struct Ack: Equatable {
        var stream: String
        var firstVersion: UInt64
        var lastVersion: UInt64
        var firstPosition: UInt64
        var lastPosition: UInt64

        /// Parses "STREAM FIRST_VERSION LAST_VERSION FIRST_POSITION LAST_POSITION".
        init?(_ line: Substring) {
            let f = line.split(separator: " ")
            guard f.count == 5, let a = UInt64(f[1]), let b = UInt64(f[2]), let c = UInt64(f[3]), let d = UInt64(f[4]) else { return nil }
            (stream, firstVersion, lastVersion, firstPosition, lastPosition) = (String(f[0]), a, b, c, d)
        }
    }

    static func size(_ name: String, default value: Int) -> Int {
        guard let text = ProcessInfo.processInfo.environment[name], let n = Int(text), n > 0 else { return value }
        return n
    }

    @Test func killedWriterLosesNoAcknowledgedAppend() throws {
        let binary = try CrashWriterProcess.binary()
        let dir = NSTemporaryDirectory() + "rewind-kill-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/log"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try EventLog.create(at: path, segmentBytes: 16 << 10)

        let kills = Self.size("REWIND_FAULT_KILLS", default: 20)
        var acks: [Ack] = []
        var roundsWithAcks = 0
        var bytesCut = 0
        var delays: [Int] = []
        for round in 0..<kills {
            let writer = try CrashWriterProcess(binary: binary, log: path, prefix: "crash")
            let delay = Int.random(in: 20...200)
            delays.append(delay)
            usleep(UInt32(delay * 1000))
            let result = writer.kill()
            guard result.killed else {
                Issue.record("round \(round): the crash writer was not killed but exited (\(result.reason)) with status \(result.status); stderr: \(result.stderr)")
                return
            }
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: true)
            let roundAcks = lines.compactMap(Ack.init)
            #expect(roundAcks.count == lines.count, "round \(round): unparsable lines in \(lines.prefix(3))")
            if !roundAcks.isEmpty { roundsWithAcks += 1 }
            acks += roundAcks

            let log = try EventLog.openWriter(at: path, options: .init(command: "crash-test"))
            bytesCut += log.recovery.bytesCut
            let problems = try Self.verify(log, acks: acks)
            log.close()
            #expect(problems.count == 0, "round \(round) (killed after \(delay) ms, \(roundAcks.count) acks): \(problems.prefix(8).joined(separator: "\n"))")
            if !problems.isEmpty { break }
        }
        let events = acks.reduce(0) { $0 + Int($1.lastPosition - $1.firstPosition + 1) }
        print("kill -9: \(kills) rounds (\(delays.min() ?? 0)-\(delays.max() ?? 0) ms), \(acks.count) acknowledged appends (\(events) events) in \(roundsWithAcks) rounds, \(bytesCut) torn bytes cut")
        #expect(roundsWithAcks > 0, "the crash writer never acknowledged an append: nothing was tested")
    }

    /// Checks the log against every acknowledged append; says what is wrong.
    static func verify(_ log: EventLog, acks: [Ack]) throws -> [String] {
        var problems: [String] = []
        var stream: [String] = []
        var version: [UInt64] = []
        var lastVersion: [String: UInt64] = [:]
        try log.readAll { e in
            if e.position != UInt64(stream.count + 1) {
                problems.append("readAll gave position \(e.position) after \(stream.count) events")
                return false
            }
            if e.version != (lastVersion[e.stream] ?? 0) + 1 {
                problems.append("\(e.stream) jumps from version \(lastVersion[e.stream] ?? 0) to \(e.version) at position \(e.position)")
            }
            lastVersion[e.stream] = e.version
            stream.append(e.stream)
            version.append(e.version)
            return problems.count < 20
        }
        if UInt64(stream.count) != log.head { problems.append("readAll gave \(stream.count) events, the head is \(log.head)") }
        for (name, v) in lastVersion where log.version(of: name) != v {
            problems.append("\(name) is at version \(log.version(of: name)) but its events end at \(v)")
        }
        for ack in acks {
            guard ack.lastPosition - ack.firstPosition == ack.lastVersion - ack.firstVersion, ack.firstPosition >= 1 else {
                problems.append("inconsistent acknowledgement \(ack)")
                continue
            }
            for i in 0...(ack.lastPosition - ack.firstPosition) {
                let p = Int(ack.firstPosition + i)
                guard p <= stream.count else {
                    problems.append("acknowledged \(ack.stream) v\(ack.firstVersion + i) at position \(p) is lost (head \(stream.count))")
                    break
                }
                if stream[p - 1] != ack.stream || version[p - 1] != ack.firstVersion + i {
                    problems.append("position \(p) holds \(stream[p - 1]) v\(version[p - 1]), acknowledged as \(ack.stream) v\(ack.firstVersion + i)")
                }
            }
            if problems.count > 20 { break }
        }
        return problems
    }

    @Test func secondWriterProcessIsRefusedNamingThePid() throws {
        let binary = try CrashWriterProcess.binary()
        let dir = NSTemporaryDirectory() + "rewind-lock-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/log"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try EventLog.create(at: path, segmentBytes: 16 << 10)
        let writer = try CrashWriterProcess(binary: binary, log: path, prefix: "held")
        let acked = writer.waitForOutput(timeout: 20)
        defer { _ = writer.kill() }
        try #require(acked, "the crash writer acknowledged nothing within 20 s")

        let error = #expect(throws: EventLogError.self) { _ = try EventLog.openWriter(at: path) }
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        #expect(error == .locked(log: real, holder: "pid \(writer.pid) (rewind-crash-writer)"))
        // Readers in another process read along while it appends.
        let reader = try EventLog.openReadOnly(at: path)
        defer { reader.close() }
        let head = reader.head
        #expect(try reader.waitForEvents(after: head, timeout: 10) > head)
        var count: UInt64 = 0
        try reader.readAll { e in count += 1; return e.position == count }
        #expect(count == reader.head)
    }
}

/// The crash writer as a child process, its stdout and stderr read as they come.
final class CrashWriterProcess: Sendable {
    let process = Process()

    private struct Output {
        var stdout = Data()
        var stderr = Data()
        /// Pipes not yet at end of file.
        var open = 2
    }

    private let output = Monitor(Output())
    var pid: Int32 { process.processIdentifier }

    /// Where the `rewind-crash-writer` executable is: `REWIND_CRASH_WRITER`, or next to this
    /// test binary (the build products directory: `.build/<triple>/debug` on Linux, the parent
    /// of the `.xctest` bundle on macOS).
    static func binary() throws -> String {
        let name = "rewind-crash-writer"
        if let override = ProcessInfo.processInfo.environment["REWIND_CRASH_WRITER"] {
            guard FileManager.default.isExecutableFile(atPath: override) else {
                throw NotFound(description: "REWIND_CRASH_WRITER=\(override) is not an executable file")
            }
            return override
        }
        var starts = [URL(fileURLWithPath: CommandLine.arguments[0]), Bundle.main.bundleURL, Bundle.main.executableURL]
            .compactMap { $0?.resolvingSymlinksInPath() }
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: exe))
        }
        var searched: [String] = []
        for start in starts {
            var dir = start
            for _ in 0..<5 {
                let candidate = dir.appendingPathComponent(name).path
                if !searched.contains(dir.path) { searched.append(dir.path) }
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                dir = dir.deletingLastPathComponent()
            }
        }
        throw NotFound(description: "\(name) was not found next to the test binary (looked in \(searched.joined(separator: ", "))); "
            + "build it with 'swift build --build-tests', or set REWIND_CRASH_WRITER to its path")
    }

    struct NotFound: Error, CustomStringConvertible {
        var description: String
    }

    init(binary: String, log: String, prefix: String, threads: Int = 4) throws {
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [log, prefix, String(threads)]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = nil
        try process.run()
        drain(out.fileHandleForReading, isStdout: true)
        drain(err.fileHandleForReading, isStdout: false)
    }

    /// Reads `handle` on its own thread until end of file.
    private func drain(_ handle: Foundation.FileHandle, isStdout: Bool) {
        let thread = Thread { [self] in
            while true {
                let chunk = handle.availableData
                output.update { o in
                    if chunk.isEmpty { o.open -= 1 } else if isStdout { o.stdout.append(chunk) } else { o.stderr.append(chunk) }
                }
                if chunk.isEmpty { return }
            }
        }
        thread.start()
    }

    /// Waits for a first whole line on stdout.
    func waitForOutput(timeout: Double) -> Bool {
        _ = output.wait(until: { $0.stdout.contains(UInt8(ascii: "\n")) || $0.open == 0 }, timeout: timeout)
        return output.read { $0.stdout.contains(UInt8(ascii: "\n")) }
    }

    /// kill -9, then everything it wrote before it died.
    func kill() -> (killed: Bool, reason: Process.TerminationReason, status: Int32, stdout: String, stderr: String) {
        if process.isRunning { _ = Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        _ = output.wait(until: { $0.open == 0 }, timeout: 10)
        let (out, err) = output.read { ($0.stdout, $0.stderr) }
        var text = String(decoding: out, as: UTF8.self)
        // A line cut by the kill was never acknowledged in full: only whole lines count.
        if let lastNewline = text.lastIndex(of: "\n") { text = String(text[...lastNewline]) } else { text = "" }
        let errors = String(decoding: err, as: UTF8.self)
        let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        return (killed, process.terminationReason, process.terminationStatus, text, errors)
    }
}
