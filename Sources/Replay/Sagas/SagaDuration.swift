/// Durations written in `rewind.toml`: "90s", "15m", "2h", "1d", "1h30m" (whole numbers, each
/// followed by a unit: s, m, h, d).
public enum SagaDuration {
    /// Longest duration accepted: a year (keeps the microseconds far from overflow).
    public static let maxSeconds: Int64 = 366 * 86_400

    /// The duration in microseconds, or nil when `text` is not one (or is zero or too long).
    public static func micros(_ text: String) -> Int64? {
        var total: Int64 = 0
        var number: Int64?
        var sawUnit = false
        for c in text.utf8 {
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                let next = (number ?? 0) * 10 + Int64(c - UInt8(ascii: "0"))
                guard next <= maxSeconds else { return nil }
                number = next
                continue
            }
            let unit: Int64
            switch c {
            case UInt8(ascii: "s"): unit = 1
            case UInt8(ascii: "m"): unit = 60
            case UInt8(ascii: "h"): unit = 3_600
            case UInt8(ascii: "d"): unit = 86_400
            default: return nil
            }
            guard let n = number else { return nil }
            total += n * unit
            guard total <= maxSeconds else { return nil }
            number = nil
            sawUnit = true
        }
        guard number == nil, sawUnit, total > 0 else { return nil }
        return total * 1_000_000
    }

    /// "1h30m" for 5,400 s: the largest units first, zero parts left out.
    public static func text(micros: Int64) -> String {
        var seconds = max(0, micros / 1_000_000)
        guard seconds > 0 else { return "0s" }
        var out = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60), ("s", 1)] where seconds >= size {
            out += "\(seconds / size)\(unit)"
            seconds %= size
        }
        return out
    }
}
