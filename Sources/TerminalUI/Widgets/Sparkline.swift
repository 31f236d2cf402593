/// A one-row chart of values using the eight block heights ▁▂▃▄▅▆▇█.
public enum Sparkline {
    static let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The sparkline text for `values`, the newest on the right, `width` columns at most.
    /// Values are scaled to the largest shown; zeros draw as the lowest bar, missing values as spaces.
    public static func text(_ values: [Double?], width: Int) -> String {
        guard width > 0 else { return "" }
        let shown = values.suffix(width)
        let top = shown.compactMap { $0 }.max() ?? 0
        var s = ""
        for v in shown {
            guard let v else { s.append(" "); continue }
            let i = top > 0 ? min(7, Int((v / top) * 7.0 + 0.5)) : 0
            s.append(bars[max(0, i)])
        }
        return s
    }

    /// Values grouped into `width` buckets by summing (for densities).
    public static func buckets(_ counts: [Int], into width: Int) -> [Double] {
        guard width > 0, !counts.isEmpty else { return [] }
        var out = Array(repeating: 0.0, count: width)
        for (i, c) in counts.enumerated() { out[i * width / counts.count] += Double(c) }
        return out
    }
}
