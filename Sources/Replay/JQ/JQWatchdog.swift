import CJQ
import Foundation
import Platform
import Synchronization

/// Stops jq runs that go past their time budget or memory ceiling, and every run at once when
/// Rewind quits: one thread for the whole process.
///
/// Why this works in-process: libjq's interpreter (`jq_next`) checks a "halted" flag before
/// every instruction and returns when it is set; `jq_halt` sets it and `jq_start` clears it.
/// So a program that loops, recurses or builds a huge value is stopped from another thread
/// within one tick, and its `jq_state` stays usable for the next event. The prelude of every
/// program (`JQPrelude`) takes `halt` away from user code, so a state is never halted twice
/// (jq 1.6 asserts on that).
///
/// The per-event cost is two uncontended locks of the program's own slot (no global lock, no
/// clock read, no system call): the watchdog, not the evaluating thread, notes when it first
/// saw a run and the process's resident memory then. So a run is stopped between its budget
/// and its budget plus one tick, and memory counts from the tick that first saw the run.
///
/// The thread starts on the first run, ticks every `tickMillis` while runs come and go, and
/// sleeps on a condition after a second with nothing running (the next run wakes it).
///
/// What it cannot stop: one builtin written in C that runs long without returning to the
/// interpreter (sorting a huge array, repeating a string a billion times); it is stopped when
/// that call returns. docs/SECURITY.md says so.
public final class JQWatchdog: Sendable {
    /// The process's watchdog.
    public static let shared = JQWatchdog()

    /// How often running evaluations are looked at.
    public static let tickMillis = 10
    /// Ticks with nothing running before the thread sleeps.
    static let idleTicks = 100

    /// Why a run was stopped.
    enum Reason: Sendable, Equatable {
        case time, memory, interrupted
    }

    /// One program's registration: its `jq_state` and the run in progress, if any. The lock is
    /// taken by the evaluating thread twice per run and by the watchdog once per tick; the
    /// watchdog halts a state only while holding it and only while `running`, so it never halts
    /// a finished run, a state being torn down, or the same run twice.
    final class Slot: Sendable {
        struct Run {
            var limits: JQLimits
            var running = false
            var generation: UInt64 = 0
            var thread: UInt = 0
            var halted: Reason?
            // The watchdog's notes on the current generation.
            var seenGeneration: UInt64 = 0
            var seenAt = ContinuousClock.Instant.now
            var baselineBytes = 0
        }

        /// The `jq_state` (an address: pointers are not Sendable).
        let jqState: UInt
        let run: Mutex<Run>

        init(jqState: OpaquePointer, limits: JQLimits) {
            self.jqState = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(jqState)))
            self.run = Mutex(Run(limits: limits))
        }

        var limits: JQLimits {
            get { run.withLock { $0.limits } }
            set { run.withLock { $0.limits = newValue } }
        }
    }

    private struct Registry {
        var slots: [ObjectIdentifier: Slot] = [:]
        /// Set by `haltAll()`: every run is stopped and new ones are refused.
        var quitting = false
        /// Threads whose runs are stopped and refused (`cancelEvaluations(onThread:)`).
        var cancelledThreads: Set<UInt> = []
    }

    private let registry = Mutex(Registry())
    /// Non-zero while anything is cancelled: the evaluating thread then looks at the registry
    /// (otherwise it never takes the global lock). Written under the registry's lock.
    private let cancellations = Atomic<Int>(0)
    /// True while the thread ticks; a run that finds it false wakes it.
    private let awake = Atomic<Bool>(false)
    private let wakeUp = NSCondition()
    private let started = Mutex(false)

    init() {}

    /// The calling thread, as `cancelEvaluations(onThread:)` wants it.
    public static var currentThread: UInt { UInt(cjq_thread_id()) }

    // MARK: Registration (the evaluating thread)

    func register(_ slot: Slot) {
        registry.withLock { $0.slots[ObjectIdentifier(slot)] = slot }
    }

    /// Called before the `jq_state` is torn down; the slot is not running then.
    func unregister(_ slot: Slot) {
        _ = registry.withLock { $0.slots.removeValue(forKey: ObjectIdentifier(slot)) }
    }

    /// Marks the start of a run, after `jq_start` (which clears libjq's halted flag).
    /// - Throws: `JQInterrupted` when Rewind is quitting or this thread's runs were cancelled.
    @inline(__always)
    func begin(_ slot: Slot) throws {
        let thread = UInt(cjq_thread_id())
        slot.run.withLock {
            $0.running = true
            $0.generation &+= 1
            $0.thread = thread
            $0.halted = nil
        }
        if cancellations.load(ordering: .sequentiallyConsistent) != 0, isCancelled(thread) {
            _ = end(slot)
            throw JQInterrupted()
        }
        if !awake.load(ordering: .sequentiallyConsistent) { wake() }
    }

    /// Marks the end of a run; returns why the watchdog stopped it, if it did.
    @inline(__always)
    func end(_ slot: Slot) -> Reason? {
        slot.run.withLock {
            $0.running = false
            let reason = $0.halted
            $0.halted = nil
            return reason
        }
    }

    private func isCancelled(_ thread: UInt) -> Bool {
        registry.withLock { $0.quitting || $0.cancelledThreads.contains(thread) }
    }

    // MARK: Quitting (any thread)

    /// Stops every run now and refuses new ones, for the rest of the process: for Ctrl-C and
    /// SIGTERM in the command line. Stopped runs throw `JQInterrupted`.
    public func haltAll() {
        let slots = registry.withLock {
            $0.quitting = true
            noteCancellations($0)
            return Array($0.slots.values)
        }
        for slot in slots { halt(slot, .interrupted) { _ in true } }
    }

    /// Stops the runs of one thread now and refuses its new ones until `forgetThread`: for a
    /// dashboard worker that is asked to stop while a handler runs.
    public func cancelEvaluations(onThread thread: UInt) {
        let slots = registry.withLock {
            $0.cancelledThreads.insert(thread)
            noteCancellations($0)
            return Array($0.slots.values)
        }
        for slot in slots { halt(slot, .interrupted) { $0.thread == thread } }
    }

    /// Lifts `cancelEvaluations(onThread:)`; a thread calls it as it ends (thread identities
    /// are reused).
    public func forgetThread(_ thread: UInt) {
        registry.withLock {
            _ = $0.cancelledThreads.remove(thread)
            noteCancellations($0)
        }
    }

    private func noteCancellations(_ registry: borrowing Registry) {
        cancellations.store(registry.quitting ? 1 : registry.cancelledThreads.count, ordering: .sequentiallyConsistent)
    }

    // MARK: The watchdog thread

    private func wake() {
        let first = started.withLock { started -> Bool in
            defer { started = true }
            return !started
        }
        if first {
            let thread = Thread { [self] in loop() }
            thread.name = "rewind-jq-watchdog"
            thread.stackSize = 256 << 10
            awake.store(true, ordering: .sequentiallyConsistent)
            thread.start()
            return
        }
        wakeUp.lock()
        if !awake.load(ordering: .sequentiallyConsistent) {
            awake.store(true, ordering: .sequentiallyConsistent)
            wakeUp.signal()
        }
        wakeUp.unlock()
    }

    private func loop() {
        var idle = 0
        while true {
            wakeUp.lock()
            _ = wakeUp.wait(until: Date(timeIntervalSinceNow: Double(Self.tickMillis) / 1000))
            wakeUp.unlock()
            if inspect() { idle = 0 } else { idle += 1 }
            guard idle >= Self.idleTicks else { continue }
            // Going to sleep: say so first, then look once more, so a run that began meanwhile
            // either sees `awake` false (and wakes us) or is seen here.
            wakeUp.lock()
            awake.store(false, ordering: .sequentiallyConsistent)
            wakeUp.unlock()
            if inspect() {
                awake.store(true, ordering: .sequentiallyConsistent)
                idle = 0
                continue
            }
            wakeUp.lock()
            while !awake.load(ordering: .sequentiallyConsistent) {
                // A timed wait as a backstop: a missed wake-up costs at most a second.
                if !wakeUp.wait(until: Date(timeIntervalSinceNow: 1)) {
                    awake.store(true, ordering: .sequentiallyConsistent)
                }
            }
            wakeUp.unlock()
            idle = 0
        }
    }

    /// One tick: notes new runs, halts those over budget. True when something was running.
    private func inspect() -> Bool {
        let slots = registry.withLock { Array($0.slots.values) }
        let now = ContinuousClock.Instant.now
        var resident: Int?? = .none  // read lazily: only when a run has lasted a tick
        var anyRunning = false
        for slot in slots {
            halt(slot, nil) { run in
                guard run.running, run.halted == nil else { return false }
                anyRunning = true
                if run.seenGeneration != run.generation {
                    if resident == nil { resident = .some(ProcessMemory.residentBytes()) }
                    run.seenGeneration = run.generation
                    run.seenAt = now
                    run.baselineBytes = (resident ?? nil) ?? 0
                    return false
                }
                let elapsed = now - run.seenAt
                if elapsed >= .milliseconds(run.limits.handlerMillis) {
                    run.halted = .time
                    return true
                }
                if resident == nil { resident = .some(ProcessMemory.residentBytes()) }
                if let bytes = resident ?? nil, run.baselineBytes > 0, bytes - run.baselineBytes > run.limits.memoryBytes {
                    run.halted = .memory
                    return true
                }
                return false
            }
        }
        return anyRunning
    }

    /// Halts `slot`'s running state when `decide` says so (under the slot's lock). `reason` is
    /// recorded unless `decide` recorded its own.
    private func halt(_ slot: Slot, _ reason: Reason?, _ decide: (inout Slot.Run) -> Bool) {
        slot.run.withLock { run in
            guard run.running else { return }
            if reason != nil, run.halted != nil { return }  // already stopped this run
            guard decide(&run) else { return }
            if let reason { run.halted = reason }
            let pointer = OpaquePointer(bitPattern: slot.jqState)
            if let pointer, jq_halted(pointer) == 0 {
                jq_halt(pointer, jv_invalid(), jv_invalid())
            }
        }
    }
}
