import SafeText

/// Parses sizes such as "4096", "64KiB", "128MiB", "1GiB", "64MB", "2g".
enum Sizes {
    static func parse(_ text: String) -> Int? {
        let t = text.trimmed().lowercased()
        let digits = t.prefix(while: { $0.isNumber })
        guard let n = Int(digits), !digits.isEmpty else { return nil }
        let unit = t.dropFirst(digits.count)
        let multiplier: Int
        switch unit {
        case "", "b": multiplier = 1
        case "k", "kb", "kib": multiplier = 1 << 10
        case "m", "mb", "mib": multiplier = 1 << 20
        case "g", "gb", "gib": multiplier = 1 << 30
        default: return nil
        }
        let (value, overflow) = n.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : value
    }
}

/// "1 event", "2 events".
func plural(_ n: Int, _ noun: String) -> String {
    n == 1 ? "1 \(noun)" : "\(n) \(noun)\(noun.hasSuffix("ch") ? "es" : "s")"
}
