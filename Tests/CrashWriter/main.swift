// rewind-crash-writer LOG PREFIX [THREADS]
//
// The victim of the kill -9 fault tests: opens LOG as its writer (fsync durability, creating the
// log with 16 KiB segments when there is none) and appends forever from THREADS threads
// (default 4), in batches of 1...5 events. After each ACKNOWLEDGED append it writes one line to
// stdout, with one write(2) so that lines never interleave or sit in a buffer when it is killed:
//
//     STREAM FIRST_VERSION LAST_VERSION FIRST_POSITION LAST_POSITION
//
// Each thread owns three streams (PREFIX-tN-K), appended at their exact expected version, and
// all threads share PREFIX-shared (expected version any). Anything unexpected goes to stderr
// and exits with status 3; a log that cannot be opened exits with status 2.
import EventLog
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered output: one write(2) per line.
enum Output {
    static func line(_ text: String) { emit(1, text + "\n") }

    static func error(_ text: String) { emit(2, "rewind-crash-writer: " + text + "\n") }

    private static func emit(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { raw in write(fd, raw.baseAddress! + done, raw.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            done += n
        }
    }
}

/// One appending thread: forever, until the process is killed.
func appendForever(log: EventLog, prefix: String, thread t: Int) -> Never {
    var random = SystemRandomNumberGenerator()
    let own = (0..<3).map { "\(prefix)-t\(t)-\($0)" }
    var versions = own.map { log.version(of: $0) }
    var n = 0
    while true {
        n += 1
        let shared = n % 5 == 0
        let k = Int.random(in: 0..<3, using: &random)
        let stream = shared ? "\(prefix)-shared" : own[k]
        let count = Int.random(in: 1...5, using: &random)
        let pad = String(repeating: "~", count: Int.random(in: 0...300, using: &random))
        let events = (0..<count).map { i in
            NewEvent(type: "CrashTested", data: Array("{\"t\":\(t),\"n\":\(n),\"i\":\(i),\"pad\":\"\(pad)\"}".utf8))
        }
        do {
            let r = try log.append(to: stream, events, expected: shared ? .any : .exact(versions[k]))
            if !shared { versions[k] = r.lastVersion }
            Output.line("\(r.stream) \(r.firstVersion) \(r.lastVersion) \(r.firstPosition) \(r.lastPosition)")
        } catch {
            Output.error("append to \(stream) failed: \(error)")
            exit(3)
        }
    }
}

func main() -> Never {
    let arguments = CommandLine.arguments
    guard arguments.count >= 3 else {
        Output.error("usage: rewind-crash-writer LOG PREFIX [THREADS]")
        exit(64)
    }
    let path = arguments[1]
    let prefix = arguments[2]
    let threads = arguments.count > 3 ? max(1, Int(arguments[3]) ?? 4) : 4
    let log: EventLog
    do {
        if !FileManager.default.fileExists(atPath: path + "/" + LogFormat.markerFile) {
            try EventLog.create(at: path, segmentBytes: 16 << 10)
        }
        log = try EventLog.openWriter(at: path, options: .init(durability: .fsync, command: "rewind-crash-writer"))
    } catch {
        Output.error("cannot open \(path): \(error)")
        exit(2)
    }
    if !log.recovery.isClean {
        Output.error("recovered: " + log.recovery.messages.joined(separator: "; "))
    }
    for t in 0..<threads {
        Thread { appendForever(log: log, prefix: prefix, thread: t) }.start()
    }
    while true { sleep(3600) }
}

main()
