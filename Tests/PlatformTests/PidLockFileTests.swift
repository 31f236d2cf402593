import Platform
import Testing

/// The pid lock file: one holder at a time; whoever finds it taken learns the holder's pid and
/// command; a dead holder's file does not block.
@Suite struct PidLockFileTests {
    @Test func secondHolderIsToldThePidAndCommandOfTheFirst() throws {
        let dir = try FileSystem.makeTemporaryDirectory(prefix: "/tmp/rewind-pidlock-")
        defer { try? FileSystem.removeTree(dir) }
        let path = dir + "/LOCK"
        let first = try PidLockFile.acquire(path: path, command: "rewind import")
        #expect(PidLockFile.isHeld(path: path))
        #expect(PidLockFile.holder(path: path) == PidLockFile.Holder(fileText: "pid=\(CurrentProcess.id) command=rewind import\n"))

        #expect {
            _ = try PidLockFile.acquire(path: path, command: "rewind project run", patience: .seconds(5))
        } throws: { error in
            guard let busy = error as? PidLockFile.Busy else { return false }
            return busy.holder.pid == CurrentProcess.id && busy.holder.command == "rewind import"
                && "\(busy.holder)" == "pid \(CurrentProcess.id) (rewind import)"
        }

        first.release()
        #expect(!first.isHeld)
        #expect(!PidLockFile.isHeld(path: path))
        let second = try PidLockFile.acquire(path: path, command: "rewind project run")
        #expect(PidLockFile.holder(path: path).command == "rewind project run")
        second.release()
        #expect(PidLockFile.holder(path: path).pid == nil)
    }

    @Test func aFileNamingADeadProcessDoesNotBlock() throws {
        let dir = try FileSystem.makeTemporaryDirectory(prefix: "/tmp/rewind-pidlock-")
        defer { try? FileSystem.removeTree(dir) }
        let path = dir + "/LOCK"
        // What a holder killed with -9 leaves behind: its name, but no flock.
        try FileSystem.writeAtomically(Array("pid=2147483646 command=ghost\n".utf8), to: path, durable: false)
        #expect(!PidLockFile.isHeld(path: path))
        let lock = try PidLockFile.acquire(path: path, command: "next")
        defer { lock.release() }
        #expect(PidLockFile.holder(path: path).pid == CurrentProcess.id)
    }

    @Test func holderTextWithoutAPidSaysSo() {
        #expect("\(PidLockFile.Holder(fileText: ""))" == "another process (its lock file names no pid)")
        #expect("\(PidLockFile.Holder(fileText: "pid=12\n"))" == "pid 12")
        #expect("\(PidLockFile.Holder(fileText: "pid=12 command=rewind tail\nrest"))" == "pid 12 (rewind tail)")
    }
}
