import Platform


/// A one-line progress bar on stderr, drawn only when stderr is a terminal: bar, percent,
/// rate and ETA, redrawn at most ten times a second, erased when done.
final class ProgressBar {
    private let label: String
    private let unit: String
    private let enabled: Bool
    private var started: Double
    private var lastDraw: Double = 0
    private var drawn = false

    init(label: String, unit: String = "B") {
        self.label = label
        self.unit = unit
        enabled = Console.drawsLiveLines
        started = ProgressBar.now()
    }

    func restart(label newLabel: String? = nil) {
        started = ProgressBar.now()
        if let newLabel { currentLabel = newLabel }
    }

    private lazy var currentLabel = label

    /// Changes the label without restarting the clock (a count that grows, say).
    func relabel(_ newLabel: String) { currentLabel = newLabel }

    /// Redraws the bar: `done` of `total` drive the bar and the ETA; the rate counts `count`
    /// (e.g. events while the bar follows bytes) when given, else `done`, in `unit`s per second.
    func update(_ done: Int, of total: Int, count: Int? = nil) {
        guard enabled else { return }
        let now = ProgressBar.now()
        guard now - lastDraw >= 0.1 || done >= total else { return }
        lastDraw = now
        Console.writeStandardError("\r" + ProgressBar.line(label: currentLabel, done: done, of: total, count: count, unit: unit, elapsed: now - started) + "\u{1B}[K")
        drawn = true
    }

    /// The text of the bar: label, bar, percent, rate and ETA.
    static func line(label: String, done: Int, of total: Int, count: Int?, unit: String, elapsed: Double) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let width = 24
        let filled = Int(fraction * Double(width))
        let seconds = max(elapsed, 0.001)
        let pace = Double(done) / seconds
        let eta = pace > 0 && total > done ? Double(total - done) / pace : 0
        let rate = Double(count ?? done) / seconds
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        return "\(label) \(bar) \(Int(fraction * 100))%  \(ProgressBar.human(rate))\(unit)/s  ETA \(ProgressBar.duration(eta))"
    }

    func finish() {
        if drawn { Console.writeStandardError("\r\u{1B}[K") }
        drawn = false
    }

    static func now() -> Double { MonotonicClock.seconds }

    static func human(_ value: Double) -> String {
        let units = ["", "k", "M", "G", "T"]
        var v = value
        var i = 0
        while v >= 1000 && i < units.count - 1 { v /= 1000; i += 1 }
        return i == 0 ? String(Int(v)) : String(format1: v) + units[i]
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(s % 60)s" }
        return "\(s / 3600)h\((s % 3600) / 60)m"
    }
}

extension String {
    /// One decimal place, without Foundation.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(abs(tenths % 10))"
    }
}
