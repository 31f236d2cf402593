import EventLog
import Foundation
import Testing

/// `verify` counts only what is part of the log: the events of an import that has not committed
/// (its `import.pending` marker is still there) are checked, reported, and not counted.
@Suite("verify and an uncommitted import")
struct VerifyPendingImportTests {
    /// A log of 1 MiB segments with 50 events, and an import in flight that has written
    /// `REWIND_FAULT_IMPORT_MIB` (default 6) MiB of 64 KiB events without committing (an import
    /// writes each 4 MiB it gathers, so at least 4 MiB of them are on disk).
    static func logWithImportInFlight(_ dir: TemporaryDirectory, body: (String, EventLog, UInt64, Int) throws -> Void) throws {
        let path = dir.file("log")
        try EventLog.create(at: path, segmentBytes: 1 << 20)
        let log = try FaultSupport.reopenWriter(at: path)
        defer { log.close() }
        for i in 0..<50 { try log.append(to: "acct-\(i % 3)", [Fixtures.event("Booked", "{\"i\":\(i)}")]) }
        let head = log.head
        let tx = try log.beginImport()
        let count = max(5, FaultSupport.size("REWIND_FAULT_IMPORT_MIB", default: 6)) * 16
        for i in 0..<count {
            try tx.append(to: "imported-\(i % 2)", [NewEvent(type: "Imported", data: Array(FaultSupport.payload("i\(i)", bytes: 64 << 10).utf8))])
        }
        try body(path, log, head, count)
        try tx.rollback()
    }

    @Test func verifyCountsOnlyUpToTheCommittedHeadOfAnImportInFlight() throws {
        let dir = TemporaryDirectory("rewind-verify-import")
        try Self.logWithImportInFlight(dir) { path, _, head, count in
            let report = try LogVerifier.verify(at: path)
            #expect(report.events == head, "verify counted \(report.events) events; the committed head is \(head)")
            #expect(report.streams == 3, "the imported streams are not part of the log yet")
            #expect(report.isHealthy)
            let pending = try #require(report.uncommittedImport)
            #expect(pending.committedHead == head)
            #expect(pending.events > 0 && pending.events <= UInt64(count))
            #expect(pending.bytes >= Int(pending.events) * (64 << 10))
            #expect(pending.writerRunning)
            let line = try #require(report.problems.first { $0.segment.hasSuffix(LogFormat.pendingImportFile) })
            #expect(line.severity == .warning)
            #expect(line.message.contains("an import is in progress"))
            #expect(line.message.contains("wrote \(pending.events) events (\(pending.bytes) bytes) after position \(head)"))
            #expect(line.message.contains("the counts stop at position \(head)"))
        }
    }

    @Test func verifyOfACopyTakenDuringAnImportSaysTheNextWriterRollsItBack() throws {
        let dir = TemporaryDirectory("rewind-verify-import")
        let copy = dir.file("copy")
        var committedHead: UInt64 = 0
        try Self.logWithImportInFlight(dir) { path, _, head, _ in
            committedHead = head
            try FileManager.default.copyItem(atPath: path, toPath: copy)
        }
        // The copy's lock file names no live writer once it is cleared (as after a crash).
        try Data().write(to: URL(fileURLWithPath: copy + "/" + LogFormat.lockFile))
        let report = try LogVerifier.verify(at: copy)
        #expect(report.events == committedHead)
        let pending = try #require(report.uncommittedImport)
        #expect(!pending.writerRunning)
        #expect(pending.events > 0)
        #expect(report.problems.contains { $0.message.contains("an import was interrupted before it committed") && $0.message.contains("the next writer rolls them back") })

        // And the next writer does: the copy opens at the committed head.
        let writer = try EventLog.openWriter(at: copy)
        #expect(writer.head == committedHead)
        writer.close()
        let after = try LogVerifier.verify(at: copy)
        #expect(after.uncommittedImport == nil)
        #expect(after.events == committedHead)
    }

    @Test func verifyWithoutAPendingImportReportsNone() throws {
        let dir = TemporaryDirectory("rewind-verify-import")
        let path = try Fixtures.makeLog(in: dir)
        let log = try EventLog.openWriter(at: path)
        try log.append(to: "a", Fixtures.deposits(4))
        log.close()
        let report = try LogVerifier.verify(at: path)
        #expect(report.uncommittedImport == nil)
        #expect(report.events == 4)
        #expect(report.problems.isEmpty)
    }
}
