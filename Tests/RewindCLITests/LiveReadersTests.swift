import EventLog
import Foundation
import Synchronization
import Testing

/// Any number of readers in other processes read while the writer appends: they never report
/// damage in a healthy log, whatever moment of a write they catch.
/// What the writer threads and the test share.
private final class Shared: Sendable {
    let stop = Mutex(false)
    let appended = Mutex(0)
    let writerError = Mutex<String?>(nil)
}

@Suite("Live readers in other processes", .serialized)
struct LiveReadersTests {
    /// How long readers run against the writer (`REWIND_LIVE_READ_SECONDS`, CI default 4).
    static var seconds: Double {
        ProcessInfo.processInfo.environment["REWIND_LIVE_READ_SECONDS"].flatMap(Double.init).map { max($0, 0.5) } ?? 4
    }

    /// The readers' `rewind`: the one built with the tests, or `REWIND_LIVE_READ_BINARY` (to see
    /// how another build fares against this writer).
    static var readerBinary: URL {
        ProcessInfo.processInfo.environment["REWIND_LIVE_READ_BINARY"].map { URL(fileURLWithPath: $0) } ?? CLIRunner.executable("rewind")
    }

    /// A durable writer appending as fast as fdatasync allows, from three threads (single events,
    /// batches of 10 and of 100, so groups of different sizes land in the zeroed space the writer
    /// keeps ahead of itself), while `verify`, `streams`, `export` and
    /// `lag` run over and over in other processes, and `lag --watch` samples all along.
    @Test func readersInOtherProcessesNeverSeeFalseDamage() throws {
        let dir = ScratchDirectory()
        let log = dir.file("log")
        // Segments large enough that a reader's scan of the active one takes a while: the longer
        // it works from bytes read earlier, the more the writer adds meanwhile.
        try EventLog.create(at: log, segmentBytes: 16 << 20)
        let writer = try EventLog.openWriter(at: log, options: .init(command: "live-writer"))
        let shared = Shared()
        let group = DispatchGroup()
        for thread in 0..<3 {
            group.enter()
            Thread {
                defer { group.leave() }
                var i = 0
                while !shared.stop.withLock({ $0 }) {
                    let size = [1, 10, 100][thread]
                    let pad = String(repeating: "x", count: [40, 300, 60][thread])
                    let events = (0..<size).map { n in
                        NewEvent(type: "Deposited", data: Array("{\"thread\":\(thread),\"i\":\(i),\"n\":\(n),\"pad\":\"\(pad)\"}".utf8))
                    }
                    do {
                        try writer.append(to: "account-\(thread)-\(i % 50)", events)
                    } catch {
                        shared.writerError.withLock { $0 = "\(error)" }
                        return
                    }
                    shared.appended.withLock { $0 += size }
                    i += 1
                    // The big batches come at a steady pace, so that the log grows by a few MB a
                    // second and readers get through it many times.
                    if thread == 2 { usleep(10_000) }
                }
            }.start()
        }
        defer {
            shared.stop.withLock { $0 = true }
            group.wait()
            writer.close()
        }
        // Readers start once the writer is under way.
        let started = Date()
        while shared.appended.withLock({ $0 }) < 100 && Date().timeIntervalSince(started) < 30 { usleep(5_000) }

        let watcher = Process()
        watcher.executableURL = Self.readerBinary
        watcher.arguments = ["lag", log, "--watch", "--json", "--interval", "0.05"]
        let watchOut = Pipe(), watchErr = Pipe()
        watcher.standardOutput = watchOut
        watcher.standardError = watchErr
        try watcher.run()

        let commands: [[String]] = [["verify", log], ["streams", log], ["export", log], ["lag", log, "--json"]]
        var runs = 0
        var failures: [String] = []
        let deadline = Date().addingTimeInterval(Self.seconds)
        while Date() < deadline || runs < 2 * commands.count {
            let arguments = commands[runs % commands.count]
            let result = try CLIRunner.run(Self.readerBinary, arguments)
            runs += 1
            if result.status != 0 {
                failures.append("rewind \(arguments[0]) exited \(result.status): \(result.stderr.prefix(400))")
            }
        }
        usleep(100_000)
        kill(watcher.processIdentifier, SIGINT)
        let watchLines = String(decoding: watchOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        let watchError = String(decoding: watchErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        watcher.waitUntilExit()

        shared.stop.withLock { $0 = true }
        group.wait()
        #expect(shared.writerError.withLock { $0 } == nil, "the writer failed: \(shared.writerError.withLock { $0 } ?? "")")
        #expect(failures.isEmpty, "\(failures.count) of \(runs) reader runs failed against a live writer (\(shared.appended.withLock { $0 }) events appended):\n\(failures.prefix(6).joined(separator: "\n"))")
        #expect(watcher.terminationStatus == 0 && watchLines.count >= 2, "lag --watch exited \(watcher.terminationStatus) after \(watchLines.count) samples: \(watchError.prefix(400))")
        print("live readers: \(runs) runs of verify/streams/export/lag, \(watchLines.count) lag --watch samples, \(shared.appended.withLock { $0 }) events appended in the meantime")

        // Everything acknowledged is there, and the log checks out once the writer is done.
        let total = shared.appended.withLock { $0 }
        #expect(writer.head == UInt64(total))
        let verify = try CLIRunner.rewind(["verify", log])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
    }
}
