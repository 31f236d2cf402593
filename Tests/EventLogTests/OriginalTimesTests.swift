import EventLog
import Testing

/// `EventLog.originalMicros(at:)`: the events' own times by position, across sealed segments
/// (loaded from their persisted indexes) and the active one.
@Suite("Original times by position")
struct OriginalTimesTests {
    @Test func ownTimesAtAnyPositionsInAnyOrderAcrossSegments() throws {
        let dir = TemporaryDirectory()
        let path = try Fixtures.makeLog(in: dir, segmentBytes: 8192)
        let base: Int64 = 1_577_836_800_000_000  // 2020-01-01T00:00:00Z
        // Own time of position p: base + p·7 s, except every third event, appended with no own
        // time (so it equals the time of the append). Batches of 1–3 events of one stream.
        let writer = try EventLog.openWriter(at: path)
        var expected: [UInt64: Int64?] = [:]  // nil: "the time of the append"
        var position: UInt64 = 0
        for i in 0..<150 {
            let n = i % 3 + 1
            let events = (0..<n).map { k -> NewEvent in
                let p = position + UInt64(k) + 1
                let own: Int64? = p % 3 == 0 ? nil : base + Int64(p) * 7_000_000
                expected[p] = own
                return NewEvent(type: "Tick", data: Array("{\"p\":\(p),\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxx\"}".utf8), originalMicros: own)
            }
            _ = try writer.append(to: "s-\(i % 5)", events)
            position += UInt64(n)
        }
        #expect(writer.segmentCount > 3)
        writer.close()
        let log = try EventLog.openReadOnly(at: path)
        var recorded: [UInt64: Int64] = [:]
        try log.readAll { recorded[$0.position] = $0.recordedMicros; return true }
        let asked: [UInt64] = [position, 1, 0, position + 1, 2, 3] + stride(from: position - 1, to: 3, by: -11).map { $0 }
        let got = try log.originalMicros(at: asked)
        #expect(got.count == asked.count)
        for (p, micros) in zip(asked, got) {
            if p == 0 || p > position {
                #expect(micros == nil, "position \(p)")
            } else {
                let want = expected[p].flatMap { $0 } ?? recorded[p]
                #expect(micros == want, "position \(p)")
            }
        }
        // Each stream's last position: what `rewind streams` and the dashboard ask.
        let last = log.streams().map(\.lastPosition)
        #expect(try log.originalMicros(at: last) == last.map { p in expected[p].flatMap { $0 } ?? recorded[p] })
        #expect(try log.originalMicros(at: []) == [])
    }
}
