import TerminalUI

/// Colour pairs, allocated on first use and cached: curses draws a cell in a numbered pair of
/// (foreground, background), and a terminal has a fixed number of them (`COLOR_PAIRS`).
///
/// Pair 0 is the terminal's own colours and is never redefined. When every pair is taken, a
/// new combination gets the existing pair nearest to it (by the colours' RGB distance), so a
/// theme with too many combinations degrades to similar colours instead of failing. Pure
/// bookkeeping: defining a pair is the caller's `define` closure, so tests need no terminal.
struct ColorPairTable {
    struct Colors: Hashable {
        var foreground: Color
        var background: Color
    }

    /// Usable pair numbers are 1..<capacity.
    let capacity: Int
    private var numbers: [Colors: Int32] = [:]
    private var defined: [(colors: Colors, number: Int32)] = []

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        numbers[Colors(foreground: .default, background: .default)] = 0
    }

    /// The pair number for `colors`, defining a new pair with `define` when there is room.
    /// `define` returns false when the terminal refuses the pair; the nearest existing pair
    /// (or 0) is used instead and remembered, so a refusal is not retried on every cell.
    mutating func number(for colors: Colors, define: (Int32, Colors) -> Bool) -> Int32 {
        if let n = numbers[colors] { return n }
        let next = defined.count + 1
        if next < capacity, next <= Int(Int32.max), define(Int32(next), colors) {
            numbers[colors] = Int32(next)
            defined.append((colors, Int32(next)))
            return Int32(next)
        }
        let fallback = nearest(to: colors)
        numbers[colors] = fallback
        return fallback
    }

    /// The defined pair closest to `colors` (0, the terminal's colours, when none is closer).
    private func nearest(to colors: Colors) -> Int32 {
        var best: Int32 = 0
        var bestDistance = Self.distance(colors, Colors(foreground: .default, background: .default))
        for (candidate, number) in defined {
            let d = Self.distance(colors, candidate)
            if d < bestDistance {
                bestDistance = d
                best = number
            }
        }
        return best
    }

    /// Background differences count double: they cover a whole cell, text only part of it.
    static func distance(_ a: Colors, _ b: Colors) -> Int {
        distance(a.foreground, b.foreground, isBackground: false) + 2 * distance(a.background, b.background, isBackground: true)
    }

    /// RGB distance, weighted for the eye; `.default` stands for a light-grey text or a
    /// black background, the common terminal defaults.
    static func distance(_ a: Color, _ b: Color, isBackground: Bool) -> Int {
        if a == b { return 0 }
        let assumed: (red: UInt8, green: UInt8, blue: UInt8) = isBackground ? (0, 0, 0) : (229, 229, 229)
        let x = a.rgbComponents ?? assumed
        let y = b.rgbComponents ?? assumed
        let dr = Int(x.red) - Int(y.red), dg = Int(x.green) - Int(y.green), db = Int(x.blue) - Int(y.blue)
        // Something is better than nothing: an exact-looking match with the wrong kind
        // (default vs explicit) still costs a little.
        return 3 * dr * dr + 4 * dg * dg + 2 * db * db + 1
    }
}
