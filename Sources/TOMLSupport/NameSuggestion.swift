/// "Did you mean …?" for a mistyped name, in `rewind.toml` and in theme files alike: the
/// closest candidate within a small edit distance.
///
/// Case, `-` and `_` are ignored when comparing (`lag_warning` finds `lagWarning`), swapping
/// two neighbours is one edit (`nmae` → `name`), and a word of three letters or more that
/// begins the candidate (or that the candidate begins) is a match (`proj` → `projections`).
public enum NameSuggestion {
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let target = normalized(word)
        guard !target.isEmpty else { return nil }
        var best: (distance: Int, name: String)?
        for candidate in candidates {
            let other = normalized(candidate)
            let prefix = target.count >= 3 && (other.starts(with: target) || target.starts(with: other))
            let d = other == target || prefix ? 0 : distance(target, other)
            let allowed = max(1, min(3, other.count / 3))
            if d <= allowed, best.map({ d < $0.distance }) ?? true {
                best = (d, candidate)
            }
        }
        return best?.name
    }

    static func normalized(_ s: String) -> [Character] {
        Array(s.lowercased().filter { $0 != "-" && $0 != "_" })
    }

    /// Edit distance where swapping two neighbours counts as one edit (optimal string alignment).
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var row = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    row[j] = min(row[j], before[j - 2] + 1)
                }
            }
            before = previous
            previous = row
        }
        return previous[b.count]
    }
}
