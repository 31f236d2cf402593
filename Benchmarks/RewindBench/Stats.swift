#if canImport(Glibc)
import Glibc
#endif

/// Medians and nearest-rank percentiles, the same definitions the Python peer uses
/// (`statistics.median` and `percentile()` in eventsourcing_bench.py), so the two columns of
/// the side-by-side table mean the same thing.
enum Stats {
    /// The median of `values` (mean of the two middle values for an even count); nil when empty.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        let mid = s.count / 2
        return s.count % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
    }

    /// Nearest-rank percentile `p` (0...100) of `sorted` (ascending); nil when empty.
    static func percentile(sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = max(1, Int((p / 100 * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }
}

/// Latency samples in nanoseconds, pooled over every run of a workload.
struct Latencies {
    private(set) var nanos: [UInt64] = []

    mutating func add(_ ns: UInt64) { nanos.append(ns) }
    mutating func add(contentsOf other: [UInt64]) { nanos.append(contentsOf: other) }

    var count: Int { nanos.count }

    /// p50 and p99 in microseconds.
    var p50p99Micros: (p50: Double?, p99: Double?) {
        let us = nanos.map { Double($0) / 1000 }.sorted()
        return (Stats.percentile(sorted: us, 50), Stats.percentile(sorted: us, 99))
    }

    var medianMicros: Double? { Stats.median(nanos.map { Double($0) / 1000 }) }
}

/// Monotonic time in nanoseconds.
@inline(__always)
func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Seconds elapsed since `start` (a `monotonicNanos()` reading).
@inline(__always)
func secondsSince(_ start: UInt64) -> Double {
    Double(monotonicNanos() - start) / 1e9
}
