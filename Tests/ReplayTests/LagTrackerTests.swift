import Replay
import Testing

/// The lag arithmetic with controlled samples: no clock, no files.
@Suite("Lag tracker")
struct LagTrackerTests {
    /// Event n was recorded at second n × 2 (so 1 event = 2 s of log time).
    static func time(_ position: UInt64) -> Int64? { position >= 1 && position <= 10_000 ? Int64(position) * 2_000_000 : nil }

    static func at(_ seconds: Double) -> Int64 { Int64(seconds * 1e6) }

    static func projection(_ position: UInt64?, updatedAt: Double? = nil) -> LagObservation {
        LagObservation(name: "p", kind: .projection, position: position, updatedAtMicros: updatedAt.map(at))
    }

    @Test func lagInEventsAndSecondsFollowTheDefinitions() {
        var t = LagTracker()
        let lag = t.record([Self.projection(40, updatedAt: 99)], head: 100, now: Self.at(100), timeOf: Self.time)[0]
        #expect(lag.lagEvents == 60)
        #expect(lag.lagSeconds == 120)  // (100 − 40) × 2 s
        #expect(lag.status == .catchingUp)
        #expect(lag.rate == nil && lag.etaSeconds == nil)  // one sample: no rate yet

        let fresh = t.record([Self.projection(0, updatedAt: 99)], head: 100, now: Self.at(100.5), timeOf: Self.time)[0]
        #expect(fresh.lagEvents == 100)
        #expect(fresh.lagSeconds == 198)  // measured from event 1

        let done = t.record([Self.projection(100, updatedAt: 99)], head: 100, now: Self.at(101), timeOf: Self.time)[0]
        #expect(done.lagEvents == 0 && done.lagSeconds == 0 && done.etaSeconds == 0)
        #expect(done.status == .ok)

        // Times going backwards (an imported log) never give a negative lag; unknown times give nil.
        let odd = t.record([Self.projection(5, updatedAt: 100)], head: 20_000, now: Self.at(101), timeOf: { $0 == 5 ? 9_000_000_000 : (Self.time($0) ?? 1) })[0]
        #expect(odd.lagSeconds == 0)
        let unknownTimes = t.record([Self.projection(5, updatedAt: 100)], head: 20, now: Self.at(101), timeOf: { _ in nil })[0]
        #expect(unknownTimes.lagEvents == 15 && unknownTimes.lagSeconds == nil)
    }

    @Test func rateAndETAComeFromTheSamplesInTheWindow() {
        var t = LagTracker(settings: .init(stallAfter: 10, rateWindow: 10, minimumRateSpan: 0.5))
        var lags: [ConsumerLag] = []
        // 100 positions per second for 20 seconds; the head stays at 5000.
        for second in 0...20 {
            lags.append(t.record([Self.projection(UInt64(1000 + second * 100))], head: 5000, now: Self.at(Double(second)), timeOf: Self.time)[0])
        }
        #expect(lags[0].rate == nil)
        #expect(lags[1].rate == 100)
        let last = lags[20]
        #expect(last.rate == 100)
        #expect(last.lagEvents == 2000)
        #expect(last.etaSeconds == 20)
        #expect(last.status == .catchingUp)
        // Samples 0.2 s apart are too close for a rate.
        var close = LagTracker()
        _ = close.record([Self.projection(10)], head: 50, now: Self.at(0), timeOf: Self.time)
        #expect(close.record([Self.projection(20)], head: 50, now: Self.at(0.2), timeOf: Self.time)[0].rate == nil)
        // Only the window counts: a burst long ago does not inflate today's rate.
        var burst = LagTracker(settings: .init(rateWindow: 5))
        _ = burst.record([Self.projection(0)], head: 9000, now: Self.at(0), timeOf: Self.time)
        _ = burst.record([Self.projection(8000)], head: 9000, now: Self.at(1), timeOf: Self.time)
        for s in 2...10 { _ = burst.record([Self.projection(8000 + UInt64(s))], head: 9000, now: Self.at(Double(s)), timeOf: Self.time) }
        let now = burst.record([Self.projection(8011)], head: 9000, now: Self.at(11), timeOf: Self.time)[0]
        #expect(now.rate == 1)
        #expect(now.etaSeconds == 989)
    }

    @Test func aConsumerThatWouldReachTheHeadWithinASecondKeepsUp() {
        var t = LagTracker()
        // 20 positions a second, 4 behind: ETA 0.2 s, ok. Then 200 behind at that rate: catching up.
        _ = t.record([Self.projection(100, updatedAt: 100)], head: 104, now: Self.at(100), timeOf: Self.time)
        let close = t.record([Self.projection(120, updatedAt: 101)], head: 124, now: Self.at(101), timeOf: Self.time)[0]
        #expect(close.etaSeconds == 0.2)
        #expect(close.status == .ok)
        let far = t.record([Self.projection(140, updatedAt: 102)], head: 340, now: Self.at(102), timeOf: Self.time)[0]
        #expect(far.status == .catchingUp)
        // Faulted: no ETA, whatever the rate.
        var faulted = Self.projection(160, updatedAt: 103)
        faulted.fault = ProjectionFault(position: 161, stream: "s", version: 1, eventType: "T", handler: "T", message: "boom")
        let f = t.record([faulted], head: 400, now: Self.at(103), timeOf: Self.time)[0]
        #expect(f.status == .faulted && f.etaSeconds == nil)
    }

    @Test func stalledWhenTheCheckpointStopsMovingWhileBehind() {
        var t = LagTracker(settings: .init(stallAfter: 10))
        // Its own updatedAt says it moved 3 s ago: catching up.
        #expect(t.record([Self.projection(50, updatedAt: 97)], head: 60, now: Self.at(100), timeOf: Self.time)[0].status == .catchingUp)
        // Not moving since: stalled once 10 s have passed since then.
        #expect(t.record([Self.projection(50, updatedAt: 97)], head: 60, now: Self.at(106.9), timeOf: Self.time)[0].status == .catchingUp)
        let stalled = t.record([Self.projection(50, updatedAt: 97)], head: 60, now: Self.at(107), timeOf: Self.time)[0]
        #expect(stalled.status == .stalled)
        #expect(stalled.rate == 0 && stalled.etaSeconds == nil)
        // It moves (seen by the tracker even though its updatedAt did not change): catching up again.
        #expect(t.record([Self.projection(51, updatedAt: 97)], head: 60, now: Self.at(108), timeOf: Self.time)[0].status == .catchingUp)
        // Caught up is ok however long it has been idle.
        #expect(t.record([Self.projection(60, updatedAt: 1)], head: 60, now: Self.at(1000), timeOf: Self.time)[0].status == .ok)
        // Behind with no sign of ever moving (never run): stalled at once.
        var never = LagTracker()
        #expect(never.record([Self.projection(0)], head: 5, now: Self.at(1), timeOf: Self.time)[0].status == .stalled)
        // An empty log: nothing to do.
        #expect(never.record([Self.projection(0)], head: 0, now: Self.at(2), timeOf: Self.time)[0].status == .ok)
    }

    @Test func faultedAndUnknownWinOverTheNumbers() {
        var t = LagTracker()
        let fault = ProjectionFault(position: 31, stream: "s", version: 1, eventType: "T", handler: "T", message: "boom")
        let faulted = t.record([LagObservation(name: "f", kind: .projection, position: 30, updatedAtMicros: 0, fault: fault)], head: 90, now: 1, timeOf: Self.time)[0]
        #expect(faulted.status == .faulted && faulted.lagEvents == 60 && faulted.fault == fault)

        let malformed = t.record([LagObservation(name: "x", kind: .external, position: nil, problem: "bad file")], head: 90, now: 1, timeOf: Self.time)[0]
        #expect(malformed.status == .unknown && malformed.lagEvents == nil && malformed.lagSeconds == nil && malformed.problem == "bad file")

        let ahead = t.record([LagObservation(name: "y", kind: .external, position: 95, updatedAtMicros: 0)], head: 90, now: 1, timeOf: Self.time)[0]
        #expect(ahead.status == .unknown && ahead.lagEvents == nil)
        #expect(ahead.problem?.contains("past the head") == true)

        let stale = t.record([LagObservation(name: "z", kind: .projection, position: 90, problem: "stale")], head: 90, now: 1, timeOf: Self.time)[0]
        #expect(stale.status == .unknown && stale.lagEvents == 0)
    }

    @Test func historyIsBoundedPerConsumerAndRestartsWhenTheCheckpointGoesBack() {
        var t = LagTracker(settings: .init(historyLimit: 5))
        for s in 0..<12 {
            _ = t.record([Self.projection(UInt64(s * 10)), LagObservation(name: "p", kind: .external, position: 3)], head: 200, now: Self.at(Double(s)), timeOf: Self.time)
        }
        let h = t.history(of: "p", kind: .projection)
        #expect(h.count == 5)
        #expect(h.map(\.position) == [70, 80, 90, 100, 110])
        #expect(h.last?.lagEvents == 90)
        #expect(t.history(of: "p", kind: .external).count == 5)
        // A rebuild: the checkpoint goes back to 0; old samples would give a negative rate.
        let rebuilt = t.record([Self.projection(0)], head: 200, now: Self.at(12), timeOf: Self.time)[0]
        #expect(rebuilt.rate == nil)
        #expect(rebuilt.status == .catchingUp)
        #expect(t.history(of: "p", kind: .projection).count == 1)
        // Consumers no longer observed are forgotten.
        #expect(t.history(of: "p", kind: .external).isEmpty)
    }

    @Test func jsonHasTheDesignShapeFirst() {
        let lag = ConsumerLag(name: "balances", kind: .projection, position: 10, head: 12, lagEvents: 2, lagSeconds: 1.23456, rate: 1000.0004,
                              etaSeconds: 0.002, status: .catchingUp)
        let keys = lag.json.objectValue.map { Array($0.keys) } ?? []
        #expect(Array(keys.prefix(8)) == ["name", "kind", "position", "head", "lagEvents", "lagSeconds", "rate", "status"])
        #expect(lag.json.serialized().hasPrefix("{\"name\":\"balances\",\"kind\":\"projection\",\"position\":10,\"head\":12,\"lagEvents\":2,\"lagSeconds\":1.235,\"rate\":1000,\"status\":\"catching-up\",\"eta\":0.002"))
    }

    @Test func formatsAreShortAndSayUnknown() {
        #expect(LagFormat.count(1_234_567) == "1,234,567")
        #expect(LagFormat.count(999) == "999")
        #expect(LagFormat.count(nil) == "–")
        #expect(LagFormat.duration(0) == "0s")
        #expect(LagFormat.duration(4.44) == "4.4s")
        #expect(LagFormat.duration(200) == "3m20s")
        #expect(LagFormat.duration(7500) == "2h05m")
        #expect(LagFormat.duration(3 * 86_400 + 4 * 3600) == "3d04h")
        #expect(LagFormat.duration(nil) == "–")
        #expect(LagFormat.rate(950.4) == "950/s")
        #expect(LagFormat.rate(12_345) == "12.3k/s")
        #expect(LagFormat.rate(1_200_000) == "1.20M/s")
        #expect(LagFormat.fixed(2.05, 2) == "2.05")
    }
}
