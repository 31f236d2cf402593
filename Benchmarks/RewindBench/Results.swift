/// What a workload measured: named figures with units, the per-run throughputs behind the
/// median, and a note on how it was measured.
struct WorkloadResult {
    enum Unit: String {
        case eventsPerSecond = "events/s"
        case megabytesPerSecond = "MB/s"
        case gigabytesPerSecond = "GB/s"
        case micros = "µs"
        case millis = "ms"
        case seconds = "s"
        case bytes = "B"
        case bytesPerEvent = "B/event"
        case ratio = "x"
        case count = ""
    }

    struct Figure {
        var key: String
        var label: String
        var value: Double?
        var unit: Unit
    }

    var name: String
    var title: String
    var figures: [Figure] = []
    /// Throughput (events/s) of each run, in run order.
    var runs: [Double] = []
    var notes: String = ""

    init(name: String, title: String) {
        self.name = name
        self.title = title
    }

    mutating func set(_ key: String, _ label: String, _ value: Double?, _ unit: Unit) {
        if let i = figures.firstIndex(where: { $0.key == key }) {
            figures[i] = Figure(key: key, label: label, value: value, unit: unit)
        } else {
            figures.append(Figure(key: key, label: label, value: value, unit: unit))
        }
    }

    func value(_ key: String) -> Double? { figures.first { $0.key == key }?.value ?? nil }

    /// The keys shown as columns of the main table; every other figure is listed under it.
    static let columnKeys = ["events_per_s", "mb_per_s", "p50_us", "p99_us", "bytes_per_event"]
}

/// One target from the issue, checked against what was measured.
struct TargetCheck {
    var name: String
    var goal: String
    var measured: String
    /// nil when it could not be checked (workload skipped or peer missing).
    var met: Bool?

    var status: String {
        switch met {
        case .some(true): return "met"
        case .some(false): return "MISSED"
        case .none: return "not measured"
        }
    }
}

/// The side-by-side comparison with the Python peer.
struct PeerComparison {
    struct Row {
        var workload: String
        var rewind: Double?
        var peer: Double?
        var rewindP50: Double?
        var peerP50: Double?
        /// Rewind ÷ peer, in events/s (higher is better for Rewind).
        var ratio: Double? {
            guard let r = rewind, let p = peer, p > 0 else { return nil }
            return r / p
        }
        var target: Double?
        var met: Bool? {
            guard let t = target, let x = ratio else { return nil }
            return x >= t
        }
    }

    /// "ok", or why there is no peer column.
    var status: String
    var info: String = ""
    var rows: [Row] = []
    /// The peer's own JSON object, passed through into our JSON.
    var raw: [String: Any]?
    var seconds: Double?
}

/// Everything one run of the program measured.
struct BenchReport {
    var machine: Machine
    var config: BenchConfig
    var scratch: String
    var startedAt: String
    var results: [WorkloadResult] = []
    var targets: [TargetCheck] = []
    var peer: PeerComparison?
    var totalSeconds: Double = 0
    /// /proc/loadavg at the start and the end: other work on the machine shows up here.
    var loadAtStart = ""
    var loadAtEnd = ""

    func result(_ name: String) -> WorkloadResult? { results.first { $0.name == name } }
}
