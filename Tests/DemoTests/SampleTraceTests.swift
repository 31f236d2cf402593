import Demo
import EventLog
import Replay
import Foundation
import Testing

/// `TraceIndex` traces of the bank and orders samples equal a trace computed independently
/// from the generated events (dictionaries over the list, no index): a bank transfer is two
/// events sharing a correlation, the second caused by the first; an order's events form a
/// causation chain under one correlation. Events come from `REWIND_TRACE_SAMPLE_EVENTS`
/// (default 4,000) in 256 KiB segments, so most are in sealed segments with index files.
@Suite("sample traces")
struct SampleTraceTests {
    typealias F = DemoFixtures

    /// The trace of event `chosen` (an index into `events`; positions are index + 1), computed
    /// from the list alone.
    struct Reference {
        var byID: [EventID: Int] = [:]
        var children: [String: [Int]] = [:]
        var byCorrelation: [String: [Int]] = [:]
        let events: [SampleEvent]

        init(_ events: [SampleEvent]) {
            self.events = events
            for (i, e) in events.enumerated() {
                if byID[e.id] == nil { byID[e.id] = i }
                if let c = e.meta("causationId") { children[c, default: []].append(i) }
                if let c = e.meta("correlationId") { byCorrelation[c, default: []].append(i) }
            }
        }

        func trace(of chosen: Int) -> Trace {
            var trace = Trace(chosen: UInt64(chosen + 1))
            var root = chosen
            var seen: Set<Int> = [chosen]
            while let cause = events[root].meta("causationId") {
                guard let parent = EventID(cause).flatMap({ byID[$0] }) else { trace.missingParent = cause; break }
                if seen.contains(parent) { trace.cycle = true; break }
                seen.insert(parent)
                root = parent
            }
            var visited: Set<Int> = [root]
            func walk(_ i: Int, _ depth: Int) {
                trace.tree.append(.init(position: UInt64(i + 1), depth: depth))
                for c in children[events[i].id.description] ?? [] where !visited.contains(c) {
                    visited.insert(c)
                    walk(c, depth + 1)
                }
            }
            walk(root, trace.missingParent == nil ? 0 : 1)
            if let c = events[chosen].meta("correlationId") {
                trace.correlation = c
                trace.correlated = (byCorrelation[c] ?? []).map { UInt64($0 + 1) }
            }
            return trace
        }
    }

    static var eventCount: Int { Int(ProcessInfo.processInfo.environment["REWIND_TRACE_SAMPLE_EVENTS"] ?? "") ?? 4_000 }

    static func open(_ sample: Sample, _ scratch: F.Scratch) throws -> (EventLog, TraceIndex, [SampleEvent]) {
        let events = sample.events(count: eventCount)
        let path = scratch.path + "/" + sample.name
        try EventLog.create(at: path, segmentBytes: 256 << 10)
        let log = try EventLog.openWriter(at: path, options: .init(durability: .noSync, command: "trace-tests"))
        try F.importEvents(events, into: log, scratch: scratch)
        return (log, try TraceIndex(log: log), events)
    }

    @Test func everyBankTransferTracesToItsTwoEventsAcrossAccounts() throws {
        let scratch = F.Scratch()
        let (log, index, events) = try Self.open(.bank, scratch)
        defer { log.close() }
        #expect(index.tableCounts.sealed >= 2)
        let reference = Reference(events)
        var transfers = 0
        for (i, e) in events.enumerated() where e.type == "TransferReceived" {
            transfers += 1
            let cause = try #require(e.meta("causationId"))
            let sentID = try #require(EventID(cause))
            let sent = try #require(reference.byID[sentID])
            #expect(events[sent].type == "TransferSent" && events[sent].stream != e.stream)
            let expected = [UInt64(sent + 1), UInt64(i + 1)]
            for chosen in [sent, i] {
                let trace = try #require(try index.trace(of: UInt64(chosen + 1)))
                #expect(trace == reference.trace(of: chosen))
                #expect(trace.tree.map(\.position) == expected && trace.tree.map(\.depth) == [0, 1] && trace.correlated == expected)
            }
            #expect(try index.trace(correlation: try #require(e.meta("correlationId"))).correlated == expected)
        }
        #expect(transfers > 20, "the sample has transfers to check")
        // Every other event: its own one-node tree, and its request's correlation.
        for i in stride(from: 0, to: events.count, by: 7) {
            #expect(try index.trace(of: UInt64(i + 1)) == reference.trace(of: i), "event \(i + 1)")
        }
    }

    @Test func everyOrderEventTracesToItsOrdersCausationChain() throws {
        let scratch = F.Scratch()
        let (log, index, events) = try Self.open(.orders, scratch)
        defer { log.close() }
        let reference = Reference(events)
        var deep = 0
        for i in stride(from: 0, to: events.count, by: 3) {
            let expected = reference.trace(of: i)
            #expect(try index.trace(of: UInt64(i + 1)) == expected, "event \(i + 1) \(events[i].type)")
            if expected.tree.count >= 3 { deep += 1 }
            if let id = try index.position(ofEventID: events[i].id) { #expect(id == UInt64(i + 1)) } else { Issue.record("id of \(i + 1) not found") }
        }
        #expect(deep > 10, "orders have chains of three or more events")
    }
}
