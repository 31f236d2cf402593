import EventLog
import Foundation
import Platform
import Testing

/// A failed fdatasync is final: the append that waited for it throws, the writer stops, and the
/// log never shows that append as stored — no retried sync that pretends all is well.
@Suite("Fault: failed sync")
struct FaultSyncTests {
    @Test func failedFdatasyncMeansTheAppendIsNotAcknowledged() throws {
        let dir = TemporaryDirectory("rewind-fault-sync")
        let path = dir.file("log")
        try EventLog.create(at: path)
        let log = try FaultSupport.reopenWriter(at: path)
        try log.append(to: "acct-1", [Fixtures.event("Opened", "{\"n\":1}")])

        // From now on every fdatasync in this log fails with EIO: the append's own, or the
        // prefiller's on the same descriptor (which the kernel would report only once).
        let token = FaultInjection.arm(.fdatasync, errno: Errno.io, times: .max, pathContains: dir.path + "/")
        defer { FaultInjection.disarm(token) }
        let failed = #expect(throws: EventLogError.self) {
            try log.append(to: "acct-1", [Fixtures.event("Deposited", "{\"n\":2}")])
        }
        #expect(FaultInjection.fired(token) >= 1)
        #expect("\(failed.map { "\($0)" } ?? "")".contains("Input/output error"))

        // The writer stopped: a later append fails at once, says why, and syncs nothing.
        let firedBefore = FaultInjection.fired(token)
        let later = #expect(throws: EventLogError.self) {
            try log.append(to: "acct-2", [Fixtures.event("Opened", "{\"n\":3}")])
        }
        let text = later.map { "\($0)" } ?? ""
        #expect(text.contains("the writer stopped after a failed sync"), "\(text)")
        #expect(text.contains("fdatasync failed"), "\(text)")
        #expect(FaultInjection.fired(token) == firedBefore)
        #expect(log.head == 1)
        #expect(try FaultSupport.readAll(log).map(\.type) == ["Opened"])
        log.close()
        FaultInjection.disarm(token)

        // Reopened, the log ends at the last acknowledged append, and takes new ones after it.
        let reopened = try FaultSupport.reopenWriter(at: path)
        defer { reopened.close() }
        #expect(try FaultSupport.readAll(reopened).map(\.type) == ["Opened"])
        #expect(reopened.version(of: "acct-1") == 1)
        try reopened.append(to: "acct-1", [Fixtures.event("Deposited", "{\"n\":4}")], expected: .exact(1))
        #expect(try FaultSupport.readAll(reopened).map(\.type) == ["Opened", "Deposited"])
    }
}
