import Foundation
import Platform
import Testing

@Suite struct MonitorTests {
    @Test func updatesFromManyThreadsAreNeverLost() {
        let threads = 4
        let each = Int(ProcessInfo.processInfo.environment["REWIND_MONITOR_UPDATES"] ?? "") ?? 20_000
        let counter = Monitor(0)
        for _ in 0..<threads {
            Thread { for _ in 0..<each { counter.update { $0 += 1 } } }.start()
        }
        #expect(counter.wait(until: { $0 == threads * each }, timeout: 60))
        #expect(counter.read { $0 } == threads * each)
    }

    @Test func aWaiterWakesWhenAnotherThreadMakesTheConditionTrue() {
        let ready = Monitor(false)
        let waiting = Monitor(false)
        let woke = Monitor<Bool?>(nil)
        Thread {
            waiting.update { $0 = true }
            let held = ready.wait(until: { $0 }, timeout: 30)
            woke.update { $0 = held }
        }.start()
        #expect(waiting.wait(until: { $0 }, timeout: 30))
        #expect(woke.read { $0 } == nil)  // still waiting: nothing made the condition true yet
        ready.update { $0 = true }
        #expect(woke.wait(until: { $0 != nil }, timeout: 30))
        #expect(woke.read { $0 } == true)
    }

    @Test func aConditionThatNeverHoldsTimesOutWithFalse() {
        let m = Monitor(0)
        let start = DispatchTime.now()
        #expect(!m.wait(until: { $0 == 1 }, timeout: 0.05))
        let waited = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        #expect(waited >= 0.05)
    }

    @Test func aConditionThatAlreadyHoldsReturnsAtOnceEvenWithAZeroTimeout() {
        let m = Monitor(7)
        #expect(m.wait(until: { $0 == 7 }, timeout: 0))
    }

    @Test func waitThenChangesTheStateInTheSameCriticalSection() {
        // Two consumers take items from a queue: each item is taken exactly once.
        struct Queue { var items: [Int] = []; var closed = false }
        let queue = Monitor(Queue())
        let taken = Monitor<[Int]>([])
        let count = 2_000
        for _ in 0..<2 {
            Thread {
                while true {
                    let item: Int?? = queue.wait(until: { !$0.items.isEmpty || $0.closed }) { q, _ in
                        q.items.isEmpty ? .some(nil) : .some(q.items.removeFirst())
                    }
                    guard let next = item, let value = next else { return }
                    taken.update { $0.append(value) }
                }
            }.start()
        }
        for i in 0..<count { queue.update { $0.items.append(i) } }
        queue.update { $0.closed = true }
        #expect(taken.wait(until: { $0.count == count }, timeout: 60))
        #expect(taken.read { $0.sorted() } == Array(0..<count))
    }

    @Test func waitThenTellsTheBodyWhenItTimedOut() {
        let m = Monitor(0)
        let outcome = m.wait(until: { $0 > 0 }, timeout: 0.01) { value, satisfied in
            value = -1
            return satisfied
        }
        #expect(!outcome)
        #expect(m.read { $0 } == -1)
    }
}
