import Demo
import EventLog
import Foundation
import Replay
import Testing
import Interchange

@Suite("Sample generators")
struct GeneratorTests {
    typealias F = DemoFixtures

    @Test func splitMix64MatchesTheReferenceSequence() {
        // The first outputs for seed 0 of the reference implementation (Vigna's splitmix64.c).
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(rng.next() == 0x06C4_5D18_8009_454F)
        var bounded = SplitMix64(seed: 9)
        for _ in 0..<1000 {
            let n = bounded.below(7)
            #expect((0..<7).contains(n))
        }
    }

    @Test(arguments: SampleCatalog.all.map(\.name))
    func theSameSeedGivesTheSameBytesAndAnotherSeedOthers(_ name: String) throws {
        let sample = try SampleCatalog.named(name)
        // Compared as Bools, so that a failure does not print the bytes.
        let a = sample.jsonLines(count: 400, seed: 7)
        let same = a == sample.jsonLines(count: 400, seed: 7)
        let other = a == sample.jsonLines(count: 400, seed: 8)
        let defaults = sample.jsonLines() == sample.jsonLines(count: sample.defaultEvents, seed: Sample.defaultSeed)
        #expect(same && !other && defaults)
    }

    @Test(arguments: SampleCatalog.all.map(\.name))
    func sizesAreHonouredExactly(_ name: String) throws {
        let sample = try SampleCatalog.named(name)
        for n in [0, 1, 2, 3, 17, 401] {
            let events = sample.events(count: n, seed: 3)
            #expect(events.count == n)
            #expect(sample.jsonLines(count: n, seed: 3).filter { $0 == 10 }.count == n)
        }
        var history = sample.history(seed: 3)
        #expect(history.take(250).count == 250 && history.take(1).count == 1 && history.produced == 251)
    }

    /// What every sample's history must be: importable lines, versions 1, 2, 3… per stream,
    /// unique ids, time never going back, correlation ids everywhere, and business hours.
    @Test(arguments: SampleCatalog.all.map(\.name))
    func historiesAreWellFormed(_ name: String) throws {
        let sample = try SampleCatalog.named(name)
        let events = sample.events(count: 600, seed: 11)
        var versions: [String: UInt64] = [:]
        var ids = Set<EventID>()
        var lastTime = Int64.min
        for (i, e) in events.enumerated() {
            let line = e.jsonLine
            let decoded = try line.withUnsafeBytes { try GenericEventLine.decode($0, line: i + 1) }
            #expect(decoded.stream == e.stream && decoded.event.type == e.type && decoded.version == e.version)
            #expect(decoded.event.originalMicros == e.timeMicros)
            #expect(e.version == (versions[e.stream] ?? 0) + 1, "\(e.stream) skips a version at line \(i + 1)")
            versions[e.stream] = e.version
            #expect(ids.insert(e.id).inserted)
            #expect(e.timeMicros >= lastTime, "time goes back at line \(i + 1)")
            lastTime = e.timeMicros
            #expect(e.meta("correlationId")?.isEmpty == false)
            #expect(e.meta("actor")?.isEmpty == false)
            // Nothing between midnight and 07:00 (a webhook may follow a 22:59 action past 23:00).
            let hour = (e.timeMicros / 1_000_000 % 86_400) / 3600
            #expect(hour >= 7, "\(e.type) at \(RFC3339.format(microsecondsSinceEpoch: e.timeMicros)) is at night")
        }
        #expect(events.first.map { RFC3339.format(microsecondsSinceEpoch: $0.timeMicros).hasPrefix("2026-01-05") } == true)
    }

    @Test func theBankIsClosedAtWeekendsAndBusiestAtMidday() throws {
        let events = Sample.bank.events(count: 1_500, seed: 5)
        var byHour = [Int](repeating: 0, count: 24)
        for e in events {
            let seconds = e.timeMicros / 1_000_000
            let weekday = (seconds / 86_400 + 3) % 7  // 0 = Monday
            #expect(weekday < 5, "a bank event on a weekend: \(RFC3339.format(microsecondsSinceEpoch: e.timeMicros))")
            byHour[Int(seconds % 86_400 / 3600)] += 1
        }
        #expect(byHour[12] > byHour[9])
        #expect(byHour[0..<8].allSatisfy { $0 == 0 })
        // Bursts: some events only seconds apart.
        let gaps = zip(events.dropFirst(), events).map { ($0.timeMicros - $1.timeMicros) / 1_000_000 }
        #expect(gaps.filter { $0 <= 25 }.count > 25)
    }
}
