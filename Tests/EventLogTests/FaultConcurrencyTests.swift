import EventLog
import Foundation
import Platform
import Testing

/// One writer, enforced; optimistic concurrency under real races; group commit that loses and
/// duplicates nothing; a reader that tails a writer across segment rolls.
@Suite("Fault: concurrency")
struct FaultConcurrencyTests {
    @Test func secondWriterIsLockedNamingTheFirstsPid() throws {
        let dir = TemporaryDirectory()
        let path = try Fixtures.makeLog(in: dir)
        let first = try EventLog.openWriter(at: path, options: .init(command: "fault-first"))
        try first.append(to: "a-1", Fixtures.deposits(2))
        let error = #expect(throws: EventLogError.self) {
            _ = try EventLog.openWriter(at: path, options: .init(command: "fault-second"))
        }
        #expect(error == .locked(log: FileSurgery.realPath(path), holder: "pid \(getpid()) (fault-first)"))
        #expect(error?.description.contains("locked by pid \(getpid()) (fault-first)") == true)
        // The refused writer left the lock file naming the holder, and the holder goes on.
        #expect(String(decoding: try FileSurgery.bytes(path + "/" + LogFormat.lockFile), as: UTF8.self) == "pid=\(getpid()) command=fault-first\n")
        #expect(try first.append(to: "a-1", Fixtures.deposits(1), expected: .exact(2)).lastPosition == 3)
        let reader = try EventLog.openReadOnly(at: path)
        #expect(reader.head == 3)
        reader.close()
        first.close()
        #expect(throws: EventLogError.closed) { try first.append(to: "a-1", Fixtures.deposits(1)) }
        let second = try FaultSupport.reopenWriter(at: path, options: .init(command: "fault-second"))
        #expect(second.head == 3 && second.recovery.isClean)
        second.close()
    }

    /// `REWIND_FAULT_RACERS` threads open the same log as writers at the same instant, `rounds`
    /// times; per round, the log and what each racer got.
    ///
    /// Each round races on a new log: the lock file of a log this process has closed may still
    /// be held for a moment by a child another test is spawning (see `reopenWriter`).
    private func raceToOpen(_ dir: TemporaryDirectory, rounds: Int) throws -> [(path: String, winner: [String], losers: [EventLogError])] {
        let racers = FaultSupport.size("REWIND_FAULT_RACERS", default: 8)
        return try (0..<rounds).map { round in
            let path = dir.file("log-\(round)")
            try EventLog.create(at: path)
            let start = Barrier(count: racers)
            let tried = Barrier(count: racers)
            let outcomes = Monitor<[Result<String, EventLogError>]>([])
            FaultSupport.onThreads(racers) { i in
                start.wait()
                let log: EventLog?
                do {
                    log = try EventLog.openWriter(at: path, options: .init(command: "racer-\(i)"))
                    outcomes.update { $0.append(.success("racer-\(i)")) }
                } catch {
                    log = nil
                    outcomes.update { $0.append(.failure(FaultSupport.engineError(error))) }
                }
                tried.wait()  // the winner holds the lock until everyone has tried
                log?.close()
            }
            let all = outcomes.read { $0 }
            return (path, all.compactMap { try? $0.get() }, all.compactMap { if case .failure(let e) = $0 { e } else { nil } })
        }
    }

    @Test func exactlyOneOfManyRacingWritersOpens() throws {
        let dir = TemporaryDirectory()
        let rounds = max(1, FaultSupport.size("REWIND_FAULT_ROUNDS", default: 40) / 4)
        for (round, outcome) in try raceToOpen(dir, rounds: rounds).enumerated() {
            #expect(outcome.winner.count == 1, "round \(round): \(outcome.winner) opened")
            for error in outcome.losers {
                guard case .locked(let log, _) = error else { Issue.record("round \(round): a racer got \(error)"); continue }
                #expect(log == FileSurgery.realPath(outcome.path))
            }
        }
    }

    /// The refused writer's error must name the holder, even when it lost by a hair: the
    /// winner writes its name into LOCK only after it has taken the flock.
    @Test func racingWriterIsToldTheWinnersPidAndCommand() throws {
        let dir = TemporaryDirectory()
        var wrong: [String] = []
        var refusals = 0
        for (round, outcome) in try raceToOpen(dir, rounds: FaultSupport.size("REWIND_FAULT_ROUNDS", default: 40)).enumerated() {
            guard let winner = outcome.winner.first else { continue }
            for case .locked(_, let holder) in outcome.losers {
                refusals += 1
                if holder != "pid \(getpid()) (\(winner))" { wrong.append("round \(round): told '\(holder)', the holder was \(winner)") }
            }
        }
        #expect(refusals > 0)
        #expect(wrong.count == 0, "\(wrong.count) of \(refusals) refused writers were misinformed, e.g. \(wrong.prefix(3))")
    }

    /// `REWIND_FAULT_RACERS` threads append to one stream at the same expected version,
    /// `REWIND_FAULT_ROUNDS` times: exactly one wins each round.
    @Test func expectedVersionRaceHasExactlyOneWinnerPerRound() throws {
        let dir = TemporaryDirectory()
        let path = try Fixtures.makeLog(in: dir, segmentBytes: 16384)
        let racers = FaultSupport.size("REWIND_FAULT_RACERS", default: 8)
        let rounds = FaultSupport.size("REWIND_FAULT_ROUNDS", default: 40)
        let log = try EventLog.openWriter(at: path)
        let barrier = Barrier(count: racers)
        let outcomes = Monitor([[(racer: Int, result: Result<AppendResult, EventLogError>)]](repeating: [], count: rounds))
        FaultSupport.onThreads(racers) { racer in
            for round in 0..<rounds {
                barrier.wait()
                let expected: ExpectedVersion = round == 0 ? .noStream : .exact(UInt64(round))
                let outcome: Result<AppendResult, EventLogError>
                do {
                    outcome = .success(try log.append(
                        to: "race-1", [Fixtures.event("Won", "{\"round\":\(round),\"racer\":\(racer)}")], expected: expected))
                } catch {
                    outcome = .failure(FaultSupport.engineError(error))
                }
                outcomes.update { $0[round].append((racer, outcome)) }
                barrier.wait()  // nobody starts the next round before this one is decided
            }
        }
        let results = outcomes.read { $0 }
        for (round, all) in results.enumerated() {
            let v = UInt64(round + 1)
            let won = all.compactMap { o in (try? o.result.get()).map { (o.racer, $0) } }
            #expect(all.count == racers)
            #expect(won.map(\.1) == [AppendResult(stream: "race-1", firstVersion: v, lastVersion: v, firstPosition: v, lastPosition: v)], "round \(round)")
            let expected: ExpectedVersion = round == 0 ? .noStream : .exact(UInt64(round))
            for case .failure(let error) in all.map(\.result) {
                #expect(error == .wrongExpectedVersion(stream: "race-1", expected: expected, actual: v), "round \(round)")
            }
            // The stored event is the winner's.
            let stored = try log.event(in: "race-1", version: v).map { String(decoding: $0.data, as: UTF8.self) }
            #expect(stored == won.first.map { "{\"round\":\(round),\"racer\":\($0.0)}" }, "round \(round)")
        }
        #expect(log.version(of: "race-1") == UInt64(rounds))
        #expect(log.head == UInt64(rounds))
        log.close()
        let again = try FaultSupport.reopenWriter(at: path)
        #expect(again.recovery.isClean && again.head == UInt64(rounds))
        #expect(try again.events(in: "race-1").map(\.version) == Array(1...UInt64(rounds)))
        again.close()
    }

    /// `REWIND_FAULT_THREADS` threads append `REWIND_FAULT_APPENDS` batches each, to their own
    /// streams (exact expected versions) and to shared ones (any), through 16 KiB segments.
    @Test func groupCommitAcknowledgesEveryAppendAtItsExactPosition() throws {
        let dir = TemporaryDirectory()
        let path = try Fixtures.makeLog(in: dir, segmentBytes: 16384)
        let threads = FaultSupport.size("REWIND_FAULT_THREADS", default: 8)
        let appends = FaultSupport.size("REWIND_FAULT_APPENDS", default: 150)
        let log = try EventLog.openWriter(at: path)
        let acks = Monitor<[(thread: Int, k: Int, result: AppendResult)]>([])
        let failures = Monitor<[String]>([])
        FaultSupport.onThreads(threads) { t in
            var version: UInt64 = 0
            for k in 0..<appends {
                let shared = k % 4 == 3
                let stream = shared ? "shared-\(k % 2)" : "own-\(t)"
                let n = shared ? 1 : 1 + k % 3
                let events = (0..<n).map { Fixtures.event("Put", "{\"t\":\(t),\"k\":\(k),\"i\":\($0)}" + String(repeating: " ", count: 80)) }
                do {
                    let r = try log.append(to: stream, events, expected: shared ? .any : .exact(version))
                    if !shared { version = r.lastVersion }
                    acks.update { $0.append((t, k, r)) }
                } catch {
                    failures.update { $0.append("thread \(t) append \(k): \(error)") }
                }
            }
        }
        #expect(failures.read { $0 }.isEmpty, "\(failures.read { $0 }.prefix(5))")
        let all = acks.read { $0 }.sorted { $0.result.firstPosition < $1.result.firstPosition }
        #expect(all.count == threads * appends)
        // Acknowledged positions tile 1...head: no gap, no overlap.
        var next: UInt64 = 1
        for a in all {
            #expect(a.result.firstPosition == next, "append \(a.k) of thread \(a.thread) at \(a.result.firstPosition), expected \(next)")
            next = a.result.lastPosition + 1
        }
        #expect(log.head == next - 1)
        // And each stream's versions tile 1...version.
        for (stream, results) in Dictionary(grouping: all.map(\.result), by: \.stream) {
            var v: UInt64 = 1
            for r in results.sorted(by: { $0.firstVersion < $1.firstVersion }) {
                #expect(r.firstVersion == v && r.lastVersion - r.firstVersion == r.lastPosition - r.firstPosition, "\(stream): \(r)")
                v = r.lastVersion + 1
            }
            #expect(log.version(of: stream) == v - 1)
        }
        let segments = log.segmentCount
        log.close()

        let reopened = try FaultSupport.reopenWriter(at: path)
        defer { reopened.close() }
        #expect(reopened.recovery.isClean)
        #expect(reopened.head == next - 1)
        #expect(reopened.segmentCount == segments && segments > 3)
        #expect(try FaultSupport.readAll(reopened).map(\.position) == Array(1..<next))
        var mismatches: [String] = []
        for a in all {
            let n = Int(a.result.lastVersion - a.result.firstVersion + 1)
            let events = try reopened.events(in: a.result.stream, from: a.result.firstVersion, limit: n)
            let expected = (0..<n).map { "{\"t\":\(a.thread),\"k\":\(a.k),\"i\":\($0)}" + String(repeating: " ", count: 80) }
            if events.map(\.position) != Array(a.result.firstPosition...a.result.lastPosition)
                || events.map(\.version) != Array(a.result.firstVersion...a.result.lastVersion)
                || events.map({ String(decoding: $0.data, as: UTF8.self) }) != expected {
                mismatches.append("\(a.result) reads back as \(events.map { ($0.position, $0.version) })")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// A reader in its own handle follows a writer through many 4 KiB segment rolls with
    /// `waitForEvents` + `readAll(from:)`: every event once, in order, and promptly.
    @Test func tailingReaderSeesEveryEventOnceInOrderAcrossSegmentRolls() throws {
        let dir = TemporaryDirectory()
        let path = try Fixtures.makeLog(in: dir, segmentBytes: 4096)
        let appends = FaultSupport.size("REWIND_FAULT_TAIL_APPENDS", default: 600)
        let total = (0..<appends).reduce(0) { $0 + 1 + $1 % 3 }
        // Opened before the writer made segment 1: it has to find every segment by itself.
        let reader = try EventLog.openReadOnly(at: path)
        defer { reader.close() }
        let writer = try EventLog.openWriter(at: path)
        let ackNanos = Monitor([UInt64](repeating: 0, count: total + 1))
        let writerError = Monitor<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            defer { done.signal() }
            for k in 0..<appends {
                let events = (0...(k % 3)).map { Fixtures.event("Tick", FaultSupport.payload("k\(k).\($0)", bytes: 120)) }
                do {
                    let r = try writer.append(to: "tick-\(k % 4)", events)
                    let now = FaultSupport.nowNanos()
                    ackNanos.update { for p in r.firstPosition...r.lastPosition { $0[Int(p)] = now } }
                } catch {
                    writerError.update { $0 = "append \(k): \(error)" }
                    return
                }
                usleep(k % 10 == 0 ? 3000 : 300)
            }
        }.start()

        var seen: [RecordedEvent] = []
        var seenNanos: [UInt64] = []
        var readerError: String?
        let deadline = FaultSupport.nowNanos() + 60_000_000_000
        while seen.count < total && FaultSupport.nowNanos() < deadline {
            do {
                let after = UInt64(seen.count)
                if try reader.waitForEvents(after: after, timeout: 0.5) > after {
                    try reader.readAll(from: after + 1) { view in
                        seen.append(view.materialize())
                        seenNanos.append(FaultSupport.nowNanos())
                        return true
                    }
                }
            } catch {
                readerError = "after \(seen.count) events: \(error)"
                break
            }
        }
        done.wait()
        #expect(readerError == nil)
        #expect(writerError.read { $0 } == nil)
        let written = try FaultSupport.readAll(writer)
        #expect(written.count == total)
        #expect(seen.map(\.position) == Array(1...UInt64(total)), "every event exactly once, in order")
        #expect(seen == written)
        #expect(reader.segmentCount == writer.segmentCount)
        #expect(writer.segmentCount > 20, "the test should cross many segment rolls")
        writer.close()

        let acks = ackNanos.read { $0 }
        let delays = zip(seen, seenNanos).map { e, t in t > acks[Int(e.position)] ? Double(t - acks[Int(e.position)]) / 1e6 : 0 }.sorted()
        let median = delays.isEmpty ? .infinity : delays[delays.count / 2]
        let p99 = delays.isEmpty ? .infinity : delays[delays.count * 99 / 100]
        print("tailing: \(seen.count) events over \(reader.segmentCount) segments; delay median \(median) ms, p99 \(p99) ms, max \(delays.last ?? -1) ms")
        #expect(median < 100, "median delay \(median) ms")
    }
}
