
/// Short human forms of lag figures, shared by the command line and the dashboard:
/// `1,234,567`, `12.3k/s`, `3m20s`, `–` for unknown.
public enum LagFormat {
    public static let unknown = "–"

    /// A count with thousands separators.
    public static func count(_ n: UInt64) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    public static func count(_ n: UInt64?) -> String { n.map { count($0) } ?? unknown }

    /// A duration: `0s`, `0.4s`, `12s`, `3m20s`, `2h05m`, `3d04h`.
    public static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return unknown }
        if seconds == 0 { return "0s" }
        if seconds < 10 { return fixed(seconds, 1) + "s" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + two(s % 60) + "s" }
        if s < 86_400 { return "\(s / 3600)h" + two(s / 60 % 60) + "m" }
        return "\(s / 86_400)d" + two(s / 3600 % 24) + "h"
    }

    /// Events per second: `0/s`, `950/s`, `12.3k/s`, `1.20M/s`.
    public static func rate(_ perSecond: Double?) -> String {
        guard let r = perSecond, r.isFinite, r >= 0 else { return unknown }
        if r < 1000 { return "\(Int(r.rounded()))/s" }
        if r < 1_000_000 { return fixed(r / 1000, r < 10_000 ? 2 : 1) + "k/s" }
        return fixed(r / 1_000_000, 2) + "M/s"
    }

    /// `value` with `digits` decimals (no locale).
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return unknown }
        if value < 0 { return "-" + fixed(-value, digits) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (value * scale).rounded()
        let whole = Int64(scaled / scale)
        guard digits > 0 else { return String(whole) }
        let frac = Int64(abs(scaled - Double(whole) * scale))
        let fracText = String(frac)
        return String(whole) + "." + String(repeating: "0", count: max(0, digits - fracText.count)) + fracText
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
