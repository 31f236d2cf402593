import EventLog
import Foundation

/// Short human forms of times, ages, sizes and counts for narrow columns.
enum Format {
    /// "2026-01-15 10:00:05" in UTC.
    static func time(_ micros: Int64) -> String {
        let s = RFC3339.format(microsecondsSinceEpoch: micros, fractionDigits: 0)
        return String(s.replacingOccurrences(of: "T", with: " ").dropLast())
    }

    /// "01-15 10:00:05": the time without its year, for the events pane.
    static func shortTime(_ micros: Int64) -> String {
        String(time(micros).dropFirst(5))
    }

    /// The calendar year (UTC) of an instant, as RFC 3339 spells it.
    static func year(_ micros: Int64) -> Substring {
        let s = RFC3339.format(microsecondsSinceEpoch: micros, fractionDigits: 0)
        return s.prefix { $0 != "T" }.dropLast(6)  // "2026-01-15" without "-01-15"
    }

    /// "4s", "12m", "3h", "9d" ago.
    static func age(_ micros: Int64, now: Int64) -> String {
        let s = max(0, (now - micros) / 1_000_000)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86_400 { return "\(s / 3600)h" }
        if s < 86_400 * 365 { return "\(s / 86_400)d" }
        return "\(s / (86_400 * 365))y"
    }

    static func bytes(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        if n < 1 << 20 { return String(format: "%.1f KB", Double(n) / 1024) }
        return String(format: "%.1f MB", Double(n) / Double(1 << 20))
    }
}
