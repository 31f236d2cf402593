import EventLog
import Foundation
import Platform
@testable import Replay
import Testing

/// The correlation/causation index and the traces built on it, on small logs written here:
/// missing parents, cycles, hostile ids, the active segment, and index files that are
/// missing, damaged, stale or forged (rebuilt, told, and the trace still exact).
@Suite("trace index")
struct TraceIndexTests {
    /// A log directory removed when released.
    final class Scratch: Sendable {
        let path: String
        init() throws { path = try FileSystem.makeTemporaryDirectory(prefix: "/tmp/rewind-trace-test-") }
        deinit { try? FileSystem.removeTree(path) }
        var log: String { path + "/log" }
        func trc(_ n: UInt32) -> String { log + "/index/" + LogFormat.traceIndexFileName(n) }
    }

    static func metadata(correlation: String? = nil, causation: String? = nil, extra: String = "") -> [UInt8] {
        var members: [String] = []
        if let correlation { members.append("\"correlationId\":\"\(correlation)\"") }
        if let causation { members.append("\"causationId\":\"\(causation)\"") }
        if !extra.isEmpty { members.append(extra) }
        return Array(("{" + members.joined(separator: ",") + "}").utf8)
    }

    static func event(_ id: EventID = .random(), correlation: String? = nil, causation: EventID? = nil, type: String = "Happened") -> NewEvent {
        NewEvent(id: id, type: type, data: Array("{\"n\":1}".utf8), metadata: metadata(correlation: correlation, causation: causation?.description))
    }

    /// A log of small segments: `chains` transfers (a pair: sent, then received caused by it)
    /// over `accounts` streams, with filler events between them. Returns the pairs' ids.
    static func transferLog(_ scratch: Scratch, transfers: Int = 60, segmentBytes: Int = 8192) throws -> (EventLog, [(EventID, EventID)]) {
        try EventLog.create(at: scratch.log, segmentBytes: segmentBytes)
        let log = try EventLog.openWriter(at: scratch.log, options: .init(durability: .noSync, command: "trace-tests"))
        var pairs: [(EventID, EventID)] = []
        for t in 0..<transfers {
            let sent = EventID.random(), received = EventID.random()
            _ = try log.append(to: "account-\(t % 7)", [event(sent, correlation: "tr-\(t)", type: "TransferSent")])
            _ = try log.append(to: "account-\((t + 3) % 7)", [event(correlation: "req-\(t)", type: "MoneyDeposited")])
            _ = try log.append(to: "account-\((t + 1) % 7)", [event(received, correlation: "tr-\(t)", causation: sent, type: "TransferReceived")])
            pairs.append((sent, received))
        }
        return (log, pairs)
    }

    static func position(_ index: TraceIndex, _ id: EventID) throws -> UInt64 {
        try #require(try index.position(ofEventID: id))
    }

    @Test func transferTraceIsTheSentEventAndItsReceivedEventAcrossStreams() throws {
        let scratch = try Scratch()
        let (log, pairs) = try Self.transferLog(scratch)
        defer { log.close() }
        let index = try TraceIndex(log: log)
        #expect(index.tableCounts.sealed >= 3, "the test needs several sealed segments")
        for (t, (sent, received)) in pairs.enumerated() {
            let s = try Self.position(index, sent), r = try Self.position(index, received)
            #expect(s == UInt64(3 * t + 1) && r == UInt64(3 * t + 3))
            for chosen in [s, r] {
                let trace = try #require(try index.trace(of: chosen))
                #expect(trace.tree == [.init(position: s, depth: 0), .init(position: r, depth: 1)])
                #expect(trace.correlation == "tr-\(t)" && trace.correlated == [s, r])
                #expect(trace.missingParent == nil && !trace.cycle && !trace.truncated)
            }
            #expect(try index.trace(correlation: "tr-\(t)").correlated == [s, r])
        }
        #expect(try index.trace(correlation: "tr-none").correlated.isEmpty)
    }

    @Test func aCausationIdNoEventHasIsShownAsAMissingParent() throws {
        let scratch = try Scratch()
        try EventLog.create(at: scratch.log)
        let log = try EventLog.openWriter(at: scratch.log, options: .init(durability: .noSync))
        defer { log.close() }
        let ghost = EventID.random()
        let child = EventID.random()
        _ = try log.append(to: "a-1", [Self.event(child, correlation: "c", causation: ghost)])
        _ = try log.append(to: "b-1", [Self.event(correlation: "c", causation: child)])
        _ = try log.append(to: "c-1", [NewEvent(type: "T", data: [], metadata: Self.metadata(causation: "not-a-uuid"))])
        let index = try TraceIndex(log: log)
        let trace = try #require(try index.trace(of: 2))
        #expect(trace.missingParent == ghost.description)
        #expect(trace.tree == [.init(position: 1, depth: 1), .init(position: 2, depth: 2)])
        let odd = try #require(try index.trace(of: 3))
        #expect(odd.missingParent == "not-a-uuid" && odd.tree == [.init(position: 3, depth: 1)] && odd.correlation == nil)
    }

    @Test func causationCyclesEndAndShowEveryEventOnce() throws {
        let scratch = try Scratch()
        try EventLog.create(at: scratch.log)
        let log = try EventLog.openWriter(at: scratch.log, options: .init(durability: .noSync))
        defer { log.close() }
        let a = EventID.random(), b = EventID.random(), c = EventID.random(), selfish = EventID.random()
        _ = try log.append(to: "x-1", [Self.event(a, correlation: "k", causation: c)])
        _ = try log.append(to: "x-2", [Self.event(b, correlation: "k", causation: a)])
        _ = try log.append(to: "x-3", [Self.event(c, correlation: "k", causation: b)])
        _ = try log.append(to: "x-4", [Self.event(selfish, causation: selfish)])
        let index = try TraceIndex(log: log)
        for p in UInt64(1)...3 {
            let trace = try #require(try index.trace(of: p))
            #expect(trace.cycle)
            #expect(Set(trace.tree.map(\.position)) == [1, 2, 3] && trace.tree.count == 3)
            #expect(trace.correlated == [1, 2, 3])
        }
        let own = try #require(try index.trace(of: 4))
        #expect(own.cycle && own.tree == [.init(position: 4, depth: 0)])
    }

    @Test func hostileIdsAreBoundedEscapedKeysMatchAndUUIDSpellingsMeet() throws {
        let scratch = try Scratch()
        try EventLog.create(at: scratch.log)
        let log = try EventLog.openWriter(at: scratch.log, options: .init(durability: .noSync))
        defer { log.close() }
        let parent = EventID.random()
        let huge = String(repeating: "x", count: TraceKeys.maxBytes + 1)
        let events: [NewEvent] = [
            Self.event(parent, correlation: "\\u001b]52;c;AAAA\\u0007"),
            // The causation id in upper case, and the key spelt with an escape.
            NewEvent(type: "T", data: [], metadata: Array("{\"causation\\u0049d\":\"\(parent.description.uppercased())\",\"correlationId\":42}".utf8)),
            NewEvent(type: "T", data: [], metadata: Self.metadata(correlation: huge)),
            NewEvent(type: "T", data: [], metadata: Array("{\"correlationId\":{\"nested\":1},\"causationId\":[1]}".utf8)),
            NewEvent(type: "T", data: [], metadata: Array("{\"correlationId\":\"broken".utf8)),
            NewEvent(type: "T", data: [], metadata: Array("{\"correlationId\":\"\"}".utf8)),
            NewEvent(type: "T", data: [], metadata: Self.metadata(correlation: String(repeating: "y", count: TraceKeys.maxBytes))),
        ]
        _ = try log.append(to: "h-1", events)
        let index = try TraceIndex(log: log)
        let tree = try #require(try index.trace(of: 2))
        #expect(tree.tree == [.init(position: 1, depth: 0), .init(position: 2, depth: 1)] && tree.missingParent == nil)
        #expect(tree.correlation == "42" && tree.correlated == [2])
        #expect(try index.trace(correlation: "\u{1b}]52;c;AAAA\u{7}").correlated == [1])
        for p in UInt64(3)...6 { #expect(try index.trace(of: p)?.correlation == nil, "event \(p)") }
        #expect(try index.trace(correlation: String(repeating: "y", count: TraceKeys.maxBytes)).correlated == [7])
        #expect(try index.trace(correlation: huge).correlated.isEmpty)
    }

    @Test func manyEventsSharingOneCorrelationStopAtTheLimit() throws {
        let scratch = try Scratch()
        try EventLog.create(at: scratch.log)
        let log = try EventLog.openWriter(at: scratch.log, options: .init(durability: .noSync))
        defer { log.close() }
        let root = EventID.random()
        var batch = [Self.event(root, correlation: "all")]
        for _ in 0..<299 { batch.append(Self.event(correlation: "all", causation: root)) }
        _ = try log.append(to: "fan-1", batch)
        let index = try TraceIndex(log: log)
        let full = try #require(try index.trace(of: 1))
        #expect(full.tree.count == 300 && full.tree.dropFirst().allSatisfy { $0.depth == 1 } && full.correlated.count == 300)
        let cut = try #require(try index.trace(of: 1, limit: 50))
        #expect(cut.truncated && cut.tree.count == 50 && cut.correlated == Array(1...50))
    }

    @Test func theActiveSegmentIsScannedAndFollowedAsTheLogGrows() throws {
        let scratch = try Scratch()
        let (log, pairs) = try Self.transferLog(scratch, transfers: 5, segmentBytes: 1 << 20)
        defer { log.close() }
        let index = try TraceIndex(log: log)
        #expect(index.tableCounts.sealed == 0 && index.tableCounts.active)
        #expect(try index.trace(correlation: "tr-4").correlated == [13, 15])
        _ = pairs
        let late = EventID.random()
        _ = try log.append(to: "account-9", [Self.event(correlation: "tr-4", causation: late)])
        #expect(try index.trace(correlation: "tr-4").correlated == [13, 15], "not seen before update()")
        try index.update()
        #expect(try index.trace(correlation: "tr-4").correlated == [13, 15, 16])
        #expect(try index.trace(of: 16)?.missingParent == late.description)
        #expect(try FileSystem.list(scratch.log + "/index").allSatisfy { !$0.hasSuffix(".trc") }, "no file for the active segment")
    }

    @Test func aLargeActiveSegmentMergesItsKeysAndStillAnswersExactly() throws {
        let scratch = try Scratch()
        try EventLog.create(at: scratch.log, segmentBytes: 64 << 20)
        let log = try EventLog.openWriter(at: scratch.log, options: .init(durability: .noSync))
        defer { log.close() }
        let index = try TraceIndex(log: log)
        var expected: [String: [UInt64]] = [:]
        var position: UInt64 = 0
        for round in 0..<3 {
            let batch = (0..<2_500).map { i in Self.event(correlation: "bulk-\((round * 2_500 + i) % 97)") }
            _ = try log.append(to: "bulk-\(round)", batch)
            for i in 0..<2_500 {
                position += 1
                expected["bulk-\((round * 2_500 + i) % 97)", default: []].append(position)
            }
            try index.update()
            for c in ["bulk-0", "bulk-13", "bulk-96"] {
                #expect(try index.trace(correlation: c).correlated == expected[c], "round \(round), \(c)")
            }
        }
        #expect(index.tableCounts == (0, true))
    }

    @Test func aSegmentSealedWhileOpenGetsItsFile() throws {
        let scratch = try Scratch()
        let (log, _) = try Self.transferLog(scratch, transfers: 2)
        defer { log.close() }
        let index = try TraceIndex(log: log)
        let before = index.tableCounts.sealed
        for t in 100..<160 {
            _ = try log.append(to: "account-1", [Self.event(correlation: "tr-\(t)")])
        }
        try index.update()
        #expect(index.tableCounts.sealed > before)
        for n in 1...UInt32(index.tableCounts.sealed) { #expect(FileSystem.exists(scratch.trc(n))) }
        #expect(try index.trace(correlation: "tr-130").correlated.count == 1)
    }
}
