#if canImport(Glibc)
import Glibc
import Platform
#endif

/// The single-writer lock: an flock on `LOG/LOCK`, held for the writer's lifetime, whose file
/// names the holder so that a second writer's error can say who it is.
final class WriterLock: @unchecked Sendable {
    let handle: SystemFile

    private init(handle: SystemFile) {
        self.handle = handle
    }

    /// Takes the lock or throws `EventLogError.locked` naming the holder's pid and command.
    static func acquire(log: String, command: String) throws -> WriterLock {
        let path = log + "/" + LogFormat.lockFile
        let handle: SystemFile
        do {
            handle = try SystemFile.open(path, flags: O_RDWR | O_CREAT)
        } catch {
            throw EventLogError.wrap(error)
        }
        // Another thread's fork can briefly hold a copy of a just-released lock (until the child's
        // exec closes it), and a winner names itself only after taking the lock: so while the lock
        // file names no live process, look again for up to 200 ms before giving up.
        var text = ""
        var taken = false
        for _ in 0..<100 {
            do { taken = try handle.tryLockExclusive() } catch { throw EventLogError.wrap(error) }
            if taken { break }
            text = (try? handle.read(count: 512, at: 0)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            if let pid = holderPID(text), kill(pid, 0) == 0 || errno == EPERM {
                break  // a live holder, named: no need to wait
            }
            usleep(2000)
        }
        guard taken else {
            throw EventLogError.locked(log: log, holder: describeHolder(text))
        }
        let line = "pid=\(FileSystem.processID) command=\(command)\n"
        do {
            try handle.truncate(to: 0)
            try handle.write(Array(line.utf8), at: 0)
        } catch {
            throw EventLogError.wrap(error)
        }
        return WriterLock(handle: handle)
    }

    /// True when the lock file names a live process: a writer may be appending right now. (A
    /// writer that exits clears the name; one that crashed leaves a dead pid.) Takes no lock.
    static func isHeldByLiveProcess(log: String) -> Bool {
        guard let bytes = try? FileSystem.readFile(log + "/" + LogFormat.lockFile),
              let pid = holderPID(String(decoding: bytes.prefix(512), as: UTF8.self)), pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    static func holderPID(_ text: String) -> Int32? {
        guard let p = text.range(of: "pid=") else { return nil }
        return Int32(text[p.upperBound...].prefix(while: { $0.isNumber }))
    }

    /// "pid 4121 (rewind import)" from the lock file's text.
    static func describeHolder(_ text: String) -> String {
        var pid = "", command = ""
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        if let p = line.range(of: "pid=") {
            pid = String(line[p.upperBound...].prefix(while: { $0.isNumber }))
        }
        if let c = line.range(of: "command=") { command = String(line[c.upperBound...]) }
        if pid.isEmpty { return "another process (its lock file names no pid)" }
        return command.isEmpty ? "pid \(pid)" : "pid \(pid) (\(command))"
    }

    /// Clears the holder's name, then releases the flock (closing the descriptor).
    func release() {
        guard handle.fd >= 0 else { return }
        try? handle.truncate(to: 0)
        handle.close()
    }
}
