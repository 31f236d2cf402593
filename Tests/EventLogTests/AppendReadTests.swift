import EventLog
import Testing

@Suite("Append and read")
struct AppendReadTests {
    @Test func appendAssignsVersionsAndPositions() throws {
        let dir = TemporaryDirectory()
        let path = try Fixtures.makeLog(in: dir)
        let log = try EventLog.openWriter(at: path)
        let a = try log.append(to: "account-1", Fixtures.deposits(3), expected: .noStream)
        let b = try log.append(to: "account-2", Fixtures.deposits(1), expected: .noStream)
        let c = try log.append(to: "account-1", Fixtures.deposits(2), expected: .exact(3))
        #expect(a == AppendResult(stream: "account-1", firstVersion: 1, lastVersion: 3, firstPosition: 1, lastPosition: 3))
        #expect(b == AppendResult(stream: "account-2", firstVersion: 1, lastVersion: 1, firstPosition: 4, lastPosition: 4))
        #expect(c == AppendResult(stream: "account-1", firstVersion: 4, lastVersion: 5, firstPosition: 5, lastPosition: 6))
        #expect(log.head == 6)
        let events = try log.events(in: "account-1")
        #expect(events.map(\.version) == [1, 2, 3, 4, 5])
        #expect(events.map(\.position) == [1, 2, 3, 5, 6])
        #expect(String(decoding: events[3].data, as: UTF8.self) == "{\"amountCents\":1}")
        #expect(events.allSatisfy { $0.stream == "account-1" && $0.type == "MoneyDeposited" && $0.contentType == .json })
        log.close()
    }

    @Test func wrongExpectedVersionNamesStreamExpectedAndActual() throws {
        let dir = TemporaryDirectory()
        let log = try EventLog.openWriter(at: try Fixtures.makeLog(in: dir))
        try log.append(to: "order-7", Fixtures.deposits(4))
        #expect(throws: EventLogError.wrongExpectedVersion(stream: "order-7", expected: .exact(2), actual: 4)) {
            try log.append(to: "order-7", Fixtures.deposits(1), expected: .exact(2))
        }
        #expect(throws: EventLogError.wrongExpectedVersion(stream: "order-7", expected: .noStream, actual: 4)) {
            try log.append(to: "order-7", Fixtures.deposits(1), expected: .noStream)
        }
        #expect(throws: EventLogError.wrongExpectedVersion(stream: "new-1", expected: .exact(1), actual: 0)) {
            try log.append(to: "new-1", Fixtures.deposits(1), expected: .exact(1))
        }
        let message = EventLogError.wrongExpectedVersion(stream: "order-7", expected: .exact(2), actual: 4).description
        #expect(message.contains("order-7") && message.contains("expected 2") && message.contains("version 4"))
        #expect(log.head == 4)
    }

    @Test func everyFieldSurvivesReopen() throws {
        let dir = TemporaryDirectory()
        let path = try Fixtures.makeLog(in: dir)
        let id = EventID.random()
        let original = NewEvent(
            id: id, type: "UserRegistered", data: [0, 1, 2, 255], metadata: Array("{\"correlationId\":\"c-1\"}".utf8),
            contentType: .binary, schemaVersion: 3, originalMicros: 1_700_000_000_123_456)
        do {
            let log = try EventLog.openWriter(at: path)
            try log.append(to: "user-9", [original])
            log.close()
        }
        let log = try EventLog.openReadOnly(at: path)
        let e = try #require(try log.event(at: 1))
        #expect(e.id == id)
        #expect(e.type == "UserRegistered")
        #expect(e.data == [0, 1, 2, 255])
        #expect(String(decoding: e.metadata, as: UTF8.self) == "{\"correlationId\":\"c-1\"}")
        #expect(e.contentType == .binary)
        #expect(e.schemaVersion == 3)
        #expect(e.originalMicros == 1_700_000_000_123_456)
        #expect(e.recordedMicros > 1_700_000_000_000_000)
        #expect(e.stream == "user-9" && e.version == 1 && e.position == 1)
    }

    @Test func readsBackwardAndFromAVersionWithLimits() throws {
        let dir = TemporaryDirectory()
        let log = try EventLog.openWriter(at: try Fixtures.makeLog(in: dir))
        for i in 0..<10 {
            try log.append(to: "s-1", Fixtures.deposits(3, from: i * 3 + 1))
            try log.append(to: "s-2", Fixtures.deposits(1))
        }
        let forward = try log.events(in: "s-1", from: 5, limit: 4).map(\.version)
        #expect(forward == [5, 6, 7, 8])
        let backward = try log.events(in: "s-1", from: 7, direction: .backward, limit: 5).map(\.version)
        #expect(backward == [7, 6, 5, 4, 3])
        let fromEnd = try log.events(in: "s-1", from: .max, direction: .backward, limit: 2).map(\.version)
        #expect(fromEnd == [30, 29])
        #expect(try log.events(in: "missing").isEmpty)
        var all: [UInt64] = []
        try log.readAll(from: 38) { all.append($0.position); return true }
        #expect(all == [38, 39, 40])
    }

    @Test func segmentsRollAndStayReadable() throws {
        let dir = TemporaryDirectory()
        let path = try Fixtures.makeLog(in: dir, segmentBytes: 8192)
        let log = try EventLog.openWriter(at: path)
        for i in 0..<400 {
            try log.append(to: "stream-\(i % 7)", [Fixtures.event("Tick", "{\"i\":\(i),\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}")])
        }
        #expect(log.segmentCount > 5)
        log.close()
        let reader = try EventLog.openReadOnly(at: path)
        #expect(reader.head == 400)
        #expect(reader.recovery.isClean)
        var positions: [UInt64] = []
        try reader.readAll { positions.append($0.position); return true }
        #expect(positions == Array(1...400))
        let s3 = try reader.events(in: "stream-3")
        #expect(s3.map(\.version) == Array(1...UInt64(s3.count)))
        #expect(s3.map(\.position) == stride(from: 4, through: 400, by: 7).map { UInt64($0) })
        let infos = reader.streams()
        #expect(infos.count == 7)
        #expect(infos.map(\.count).reduce(0, +) == 400)
        #expect(infos.first?.category == "stream")
    }

    @Test func secondWriterIsRefusedNamingTheHolder() throws {
        let dir = TemporaryDirectory()
        let path = try Fixtures.makeLog(in: dir)
        let first = try EventLog.openWriter(at: path, options: .init(command: "rewind import"))
        do {
            _ = try EventLog.openWriter(at: path)
            Issue.record("a second writer opened")
        } catch let error as EventLogError {
            guard case .locked(_, let holder) = error else { Issue.record("unexpected \(error)"); return }
            #expect(holder.contains("pid ") && holder.contains("rewind import"))
        }
        first.close()
        let again = try EventLog.openWriter(at: path)
        again.close()
    }

    @Test func readerInAnotherHandleSeesAppendsAfterRefresh() throws {
        let dir = TemporaryDirectory()
        let path = try Fixtures.makeLog(in: dir, segmentBytes: 4096)
        let writer = try EventLog.openWriter(at: path)
        let reader = try EventLog.openReadOnly(at: path)
        #expect(reader.head == 0)
        for i in 0..<100 { try writer.append(to: "t-\(i % 3)", [Fixtures.event("E", "{\"n\":\(i),\"pad\":\"................................\"}")]) }
        #expect(try reader.refresh())
        #expect(reader.head == 100)
        #expect(reader.segmentCount == writer.segmentCount)
        #expect(try reader.events(in: "t-1").count == 33)
    }
}
