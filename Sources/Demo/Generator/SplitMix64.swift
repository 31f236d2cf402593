/// A small, fast, seedable pseudo-random generator (SplitMix64, Steele, Lea and Flood 2014):
/// the same seed gives the same sequence on every platform and Swift version, which is what
/// makes the sample generators reproducible byte for byte.
///
/// Every helper here uses integer arithmetic only (no `log`, no `Double` rounding that a libm
/// could change), and none goes through the standard library's `random(in:using:)`, whose
/// algorithm is not promised to stay the same.
public struct SplitMix64: Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (Lemire's multiply-shift; the bias is below 2^-40 for the
    /// bounds used here). `bound` must be positive.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "SplitMix64.below: the bound must be positive")
        return Int(UInt64(bound).multipliedFullWidth(by: next()).high)
    }

    /// A number in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `percent` / 100.
    public mutating func chance(_ percent: Int) -> Bool {
        below(100) < percent
    }

    /// One element of a non-empty array.
    public mutating func pick<T>(_ items: [T]) -> T {
        items[below(items.count)]
    }

    /// The index of one of `weights`, each chosen in proportion to its weight (at least one
    /// must be positive).
    public mutating func weighted(_ weights: [Int]) -> Int {
        let total = weights.reduce(0) { $0 + max(0, $1) }
        precondition(total > 0, "SplitMix64.weighted: no positive weight")
        var roll = below(total)
        for (i, w) in weights.enumerated() where w > 0 {
            if roll < w { return i }
            roll -= w
        }
        return weights.count - 1
    }

    /// A random (version 4 shaped) UUID drawn from this generator.
    public mutating func uuidParts() -> (high: UInt64, low: UInt64) {
        let high = (next() & ~0xF000) | 0x4000
        let low = (next() & ~0xC000_0000_0000_0000) | 0x8000_0000_0000_0000
        return (high, low)
    }

    /// `count` characters from `alphabet`.
    public mutating func code(_ count: Int, from alphabet: String = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789") -> String {
        let letters = Array(alphabet)
        return String((0..<count).map { _ in letters[below(letters.count)] })
    }
}
