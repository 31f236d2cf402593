// rewind-pg-bench: the PostgreSQL store's figures that need the store itself (the random jump
// and the whole-table read as the dashboard and export make them), and the DDL the loader uses.
// Benchmarks/postgres-bench.sh starts the server, loads it and runs this; see docs/BENCHMARKS.md.
//
//   rewind-pg-bench schema                      Marten's tables (Guid streams, metadata columns) as SQL
//   rewind-pg-bench jumps URL [--count N]       random jumps in the largest stream: p50/p99/max
//   rewind-pg-bench readall URL [--runs N]      SQLEventStore.readAll over the whole table: events/s
import EventLog
import Foundation
import PostgresStore

/// Why a run could not go on.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
}

/// Seconds between two instants of the continuous clock.
func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let i = min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))
    return sorted[i]
}

func option(_ name: String, _ args: [String], default value: Int) throws -> Int {
    guard let i = args.firstIndex(of: name) else { return value }
    guard i + 1 < args.count, let n = Int(args[i + 1]), n > 0 else { throw BenchFailure(description: "\(name) takes a positive number") }
    return n
}

func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

/// Opens the store as `rewind` does (read-only), in a throwaway state directory.
func openStore(_ url: String) throws -> (SQLEventStore, Double) {
    let state = NSTemporaryDirectory() + "rewind-pg-bench-state-\(ProcessInfo.processInfo.processIdentifier)"
    let clock = ContinuousClock()
    let t0 = clock.now
    let store = try PostgresStoreOpener.open(url: url, stateDirectory: state)
    return (store, seconds(clock.now - t0))
}

/// Random jumps in the largest stream, each as the dashboard makes one: the page of events from
/// the version (its `pageSize` rows) and the event's detail (`readStream` from it, limit 1).
func jumps(_ url: String, count: Int, page: Int) throws {
    let (store, openSeconds) = try openStore(url)
    defer { store.close() }
    guard let stream = store.streams().max(by: { $0.count < $1.count }), stream.count > 0 else {
        throw BenchFailure(description: "the store has no events")
    }
    var generator = SystemRandomNumberGenerator()
    let clock = ContinuousClock()
    // One warm-up jump (the statement's plan, the index's root pages).
    _ = try store.events(in: stream.name, from: 1, limit: page)
    var pages: [Double] = []
    var details: [Double] = []
    var total: [Double] = []
    for _ in 0..<count {
        let version = UInt64.random(in: 1...stream.count, using: &generator)
        let t0 = clock.now
        var rows = 0
        try store.readStream(stream.name, from: version, limit: page) { _ in rows += 1; return true }
        let t1 = clock.now
        guard let event = try store.event(in: stream.name, version: version), event.version == version else {
            throw BenchFailure(description: "no event at version \(version) of \(stream.name)")
        }
        let t2 = clock.now
        guard rows == min(page, Int(stream.count - version + 1)) else {
            throw BenchFailure(description: "a page from \(version) held \(rows) rows")
        }
        pages.append(seconds(t1 - t0) * 1000)
        details.append(seconds(t2 - t1) * 1000)
        total.append(seconds(t2 - t0) * 1000)
    }
    pages.sort()
    details.sort()
    total.sort()
    print("open: \(fixed(openSeconds, 3)) s (\(store.streamCount) streams, head \(store.head))")
    print("stream: \(stream.name) (\(stream.count) events); \(count) random jumps, page \(page) rows + detail")
    print("jump (page + detail) ms: p50 \(fixed(percentile(total, 0.5), 2)) p99 \(fixed(percentile(total, 0.99), 2)) max \(fixed(total.last ?? 0, 2))")
    print("  page ms: p50 \(fixed(percentile(pages, 0.5), 2)) p99 \(fixed(percentile(pages, 0.99), 2))")
    print("  detail (event(in:version:)) ms: p50 \(fixed(percentile(details, 0.5), 2)) p99 \(fixed(percentile(details, 0.99), 2))")
}

/// The whole table in position order through `SQLEventStore.readAll`, as `rewind export` reads it.
func readAll(_ url: String, runs: Int) throws {
    let (store, openSeconds) = try openStore(url)
    defer { store.close() }
    print("open: \(fixed(openSeconds, 3)) s (\(store.streamCount) streams, head \(store.head))")
    let clock = ContinuousClock()
    var rates: [Double] = []
    for run in 1...runs {
        var events = 0
        var bytes = 0
        let t0 = clock.now
        try store.readAll { view in
            events += 1
            bytes += view.data.count
            return true
        }
        let s = seconds(clock.now - t0)
        rates.append(Double(events) / s)
        print("readAll run \(run): \(events) events, \(bytes / 1_000_000) MB of data in \(fixed(s, 2)) s = \(Int(Double(events) / s)) events/s")
    }
    rates.sort()
    print("readAll median: \(Int(rates[rates.count / 2])) events/s")
}

let args = Array(CommandLine.arguments.dropFirst())
do {
    switch args.first {
    case "schema":
        print(try MartenSchema(schema: "public", streamIdentity: .guid, tenancy: .single, metadataColumns: true).createSQL())
    case "jumps" where args.count >= 2:
        try jumps(args[1], count: try option("--count", args, default: 200), page: try option("--page", args, default: 100))
    case "readall" where args.count >= 2:
        try readAll(args[1], runs: try option("--runs", args, default: 3))
    default:
        print("usage: rewind-pg-bench schema | jumps URL [--count N] [--page ROWS] | readall URL [--runs N]")
        exit(2)
    }
} catch {
    FileHandle.standardError.write("rewind-pg-bench: \(error)\n".data(using: .utf8) ?? Data())
    exit(1)
}
