import EventLog
import Foundation
import Testing

/// Groups of batches through an import transaction (`ImportTransaction.append(_:)`): interleaved
/// streams, versions checked per run, a refused group queues nothing, rollback after many groups.
@Suite("Import batches")
struct ImportBatchesTests {
    /// Interleaved events of `streams` streams, `count` in all, numbered in their data.
    static func interleaved(_ count: Int, streams: Int, payload: Int = 0) -> [(stream: Int, event: NewEvent)] {
        let pad = String(repeating: "x", count: payload)
        return (0..<count).map { i in (i % streams, Fixtures.event("Booked", "{\"i\":\(i),\"pad\":\"\(pad)\"}")) }
    }

    @Test func interleavedStreamsKeepTheirVersionsAndOrder() throws {
        let dir = TemporaryDirectory("rewind-import-batches")
        let path = try FaultImportTests.makeLog(dir)
        let log = try FaultSupport.reopenWriter(at: path)
        let before = try FaultImportTests.LogState(log, path: path)
        let tx = try log.beginImport()
        // acct-0 exists (version 17 after makeLog's 50 events over 3 streams); new-1 and new-2 do not.
        let names = ["acct-0", "new-1", "new-2"]
        let handles = try names.map { try tx.stream($0) }
        #expect(try tx.stream("new-1") == handles[1], "one handle per stream name")
        var versions: [UInt64] = [before.versions["acct-0"]!, 0, 0]
        var group = ImportBatches(maxRunEvents: 3)
        var expected: [(String, UInt64, String)] = []
        var first: UInt64?
        for (n, (s, e)) in Self.interleaved(700, streams: 3).enumerated() {
            // Runs of one stream now and then, longer than a batch may hold.
            let stream = n % 50 < 10 ? 1 : s
            versions[stream] += 1
            group.append(e, to: handles[stream], version: versions[stream])
            expected.append((names[stream], versions[stream], String(decoding: e.data, as: UTF8.self)))
            if group.count == 64 {
                let positions = try #require(try tx.append(group))
                first = first ?? positions.lowerBound
                group.removeAll()
            }
        }
        try tx.append(group)
        try tx.commit()
        #expect(first == before.head + 1)
        log.close()

        let reopened = try FaultSupport.reopenWriter(at: path)
        defer { reopened.close() }
        #expect(reopened.recovery.isClean, "\(reopened.recovery.messages)")
        let all = try FaultSupport.readAll(reopened, from: before.head + 1)
        #expect(all.count == expected.count)
        for (event, want) in zip(all, expected) {
            #expect(event.stream == want.0 && event.version == want.1 && String(decoding: event.data, as: UTF8.self) == want.2)
        }
        for (i, name) in names.enumerated() { #expect(reopened.version(of: name) == versions[i]) }
        #expect(try reopened.events(in: "new-1").map(\.version) == Array(1...versions[1]))
        #expect(try reopened.append(to: "new-2", [Fixtures.event("After")], expected: .exact(versions[2])).firstVersion == versions[2] + 1)
    }

    @Test func aGroupWithAWrongVersionQueuesNothing() throws {
        let dir = TemporaryDirectory("rewind-import-batches")
        let path = try FaultImportTests.makeLog(dir)
        let log = try FaultSupport.reopenWriter(at: path)
        defer { log.close() }
        let head = log.head
        let tx = try log.beginImport()
        let a = try tx.stream("a")
        let b = try tx.stream("b")
        var group = ImportBatches()
        group.append(Fixtures.event("One"), to: a, version: 1)
        group.append(Fixtures.event("Two"), to: b, version: 1)
        group.append(Fixtures.event("Three"), to: a, version: 3)  // a is at 1: 2 is next
        #expect(throws: EventLogError.wrongExpectedVersion(stream: "a", expected: .exact(2), actual: 1)) { try tx.append(group) }
        // Nothing of it was queued: a and b are still new.
        group.removeAll()
        group.append(Fixtures.event("First"), to: b, version: 1)
        group.append(Fixtures.event("Second"), to: a, version: 1)
        group.append(Fixtures.event("Third"), to: a, version: 2)
        #expect(try tx.append(group) == (head + 1)...(head + 3))
        // A batch through `append(to:)` and one by handle share the stream's version.
        try tx.append(to: "a", [Fixtures.event("Fourth")], expected: .exact(2))
        group.removeAll()
        group.append(Fixtures.event("Fifth"), to: a, version: 4)
        try tx.append(group)
        try tx.commit()
        #expect(try log.events(in: "a").map(\.type) == ["Second", "Third", "Fourth", "Fifth"])
        #expect(try log.events(in: "b").map(\.type) == ["First"])
        #expect(log.head == head + 5)
        #expect(throws: EventLogError.self) { try tx.append(group) }
    }

    /// Many groups, written to disk as they go (past the 4 MiB the transaction holds in memory
    /// and across segments), then rolled back: the log is as before.
    @Test func rollbackAfterManyGroupsLeavesTheLogAsBefore() throws {
        let dir = TemporaryDirectory("rewind-import-batches")
        let path = try FaultImportTests.makeLog(dir)
        let log = try FaultSupport.reopenWriter(at: path)
        defer { log.close() }
        let before = try FaultImportTests.LogState(log, path: path)
        let segments = log.segmentCount
        let tx = try log.beginImport()
        let handles = try (0..<7).map { try tx.stream("acct-\($0)") }
        var versions = (0..<7).map { before.versions["acct-\($0)"] ?? 0 }
        var group = ImportBatches()
        for (s, e) in Self.interleaved(12_000, streams: 7, payload: 500) {
            versions[s] += 1
            group.append(e, to: handles[s], version: versions[s])
            if group.count == 1000 {
                try tx.append(group)
                group.removeAll()
            }
        }
        try tx.append(group)
        #expect(log.segmentCount >= segments + 3, "the import should have rolled through segments")
        try tx.rollback()
        #expect(try FaultImportTests.LogState(log, path: path) == before)
        #expect(log.segmentCount == segments)
        let next = try log.append(to: "acct-5", [Fixtures.event("AfterRollback")], expected: .noStream)
        #expect(next.firstPosition == before.head + 1)
    }

    /// The word-at-a-time hex parse against the digit-at-a-time one of `init?(_: String)`.
    @Test func idsParseFromBytesAsFromStrings() {
        var random = SystemRandomNumberGenerator()
        var texts: [String] = ["00000000-0000-0000-0000-000000000000", "FFFFFFFF-ffff-FfFf-0123-456789abcdef"]
        for _ in 0..<200 {
            let id = EventID(high: random.next(), low: random.next())
            texts.append(id.description)
            texts.append(id.description.uppercased())
            texts.append(id.description.replacingOccurrences(of: "-", with: ""))
        }
        // Every byte that is not a hex digit, in each place of a valid id.
        let valid = Array(texts[2].utf8)
        for bad: UInt8 in [0x00, 0x20, 0x2F, 0x3A, 0x40, 0x47, 0x60, 0x67, 0x7F, 0x80, 0xB0, 0xC3, 0xE6, 0xFF] {
            for place in [0, 7, 9, 12, 14, 17, 19, 22, 24, 35] {
                var bytes = valid
                bytes[place] = bad
                texts.append(String(decoding: bytes, as: UTF8.self))
                #expect(bytes.withUnsafeBufferPointer { EventID(utf8: $0) } == nil, "byte \(bad) at \(place)")
            }
        }
        texts += ["", "0123", String(valid.dropLast().map { Character(UnicodeScalar($0)) }), "0123456789abcdef0123456789abcde-", "0123456-89ab-cdef-0123-456789abcdef0"]
        for text in texts {
            var copy = text
            let fromBytes = copy.withUTF8 { EventID(utf8: $0) }
            #expect(fromBytes == EventID(text), "\(text)")
        }
    }
}
