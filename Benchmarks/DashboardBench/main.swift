// rewind-dashboard-bench: the dashboard's speed targets, as a program that prints figures.
//
//   swift build -c release --product rewind-dashboard-bench
//   .build/release/rewind-dashboard-bench [--keys N] [--scrub-events N] [--seconds S]
//
// 1. Key press to finished frame on a 200x60 terminal while a writer appends 10,000 events/s to
//    the open log: each key (alternately ← and →, so every key needs a replay) is timed from the
//    moment it is read to the moment the frame showing the new version's state is encoded.
// 2. Scrubbing a 1,000,000-event stream holding → : frames per second, where every frame shows
//    the exact state of the version under the cursor (checked against an independent replay).
import Dashboard
import EventLog
import Foundation
import Replay
import TerminalUI

func argument(_ name: String, _ fallback: Int) -> Int {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) { return v }
    return fallback
}

let keys = argument("--keys", 2000)
let scrubEvents = argument("--scrub-events", 1_000_000)
let scrubSeconds = argument("--seconds", 10)

let config = """
    [aggregates.account]
    streams = "account-*"
    init = '{"balance": 0, "deposits": 0, "last": null}'
    [aggregates.account.on]
    MoneyDeposited = '.balance += $e.data.amount | .deposits += 1 | .last = $e.data.ref'
    MoneyWithdrawn = '.balance -= $e.data.amount | .last = $e.data.ref'
    """

func nanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    guard !s.isEmpty else { return .nan }
    return s[min(s.count - 1, Int(Double(s.count - 1) * p + 0.5))]
}

func f(_ x: Double, _ d: Int = 2) -> String { String(format: "%.\(d)f", x) }

func makeLog(events: Int, in dir: String) throws -> String {
    let path = dir + "/log"
    try EventLog.create(at: path)
    try config.write(toFile: path + "/rewind.toml", atomically: true, encoding: .utf8)
    let log = try EventLog.openWriter(at: path, options: .init(durability: .noSync))
    defer { log.close() }
    var v = 0
    let t0: Int64 = 1_768_471_200_000_000
    while v < events {
        let n = min(5000, events - v)
        let batch = (0..<n).map { i -> NewEvent in
            let k = v + i
            let type = k % 7 == 3 ? "MoneyWithdrawn" : "MoneyDeposited"
            return NewEvent(type: type, data: Array("{\"amount\":\(k % 97 + 1),\"ref\":\"r\(k)\"}".utf8), originalMicros: t0 + Int64(k) * 1_000_000)
        }
        _ = try log.append(to: "account-big", batch)
        v += n
    }
    for s in 0..<200 {
        _ = try log.append(to: "account-\(s)", [NewEvent(type: "MoneyDeposited", data: Array("{\"amount\":\(s),\"ref\":\"x\"}".utf8))])
    }
    return path
}

/// A writer appending `rate` events/s in batches of 100 every 10 ms, durable (fsync).
final class Writer: @unchecked Sendable {
    let log: EventLog
    var running = true
    var written = 0
    let lock = NSLock()
    init(path: String) throws { log = try EventLog.openWriter(at: path) }
    func start(rate: Int) {
        let t = Thread { [self] in
            let perTick = rate / 100
            var next = nanos()
            var i = 0
            while lock.withLock({ running }) {
                let batch = (0..<perTick).map { k in NewEvent(type: "MoneyDeposited", data: Array("{\"amount\":1,\"ref\":\"w\(i + k)\"}".utf8)) }
                _ = try? log.append(to: "account-live-\(i % 50)", batch)
                i += perTick
                lock.withLock { written = i }
                next += 10_000_000
                let now = nanos()
                if next > now { usleep(UInt32((next - now) / 1000)) }
            }
            log.close()
        }
        t.start()
    }
    func stop() { lock.withLock { running = false } }
}

func openApp(_ path: String, size: Size) throws -> (DashboardApp, BenchTerminal) {
    let log = try EventLog.openReadOnly(at: path)
    let cfg = try RewindConfig.load(forLog: path, configPath: nil)
    let term = BenchTerminal(size: size)
    let app = DashboardApp(terminal: term, log: log, config: cfg, writable: false, theme: Theme.monochrome)
    app.settle(timeout: 120)
    return (app, term)
}

/// Steps the app until `done` holds for the state; returns false on timeout.
func run(_ app: DashboardApp, until done: (DashboardState) -> Bool, timeout: Double = 30) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while !done(app.state) {
        if Date() > deadline { return false }
        app.step()
    }
    return true
}

func showsExactCursorState(_ s: DashboardState) -> Bool {
    guard let v = s.stateView else { return false }
    return v.version == s.cursor && v.stream == s.selectedStream && v.error == nil
}

let dir = NSTemporaryDirectory() + "rewind-dashboard-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: dir) }

print("rewind-dashboard-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores, load \(String((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.prefix(14) ?? ""))")
var t = nanos()
let path = try makeLog(events: scrubEvents, in: dir)
print("built a log with a \(scrubEvents)-event stream in \(f(Double(nanos() - t) / 1e9)) s")

// --- 1. Key to frame under a 10k events/s writer --------------------------------------------
do {
    let (app, term) = try openApp(path, size: Size(width: 200, height: 60))
    // Select the big stream and let its checkpoints warm up as a user's first minute would.
    app.send(.key(.character(":")))
    for c in "stream account-big" { app.send(.key(.character(c))) }
    app.send(.key(.enter))
    _ = run(app, until: { $0.lastVersion > 0 && showsExactCursorState($0) }, timeout: 300)
    app.send(.key(.character("2")))
    let writer = try Writer(path: path)
    writer.start(rate: 10_000)
    _ = run(app, until: { _ in false }, timeout: 1)  // the writer is running, ticks refresh
    let script: [Key] = [.left, .pageUp, .right, .character("["), .pageDown, .left, .character("]"), .pageUp, .pageUp]
    var latencies: [Double] = []
    let writtenBefore = writer.lock.withLock { writer.written }
    let t0 = nanos()
    for i in 0..<keys {
        // Scrubbing keys in a fixed mix; each moves the cursor, so each needs a replay.
        term.queued = [.key(script[i % script.count])]
        let start = nanos()
        var pressed = false
        let ok = run(app, until: { s in
            if !pressed { pressed = term.queued.isEmpty }
            return pressed && showsExactCursorState(s)
        })
        guard ok else { print("key \(i): no frame within 30 s"); break }
        latencies.append(Double(nanos() - start) / 1e6)
        // Some idle time between keys, as a person's typing leaves: ticks and refreshes run.
        let idleUntil = nanos() + 15_000_000
        while nanos() < idleUntil { app.step() }
    }
    let seconds = Double(nanos() - t0) / 1e9
    let writtenAfter = writer.lock.withLock { writer.written }
    writer.stop()
    print("")
    print("key → finished frame, 200x60, writer appending durably:")
    print("  \(latencies.count) keys over \(f(seconds, 1)) s; writer rate \(Int(Double(writtenAfter - writtenBefore) / seconds)) events/s")
    print("  p50 \(f(percentile(latencies, 0.5))) ms   p90 \(f(percentile(latencies, 0.9))) ms   p99 \(f(percentile(latencies, 0.99))) ms   max \(f(latencies.max() ?? .nan)) ms   (target: p99 < 10 ms)")
    print("  frames \(app.frames), terminal bytes \(term.bytesWritten)")
}

// --- 2. Scrubbing the 1M-event stream ----------------------------------------------------------
do {
    let (app, _) = try openApp(path, size: Size(width: 200, height: 60))
    app.send(.key(.character(":")))
    for c in "stream account-big" { app.send(.key(.character(c))) }
    app.send(.key(.enter))
    _ = run(app, until: { $0.lastVersion > 0 && showsExactCursorState($0) }, timeout: 300)
    app.send(.key(.home))
    _ = run(app, until: showsExactCursorState, timeout: 60)
    // An independent replay to check frames against.
    let checkLog = try EventLog.openReadOnly(at: path)
    let checkConfig = try RewindConfig.load(forLog: path, configPath: nil)
    let checker = try SnapshotManager(log: checkLog, config: checkConfig).timeline(for: "account-big")
    var frames = 0
    var checked = 0
    var wrong = 0
    var frameTimes: [Double] = []
    let end = nanos() + UInt64(scrubSeconds) * 1_000_000_000
    t = nanos()
    var last = nanos()
    while nanos() < end && app.state.cursor < app.state.lastVersion {
        app.send(.key(.right))
        _ = run(app, until: showsExactCursorState)
        app.render()
        frames += 1
        let now = nanos()
        frameTimes.append(Double(now - last) / 1e6)
        last = now
        if frames % 25 == 0, let shown = app.state.stateView {
            checked += 1
            if try checker.state(at: shown.version).state != shown.state { wrong += 1 }
        }
    }
    let seconds = Double(nanos() - t) / 1e9
    print("")
    print("scrubbing a \(scrubEvents)-event stream (→ held), 200x60:")
    print("  \(frames) frames in \(f(seconds, 1)) s = \(Int(Double(frames) / seconds)) frames/s, reached v\(app.state.cursor)   (target: ≥ 60 frames/s)")
    print("  frame time p50 \(f(percentile(frameTimes, 0.5))) ms   p99 \(f(percentile(frameTimes, 0.99))) ms")
    print("  exact state: \(checked - wrong)/\(checked) sampled frames equal an independent replay")
}

// --- 3. A million streams: filtering as you type -----------------------------------------------
let manyStreams = argument("--streams", 1_000_000)
do {
    let path = dir + "/many"
    try EventLog.create(at: path)
    t = nanos()
    let w = try EventLog.openWriter(at: path, options: .init(durability: .noSync))
    let categories = ["account", "order", "user", "booking", "cart", "invoice", "payment", "shipment"]
    for i in 0..<manyStreams {
        _ = try w.append(to: "\(categories[i % categories.count])-\(i)", [NewEvent(type: "Created", data: Array("{\"n\":\(i)}".utf8))])
    }
    w.close()
    print("")
    print("built a log of \(manyStreams) streams in \(f(Double(nanos() - t) / 1e9)) s")
    t = nanos()
    let (app, _) = try openApp(path, size: Size(width: 200, height: 60))
    print("a million streams: first frame with the list after \(f(Double(nanos() - t) / 1e6, 0)) ms (open, read, group, sort)")
    var times: [Double] = []
    for text in ["order", "order-1", "order-12", "order-123", "*-99999*"] {
        app.send(.key(.character("/")))
        for c in text { app.send(.key(.character(c))) }
        let start = nanos()
        _ = run(app, until: { $0.streamList.query.filter == text })
        app.render()
        times.append(Double(nanos() - start) / 1e6)
        app.send(.key(.escape))
        _ = run(app, until: { $0.streamList.query.filter.isEmpty })
    }
    print("  filter as you type (after the last key of each filter): " + times.map { f($0, 1) + " ms" }.joined(separator: ", "))
    let start = nanos()
    app.send(.key(.character("s")))
    _ = run(app, until: { $0.streamList.query.sort == .count })
    print("  re-sort by count: \(f(Double(nanos() - start) / 1e6, 1)) ms")
}
