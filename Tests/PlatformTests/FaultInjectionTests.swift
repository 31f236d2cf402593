import Platform
import Testing

/// The failing-I/O seam: a rule fails the nth matching call with its errno, `times` times, only
/// on paths containing its text, and not at all once disarmed.
@Suite struct FaultInjectionTests {
    /// A private directory per test: rules are scoped to it, so parallel tests never see them.
    final class Scratch {
        let path: String
        init() throws { path = try FileSystem.makeTemporaryDirectory(prefix: "/tmp/rewind-fault-") }
        deinit { try? FileSystem.removeTree(path) }
    }

    @Test func nthAndTimesChooseWhichWritesFail() throws {
        let dir = try Scratch()
        let file = try SystemFile.open(dir.path + "/data", flags: [.readWrite, .create])
        let token = FaultInjection.arm(.write, errno: Errno.noSpace, nth: 2, times: 2, pathContains: dir.path + "/")
        defer { FaultInjection.disarm(token) }
        var outcomes: [Int32?] = []
        for i in 0..<4 {
            do {
                try file.write([UInt8(i)], at: i)
                outcomes.append(nil)
            } catch let error as IOError {
                #expect(error.call == "pwrite" && error.path == dir.path + "/data")
                #expect(error.description.contains("No space left on device"))
                outcomes.append(error.errno)
            }
        }
        #expect(outcomes == [nil, Errno.noSpace, Errno.noSpace, nil])
        #expect(FaultInjection.fired(token) == 2)
        // The failed writes wrote nothing: the file holds bytes 0 and 3 only.
        #expect(try file.read(count: 4, at: 0) == [0, 0, 0, 3])
    }

    /// A disk filling up mid-write: the nth write call writes half its bytes, the next fails.
    @Test func shortWriteWritesHalfThenTheNextCallFails() throws {
        let dir = try Scratch()
        let file = try SystemFile.open(dir.path + "/data", flags: [.readWrite, .create])
        let big = (0..<1024).map { UInt8(truncatingIfNeeded: $0 % 251 + 1) }
        try file.write([9, 9], at: 0)
        let token = FaultInjection.arm(.write, errno: Errno.noSpace, nth: 2, pathContains: dir.path + "/", shortWrite: true)
        defer { FaultInjection.disarm(token) }
        try file.write([1, 1], at: 0)
        // Below a sector: written whole, and the rule waits for a larger write.
        try file.write([2, 2], at: 2)
        let failure = #expect(throws: IOError.self) { try file.write(big, at: 4) }
        #expect(failure?.errno == Errno.noSpace)
        #expect(FaultInjection.fired(token) == 1)
        // SystemFile.write retried the rest after the short write; that call failed.
        #expect(try file.read(count: 4096, at: 0) == [1, 1, 2, 2] + big.prefix(512))
        try file.write([7], at: 4 + 512)
        #expect(try FileSystem.fileSize(dir.path + "/data") == 4 + 512 + 1)
    }

    @Test func pathsWithoutTheTextAreNotAffected() throws {
        let mine = try Scratch()
        let other = try Scratch()
        try FaultInjection.with(.open, errno: Errno.io, times: .max, pathContains: mine.path + "/") {
            #expect(throws: IOError(call: "open", path: mine.path + "/a", errno: Errno.io)) {
                _ = try SystemFile.open(mine.path + "/a", flags: [.readWrite, .create])
            }
            let file = try SystemFile.open(other.path + "/a", flags: [.readWrite, .create])
            try file.write([1, 2, 3], at: 0)
            try file.syncData()
        }
        #expect(try FileSystem.fileSize(other.path + "/a") == 3)
    }

    @Test func disarmedRulesNoLongerFire() throws {
        let dir = try Scratch()
        let path = dir.path + "/f"
        let file = try SystemFile.open(path, flags: [.readWrite, .create])
        let token = FaultInjection.arm(.fsync, errno: Errno.io, times: .max, pathContains: dir.path)
        #expect(throws: IOError.self) { try file.sync() }
        #expect(throws: IOError.self) { try file.sync() }
        #expect(FaultInjection.fired(token) == 2)
        FaultInjection.disarm(token)
        try file.sync()
        #expect(FaultInjection.fired(token) == 0)

        // A scoped rule is gone when its body ends, even by throwing.
        #expect(throws: IOError.self) {
            try FaultInjection.with(.unlink, errno: Errno.permission, pathContains: dir.path) {
                try FileSystem.remove(path)
            }
        }
        #expect(FileSystem.exists(path))
        try FileSystem.remove(path)
        #expect(!FileSystem.exists(path))
    }

    @Test func anInjectedEINTRIsRetriedLikeARealOne() throws {
        let dir = try Scratch()
        let file = try SystemFile.open(dir.path + "/f", flags: [.readWrite, .create])
        let token = FaultInjection.arm(.fdatasync, errno: Errno.interrupted, times: 3, pathContains: dir.path)
        defer { FaultInjection.disarm(token) }
        try file.write([7], at: 0)
        try file.syncData()
        #expect(FaultInjection.fired(token) == 3)
    }

    @Test func renameMkdirAndFtruncateFailWithTheirCallAndPath() throws {
        let dir = try Scratch()
        let from = dir.path + "/from", to = dir.path + "/to"
        try FileSystem.writeAtomically([1], to: from, durable: false)
        FaultInjection.with(.rename, errno: Errno.io, pathContains: "/to") {
            #expect(throws: IOError(call: "rename", path: "\(from) -> \(to)", errno: Errno.io)) {
                try FileSystem.rename(from, to: to)
            }
        }
        try FileSystem.rename(from, to: to)
        FaultInjection.with(.mkdir, errno: Errno.noSpace, pathContains: dir.path) {
            #expect(throws: IOError(call: "mkdir", path: dir.path + "/sub", errno: Errno.noSpace)) {
                try FileSystem.makeDirectory(dir.path + "/sub")
            }
        }
        let file = try SystemFile.open(to, flags: .readWrite)
        FaultInjection.with(.ftruncate, errno: Errno.io, pathContains: dir.path) {
            #expect(throws: IOError(call: "ftruncate", path: to, errno: Errno.io)) { try file.truncate(to: 0) }
        }
        FaultInjection.with(.read, errno: Errno.io, pathContains: dir.path) {
            #expect(throws: IOError(call: "pread", path: to, errno: Errno.io)) { _ = try file.read(count: 1, at: 0) }
        }
        #expect(try file.read(count: 1, at: 0) == [1])
    }
}
