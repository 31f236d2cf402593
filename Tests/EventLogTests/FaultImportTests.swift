import EventLog
import Foundation
import Testing

/// An import is all-or-nothing: rolled back (by call, by drop, or by the next writer after a
/// crash) it leaves the log byte for byte as it was; committed it survives reopen.
@Suite("Fault: atomic import")
struct FaultImportTests {
    /// What "the log is exactly as before" compares.
    struct LogState: Equatable, CustomStringConvertible {
        var head: UInt64
        var fileSizes: [String: Int]
        var versions: [String: UInt64]
        var events: [RecordedEvent]

        init(_ log: EventLog, path: String) throws {
            head = log.head
            fileSizes = try FileSurgery.fileSizes(log: path)
            versions = Dictionary(uniqueKeysWithValues: log.streams().map { ($0.name, log.version(of: $0.name)) })
            events = try FaultSupport.readAll(log)
        }

        var description: String { "head \(head), streams \(versions), files \(fileSizes.sorted { $0.key < $1.key })" }
    }

    enum ImportSize: String, CaseIterable, Sendable {
        /// A few events: nothing reaches the disk before commit.
        case small
        /// `REWIND_FAULT_IMPORT_MIB` MiB (default 6) of 64 KiB events: written (unsynced) as it
        /// goes, rolling through several 1 MiB segments before it ends.
        case acrossSegments

        var events: [NewEvent] {
            switch self {
            case .small:
                return (0..<5).map { Fixtures.event("Imported", "{\"n\":\($0)}") }
            case .acrossSegments:
                let count = FaultSupport.size("REWIND_FAULT_IMPORT_MIB", default: 6) * 16
                return (0..<count).map { NewEvent(type: "Imported", data: Array(FaultSupport.payload("i\($0)", bytes: 64 << 10).utf8)) }
            }
        }
    }

    /// A log of 1 MiB segments holding 50 small events over three streams.
    static func makeLog(_ dir: TemporaryDirectory) throws -> String {
        let path = dir.file("log")
        try EventLog.create(at: path, segmentBytes: 1 << 20)
        let log = try FaultSupport.reopenWriter(at: path)
        for i in 0..<50 { try log.append(to: "acct-\(i % 3)", [Fixtures.event("Booked", "{\"i\":\(i)}")]) }
        log.close()
        return path
    }

    /// Appends `size`'s events through `tx`: into an existing stream at its exact version, and
    /// into new streams.
    static func fill(_ tx: ImportTransaction, _ size: ImportSize, existing: UInt64) throws {
        let events = size.events
        try tx.append(to: "acct-0", Array(events.prefix(3)), expected: .exact(existing))
        for (i, e) in events.enumerated().dropFirst(3) {
            try tx.append(to: "imported-\(i % 4)", [e])
        }
    }

    @Test(arguments: ImportSize.allCases)
    func rolledBackImportLeavesTheLogExactlyAsBefore(size: ImportSize) throws {
        let dir = TemporaryDirectory("rewind-import")
        let path = try Self.makeLog(dir)
        let log = try FaultSupport.reopenWriter(at: path)
        let before = try LogState(log, path: path)
        let segments = log.segmentCount

        let tx = try log.beginImport()
        #expect(FileSurgery.exists(path + "/" + LogFormat.pendingImportFile))
        try Self.fill(tx, size, existing: before.versions["acct-0"]!)
        #expect(throws: EventLogError.self) { try log.append(to: "acct-1", [Fixtures.event("Outside")]) }
        if size == .acrossSegments {
            #expect(log.segmentCount >= segments + 3, "the import should have rolled through segments")
            #expect(try FileSurgery.fileSizes(log: path) != before.fileSizes)
        }
        try tx.rollback()

        let after = try LogState(log, path: path)
        #expect(after == before, "after rollback: \(after)\nbefore: \(before)")
        #expect(log.segmentCount == segments)
        #expect(!FileSurgery.exists(path + "/" + LogFormat.pendingImportFile))
        let next = try log.append(to: "acct-0", [Fixtures.event("AfterRollback")], expected: .exact(before.versions["acct-0"]!))
        #expect(next.firstPosition == before.head + 1 && next.firstVersion == before.versions["acct-0"]! + 1)
        log.close()

        let reopened = try FaultSupport.reopenWriter(at: path)
        defer { reopened.close() }
        #expect(reopened.recovery.isClean, "\(reopened.recovery.messages)")
        #expect(reopened.head == before.head + 1)
        #expect(try FaultSupport.readAll(reopened).dropLast() == ArraySlice(before.events))
        #expect(reopened.streamInfo("imported-1") == nil)
    }

    @Test func droppedImportTransactionIsRolledBack() throws {
        let dir = TemporaryDirectory("rewind-import")
        let path = try Self.makeLog(dir)
        let log = try FaultSupport.reopenWriter(at: path)
        defer { log.close() }
        let before = try LogState(log, path: path)
        do {
            let tx = try log.beginImport()
            try Self.fill(tx, .acrossSegments, existing: before.versions["acct-0"]!)
        }
        #expect(try LogState(log, path: path) == before)
        #expect(try log.append(to: "acct-2", [Fixtures.event("Next")]).firstPosition == before.head + 1)
    }

    /// A crash mid-import: the directory is copied away while the import is open, as a crash
    /// would leave it, and the copy is opened by a new writer.
    @Test(arguments: ImportSize.allCases)
    func abandonedImportIsRolledBackOnOpen(size: ImportSize) throws {
        let dir = TemporaryDirectory("rewind-import")
        let path = try Self.makeLog(dir)
        let log = try FaultSupport.reopenWriter(at: path)
        defer { log.close() }
        let before = try LogState(log, path: path)
        let tx = try log.beginImport()
        try Self.fill(tx, size, existing: before.versions["acct-0"]!)
        let crashed = dir.file("crashed")
        try FileSurgery.copyLog(path, to: crashed)
        try tx.rollback()
        let onDisk = try FileSurgery.fileSizes(log: crashed)
        let segmentBytes = { (sizes: [String: Int]) in sizes.filter { $0.key.hasPrefix(LogFormat.segmentsDirectory) }.values.reduce(0, +) }
        let written = segmentBytes(onDisk) - segmentBytes(before.fileSizes)
        #expect(onDisk[LogFormat.pendingImportFile] != nil)
        if size == .acrossSegments { #expect(written > 4 << 20) } else { #expect(written == 0) }

        let recovered = try FaultSupport.reopenWriter(at: crashed)
        #expect(recovered.recovery.rolledBackBytes == written)
        #expect(recovered.recovery.messages.contains { $0.contains("rolled back an interrupted import") })
        #expect(recovered.recovery.bytesCut == 0)
        let state = try LogState(recovered, path: crashed)
        #expect(state == before, "recovered: \(state)\nbefore: \(before)")
        let next = try recovered.append(to: "imported-1", [Fixtures.event("Fresh")], expected: .noStream)
        #expect(next.firstPosition == before.head + 1 && next.firstVersion == 1)
        recovered.close()
        let again = try FaultSupport.reopenWriter(at: crashed)
        #expect(again.recovery.isClean, "\(again.recovery.messages)")
        #expect(again.head == before.head + 1)
        again.close()
    }

    @Test(arguments: ImportSize.allCases)
    func committedImportSurvivesReopen(size: ImportSize) throws {
        let dir = TemporaryDirectory("rewind-import")
        let path = try Self.makeLog(dir)
        let log = try FaultSupport.reopenWriter(at: path)
        let before = try LogState(log, path: path)
        let tx = try log.beginImport()
        try Self.fill(tx, size, existing: before.versions["acct-0"]!)
        try tx.commit()
        #expect(!FileSurgery.exists(path + "/" + LogFormat.pendingImportFile))
        let committed = try LogState(log, path: path)
        #expect(committed.head == before.head + UInt64(size.events.count))
        #expect(Array(committed.events.prefix(before.events.count)) == before.events)
        #expect(try log.append(to: "acct-1", [Fixtures.event("AfterImport")]).firstPosition == committed.head + 1)
        log.close()

        let reopened = try FaultSupport.reopenWriter(at: path)
        defer { reopened.close() }
        #expect(reopened.recovery.isClean, "\(reopened.recovery.messages)")
        #expect(reopened.head == committed.head + 1)
        #expect(Array(try FaultSupport.readAll(reopened).prefix(committed.events.count)) == committed.events)
        #expect(reopened.version(of: "acct-0") == before.versions["acct-0"]! + 3)
        var imported = 0
        for s in 0..<4 {
            let events = try reopened.events(in: "imported-\(s)")
            #expect(events.map(\.version) == Array(stride(from: 1, through: UInt64(events.count), by: 1)))
            #expect(events.allSatisfy { $0.type == "Imported" })
            imported += events.count
        }
        #expect(imported == size.events.count - 3)
    }

    /// Readers must not see what an import has written before it commits: if it is rolled back,
    /// its positions are reused by other events.
    @Test func readerNeverSeesAnImportThatIsRolledBack() throws {
        let dir = TemporaryDirectory("rewind-import")
        let path = try Self.makeLog(dir)
        let log = try FaultSupport.reopenWriter(at: path)
        defer { log.close() }
        let reader = try EventLog.openReadOnly(at: path)
        defer { reader.close() }
        let head = log.head
        let tx = try log.beginImport()
        try Self.fill(tx, .acrossSegments, existing: log.version(of: "acct-0"))
        _ = try? reader.refresh()
        #expect(reader.head == head, "a reader sees \(reader.head - head) uncommitted imported events")
        try tx.rollback()
        for i in 0..<3 { try log.append(to: "after-1", [Fixtures.event("AfterRollback", "{\"i\":\(i)}")]) }
        var seen: [RecordedEvent] = []
        do {
            _ = try reader.waitForEvents(after: head, timeout: 1)
            seen = try FaultSupport.readAll(reader, from: head + 1)
        } catch {
            Issue.record("the reader failed after the rollback: \(error)")
        }
        #expect(seen.map(\.type) == ["AfterRollback", "AfterRollback", "AfterRollback"])
        #expect(seen.map(\.position) == [head + 1, head + 2, head + 3])
        #expect(reader.head == head + 3)
    }
}
