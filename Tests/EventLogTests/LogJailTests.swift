import EventLog
import Foundation
import Glibc  // mkfifo: the tests plant FIFOs
import Platform
import Testing

/// A copied log directory can hold links an attacker planted: the writer refuses them, says
/// which one, and leaves the file outside exactly as it was. Reading through a link to a
/// regular file (a big segment kept elsewhere) still works.
@Suite("log directory jail")
struct LogJailTests {
    static let secret = Array("precious data that is not a segment\n".utf8)

    /// A log of three events in `dir/log` (writer closed) and a victim file `dir/outside`.
    static func scene(_ dir: TemporaryDirectory) throws -> (log: String, outside: String) {
        let log = try Fixtures.makeLog(in: dir)
        let writer = try EventLog.openWriter(at: log)
        try writer.append(to: "acct-1", Fixtures.deposits(3))
        writer.close()
        let outside = dir.file("outside")
        try Data(secret).write(to: URL(fileURLWithPath: outside))
        return (log, outside)
    }

    static func bytes(_ path: String) -> [UInt8] {
        (try? FileSystem.readFile(path)) ?? []
    }

    @Test func symlinkedLockMakesAppendRefuseAndLeavesTheTargetIntact() throws {
        let dir = TemporaryDirectory("rewind-jail")
        let (log, outside) = try Self.scene(dir)
        try? FileManager.default.removeItem(atPath: log + "/" + LogFormat.lockFile)
        try FileManager.default.createSymbolicLink(atPath: log + "/" + LogFormat.lockFile, withDestinationPath: outside)
        #expect {
            _ = try EventLog.openWriter(at: log)
        } throws: { error in
            "\(error)".contains(log + "/LOCK is a symbolic link") && "\(error)".contains("its target is left untouched")
        }
        #expect(Self.bytes(outside) == Self.secret)
    }

    @Test func symlinkedActiveSegmentIsNotAppendedTo() throws {
        let dir = TemporaryDirectory("rewind-jail")
        let (log, _) = try Self.scene(dir)
        let segment = log + "/" + LogFormat.segmentsDirectory + "/" + LogFormat.segmentFileName(1)
        let elsewhere = dir.file("big-disk.seg")
        try FileManager.default.moveItem(atPath: segment, toPath: elsewhere)
        try FileManager.default.createSymbolicLink(atPath: segment, withDestinationPath: elsewhere)
        let before = Self.bytes(elsewhere)

        // Reading follows a link to a regular file: a segment kept on another disk still reads.
        let reader = try EventLog.openReadOnly(at: log)
        #expect(reader.head == 3)
        reader.close()

        #expect {
            let writer = try EventLog.openWriter(at: log)
            defer { writer.close() }
            try writer.append(to: "acct-1", Fixtures.deposits(1))
        } throws: { error in
            "\(error)".contains("\(LogFormat.segmentFileName(1)) is a symbolic link")
        }
        #expect(Self.bytes(elsewhere) == before)
    }

    @Test func symlinkedUnfinishedSegmentIsNotOverwrittenWithAHeader() throws {
        let dir = TemporaryDirectory("rewind-jail")
        let log = try Fixtures.makeLog(in: dir)
        let outside = dir.file("outside")
        let short = Array("short\n".utf8)  // fewer bytes than a header: looks like an unfinished segment
        try Data(short).write(to: URL(fileURLWithPath: outside))
        let segment = log + "/" + LogFormat.segmentsDirectory + "/" + LogFormat.segmentFileName(1)
        try FileManager.default.createSymbolicLink(atPath: segment, withDestinationPath: outside)
        #expect(throws: EventLogError.self) { try EventLog.openWriter(at: log).close() }
        #expect(Self.bytes(outside) == short)
    }

    @Test func symlinkedIndexDirectoryReceivesNoIndexFiles() throws {
        let dir = TemporaryDirectory("rewind-jail")
        let log = try Fixtures.makeLog(in: dir, segmentBytes: 64 << 10)
        let index = log + "/" + LogFormat.indexDirectory
        let elsewhere = dir.file("elsewhere")
        try FileManager.default.removeItem(atPath: index)
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: index, withDestinationPath: elsewhere)
        let writer = try EventLog.openWriter(at: log)
        defer { writer.close() }
        let big = NewEvent(type: "Big", data: Array(String(repeating: "x", count: 8 << 10).utf8))
        // Filling the first segment seals it, which writes its index: refused, into a link.
        #expect(throws: EventLogError.self) {
            for _ in 0..<40 { try writer.append(to: "s", [big]) }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
    }

    @Test func fifoAsLockFileIsRefusedWithoutHanging() throws {
        let dir = TemporaryDirectory("rewind-jail")
        let (log, _) = try Self.scene(dir)
        try? FileManager.default.removeItem(atPath: log + "/" + LogFormat.lockFile)
        #expect(mkfifo(log + "/" + LogFormat.lockFile, 0o644) == 0)
        #expect { try EventLog.openWriter(at: log).close() } throws: { "\($0)".contains("is a FIFO") }
    }

    @Test func fifoAsSegmentIsRefusedByReadersAndVerify() throws {
        let dir = TemporaryDirectory("rewind-jail")
        let log = try Fixtures.makeLog(in: dir)
        #expect(mkfifo(log + "/" + LogFormat.segmentsDirectory + "/" + LogFormat.segmentFileName(1), 0o644) == 0)
        #expect { try EventLog.openReadOnly(at: log).close() } throws: { "\($0)".contains("is a FIFO") }
        let report = try LogVerifier.verify(at: log)
        #expect(!report.isHealthy)
        #expect(report.problems.contains { $0.message.contains("is a FIFO") })
    }
}
