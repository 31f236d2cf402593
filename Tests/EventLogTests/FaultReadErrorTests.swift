import EventLog
import Foundation
import Platform
import Testing

/// EIO from the disk while reading: the error names the segment file and the byte offset the
/// read started at, is damage (`.corrupt`, exit status 4 in the CLI), and a read either
/// delivers the whole history or throws — never a shorter history that looks complete.
@Suite("Fault: read errors")
struct FaultReadErrorTests {
    /// A log of 8 KiB segments: two sealed, the third active; returns its path and events.
    static func makeLog(_ dir: TemporaryDirectory) throws -> (String, [RecordedEvent]) {
        let path = dir.file("log")
        try EventLog.create(at: path, segmentBytes: 8 << 10)
        let log = try FaultSupport.reopenWriter(at: path)
        var i = 0
        while log.segmentCount < 3 || i % 7 != 0 {
            try log.append(to: "acct-\(i % 3)", [Fixtures.event("Booked", FaultSupport.payload("e\(i)", bytes: 500))])
            i += 1
        }
        let events = try FaultSupport.readAll(log)
        log.close()
        return (path, events)
    }

    /// Reads the whole log; the events delivered before it threw, and the error.
    static func readAll(_ log: EventLog) -> (events: Int, error: (any Error)?) {
        var count = 0
        do {
            try log.readAll { _ in count += 1; return true }
        } catch {
            return (count, error)
        }
        return (count, nil)
    }

    static func expectNamed(_ error: (any Error)?, segment: UInt32, log: String, offset: Int, _ label: String) {
        guard let corrupt = FaultCorruptionTests.corrupt(error) else {
            Issue.record("\(label): expected .corrupt, got \(String(describing: error))")
            return
        }
        #expect(corrupt.segment.hasSuffix("/" + LogFormat.segmentFileName(segment)), "\(label): \(corrupt.segment)")
        #expect(corrupt.offset == offset, "\(label): offset \(corrupt.offset)")
        #expect(corrupt.reason.contains("Input/output error"), "\(label): \(corrupt.reason)")
        let text = "\(error.map { "\($0)" } ?? "")"
        #expect(text.contains(LogFormat.segmentFileName(segment)) && text.contains("byte offset \(offset)"), "\(label): \(text)")
    }

    @Test func eioOnReadIsReportedWithSegmentAndOffset() throws {
        let dir = TemporaryDirectory("rewind-fault-eio")
        let (path, events) = try Self.makeLog(dir)
        let first = LogFormat.segmentHeaderSize
        for segment: UInt32 in [1, 2, 3] {
            let file = FileSurgery.segmentPath(log: path, segment)
            let label = "segment \(segment)\(segment == 3 ? " (active)" : " (sealed)")"

            // Opened before the fault: reading the history fails at the segment's first batch.
            let reader = try EventLog.openReadOnly(at: path)
            let (delivered, error) = FaultInjection.with(.read, errno: Errno.io, times: .max, pathContains: file) { Self.readAll(reader) }
            Self.expectNamed(error, segment: segment, log: path, offset: first, label + ", readAll")
            #expect(delivered < events.count, "\(label): a failed read delivered everything")
            #expect(Self.readAll(reader).events == events.count, "\(label): the reader does not recover once the disk does")
            reader.close()

            // Opening while the segment header cannot be read names the header.
            let opening = FaultInjection.with(.read, errno: Errno.io, times: .max, pathContains: file) { () -> (any Error)? in
                do { _ = try EventLog.openReadOnly(at: path) } catch { return error }
                return nil
            }
            Self.expectNamed(opening, segment: segment, log: path, offset: 0, label + ", open")

            // verify reports it too (the header as a problem, a batch as the error it stops at).
            let report = try FaultInjection.with(.read, errno: Errno.io, times: .max, pathContains: file) { try LogVerifier.verify(at: path) }
            let problem = report.problems.first { $0.segment.hasSuffix(LogFormat.segmentFileName(segment)) }
            #expect(problem?.offset == 0 && problem?.severity == .error && problem?.message.contains("Input/output error") == true, "\(label): \(report.problems)")
            #expect(!report.isHealthy)
            let stopped = FaultInjection.with(.read, errno: Errno.io, nth: 2, times: .max, pathContains: file) { () -> (any Error)? in
                do { _ = try LogVerifier.verify(at: path) } catch { return error }
                return nil
            }
            Self.expectNamed(stopped, segment: segment, log: path, offset: first, label + ", verify")
        }
    }

    /// The live writer's readers: a refresh that cannot read what the writer appended throws
    /// with the offset of the new data, and so does the writer's own read of it.
    @Test func eioOnReadingTheActiveTailIsReportedWithItsOffset() throws {
        let dir = TemporaryDirectory("rewind-fault-eio")
        let (path, events) = try Self.makeLog(dir)
        let writer = try FaultSupport.reopenWriter(at: path)
        defer { writer.close() }
        let reader = try EventLog.openReadOnly(at: path)
        defer { reader.close() }
        let head = reader.head
        let appended = try writer.append(to: "acct-1", [Fixtures.event("Late", "{}")])
        let tail = try #require(try FileSurgery.frames(segment: FileSurgery.segmentPath(log: path, 3)).last)
        #expect(appended.firstPosition == tail.firstPosition)
        let file = FileSurgery.segmentPath(log: path, 3)
        let refreshing = FaultInjection.with(.read, errno: Errno.io, times: .max, pathContains: file) { () -> (any Error)? in
            do { _ = try reader.refresh() } catch { return error }
            return nil
        }
        Self.expectNamed(refreshing, segment: 3, log: path, offset: tail.offset, "refresh")
        #expect(reader.head == head)
        let own = FaultInjection.with(.read, errno: Errno.io, times: .max, pathContains: file) { () -> (any Error)? in
            do { _ = try writer.event(at: appended.firstPosition) } catch { return error }
            return nil
        }
        Self.expectNamed(own, segment: 3, log: path, offset: tail.offset, "the writer's read")
        #expect(try reader.refresh())
        #expect(try FaultSupport.readAll(reader).count == events.count + 1)
    }
}
