import EventLog
import Foundation
import Replay
import Testing
import JSON

@Suite("Projection files")
struct ProjectionRecordTests {
    typealias F = ProjectionFixtures

    static let fault = ProjectionFault(position: 12, stream: "order-2", version: 3, eventType: "OrderPlaced", handler: "$any", message: "bad \"x\"\nline")

    @Test func recordRoundTripsWithPartitionsAndTheHeaderIsTheFirstLine() throws {
        let record = ProjectionRecord(
            name: "balances", fingerprint: "00ff", checkpoint: 1200, updatedAtMicros: 1_768_471_200_123_000, status: .faulted, fault: Self.fault,
            applied: 800, partitionCount: 3, definition: F.balances.json,
            body: .partitions(["a": ["x": [1, 2]], "b\n,\"partitions\":": 2, "c": nil]))
        let bytes = record.encoded()
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix("{\"format\":1,\"name\":\"balances\",\"fingerprint\":\"00ff\",\"checkpoint\":1200,\"updatedAt\":\"2026-01-15T10:00:00.123Z\""))
        #expect(lines[0].hasSuffix(","))
        #expect(lines[1] == "\"partitions\":{")
        #expect(lines[2] == "\"a\":{\"x\":[1,2]},")
        let decoded = try ProjectionRecord.decode(bytes)
        #expect(decoded == record)
        // The whole file is plain JSON.
        #expect((try? JSONValue.parse(bytes)) != nil)

        let scratch = F.Scratch()
        let store = ProjectionStore(logPath: scratch.path)
        try store.save(bytes, name: "balances")
        var header = try #require(try store.loadHeader("balances"))
        #expect(header.body == nil)
        header.body = record.body
        #expect(header == record)
        #expect(store.savedNames() == ["balances"])
        #expect(try store.load("missing") == nil)
    }

    @Test func singleStateAndHandWrittenFilesAreRead() throws {
        let record = ProjectionRecord(name: "orders", fingerprint: "1", checkpoint: 0, updatedAtMicros: 0, status: .stopped, body: .state(["count": 0]))
        #expect(try ProjectionRecord.decode(record.encoded()) == record)

        let scratch = F.Scratch()
        let store = ProjectionStore(logPath: scratch.path)
        // All on one line: the header cannot be cut out, so the whole file is read.
        try store.save(Array("{\"format\":1,\"name\":\"x\",\"fingerprint\":\"f\",\"checkpoint\":4,\"updatedAt\":\"2026-01-15T10:00:00Z\",\"status\":\"running\",\"state\":[]}".utf8), name: "x")
        let header = try #require(try store.loadHeader("x"))
        #expect(header.checkpoint == 4 && header.status == .running && header.body == nil)
    }

    @Test func badFilesSayWhatIsWrong() throws {
        func problem(_ text: String) -> String? {
            do { _ = try ProjectionRecord.decode(Array(text.utf8)); return nil } catch { return error.message }
        }
        #expect(problem("{\"format\":2}")?.contains("format 2 is not supported") == true)
        #expect(problem("{\"format\":1,\"name\":\"x\"}")?.contains("\"fingerprint\"") == true)
        #expect(problem("[1]")?.contains("JSON object") == true)
        #expect(problem("{\"format\":1,\"name\":\"x\",\"fingerprint\":\"f\",\"checkpoint\":-1,\"updatedAt\":\"2026-01-15T10:00:00Z\",\"status\":\"running\",\"state\":1}")?.contains("\"checkpoint\"") == true)
        #expect(problem("{\"format\":1,\"name\":\"x\",\"fingerprint\":\"f\",\"checkpoint\":1,\"updatedAt\":\"2026-01-15T10:00:00Z\",\"status\":\"running\"}")?.contains("missing \"state\"") == true)
        #expect(problem("{\"for") != nil)

        let scratch = F.Scratch()
        let store = ProjectionStore(logPath: scratch.path)
        try store.save(Array("{\"format\":1,".utf8), name: "bad")
        #expect(throws: ProjectionStore.ReadError.self) { try store.load("bad") }
        #expect(throws: ProjectionStore.ReadError.self) { try store.loadHeader("bad") }
    }

    @Test func faultJSONRoundTrips() {
        #expect(ProjectionFault(json: Self.fault.json) == Self.fault)
        let definitionFault = ProjectionFault(position: nil, stream: nil, version: nil, eventType: nil, handler: "init", message: "no")
        #expect(ProjectionFault(json: definitionFault.json) == definitionFault)
        #expect(definitionFault.description == "init failed: no")
        #expect(Self.fault.description.contains("order-2 version 3 (position 12, type OrderPlaced)"))
    }

    @Test func overviewTellsRunningInterruptedStaleAndOrphanApart() throws {
        let scratch = F.Scratch()
        let log = try F.makeLog(scratch, F.bankEvents(count: 20))
        defer { log.close() }
        try F.run(log, [F.balances, F.orders, F.types])
        let store = ProjectionStore(logPath: log.path)
        // A runner killed mid-run leaves status "running" and no lock holder.
        var killed = try F.saved(log, "types")
        killed.status = .running
        try store.save(killed.encoded(), name: "types")
        var changed = F.orders
        changed.handlers["OrderPlaced"] = "."
        let rows = ProjectionOverview.all(log: log, projections: [F.balances, changed], upcasters: [])
        let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0.name, $0) })
        #expect(rows.map(\.name) == ["balances", "orders", "types"])
        #expect(byName["balances"]?.state == .stopped)
        #expect(byName["balances"]?.lagEvents == 0)
        #expect(byName["orders"]?.state == .stale)
        #expect(byName["types"]?.state == .orphan)
        let onlyTypes = ProjectionOverview.all(log: log, projections: [F.types], upcasters: [])
        #expect(onlyTypes.first?.state == .interrupted)
        let lock = try store.acquireLock(command: "test")
        #expect(ProjectionOverview.all(log: log, projections: [F.types], upcasters: []).first?.state == .running)
        lock.release()
        let never = ProjectionOverview.all(log: log, projections: [F.types, F.orders.renamed("never")], upcasters: []).first { $0.name == "never" }
        #expect(never?.state == .neverRun && never?.checkpoint == nil && never?.lagEvents == nil)
    }
}

extension ProjectionDefinition {
    func renamed(_ name: String) -> ProjectionDefinition {
        var copy = self
        copy.name = name
        return copy
    }
}
