/// A colour as a theme names it; the backend reduces it to what the terminal can show.
///
/// `.default` is the terminal's own foreground or background. `.indexed` covers the 8/16 ANSI
/// colours (0–15) and the xterm 256-colour cube; `.rgb` is reduced to the nearest indexed
/// colour on terminals without direct colour.
public enum Color: Sendable, Hashable {
    case `default`
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    /// The closest colour a terminal with `depth` can show.
    public func reduced(to depth: ColorDepth) -> Color {
        switch (self, depth) {
        case (_, .none): return .default
        case (.default, _): return .default
        case (.rgb, .trueColor): return self
        case (.indexed(let i), .trueColor), (.indexed(let i), .colors256):
            return .indexed(i)
        case (.rgb(let r, let g, let b), .colors256):
            return .indexed(Color.nearest256(r, g, b))
        case (.indexed(let i), .colors16):
            if i < 16 { return self }
            let (r, g, b) = Color.rgbOf(index: i)
            return .indexed(Color.nearestANSI(r, g, b, count: 16))
        case (.indexed(let i), .colors8):
            if i < 8 { return self }
            if i < 16 { return .indexed(i - 8) }
            let (r, g, b) = Color.rgbOf(index: i)
            return .indexed(Color.nearestANSI(r, g, b, count: 8))
        case (.rgb(let r, let g, let b), .colors16):
            return .indexed(Color.nearestANSI(r, g, b, count: 16))
        case (.rgb(let r, let g, let b), .colors8):
            return .indexed(Color.nearestANSI(r, g, b, count: 8))
        }
    }

    /// Parses `#rrggbb`, `#rgb`, `default`, a 0–255 index, or an ANSI name (`red`, `bright-blue`).
    public init?(parsing text: String) {
        let t = text.lowercased()
        if t == "default" || t == "none" { self = .default; return }
        if let n = UInt8(t) { self = .indexed(n); return }
        if let i = Color.ansiNames.firstIndex(of: t) { self = .indexed(UInt8(i)); return }
        guard t.hasPrefix("#") else { return nil }
        let hex = Array(t.dropFirst())
        func nibble(_ c: Character) -> UInt8? { c.hexDigitValue.map { UInt8($0) } }
        if hex.count == 6 {
            var bytes: [UInt8] = []
            for i in stride(from: 0, to: 6, by: 2) {
                guard let hi = nibble(hex[i]), let lo = nibble(hex[i + 1]) else { return nil }
                bytes.append(hi << 4 | lo)
            }
            self = .rgb(bytes[0], bytes[1], bytes[2])
        } else if hex.count == 3 {
            var bytes: [UInt8] = []
            for c in hex {
                guard let v = nibble(c) else { return nil }
                bytes.append(v << 4 | v)
            }
            self = .rgb(bytes[0], bytes[1], bytes[2])
        } else {
            return nil
        }
    }

    /// The colour as red, green and blue (xterm's defaults for an indexed colour); nil for
    /// `.default`, whose value only the terminal knows. Backends use it to pick the nearest
    /// colour they can show.
    public var rgbComponents: (red: UInt8, green: UInt8, blue: UInt8)? {
        switch self {
        case .default: return nil
        case .rgb(let r, let g, let b): return (r, g, b)
        case .indexed(let i):
            let (r, g, b) = Color.rgbOf(index: i)
            return (UInt8(r), UInt8(g), UInt8(b))
        }
    }

    public static let ansiNames = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow", "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
    ]

    /// The xterm default RGB of the 16 ANSI colours.
    static let ansiRGB: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    static func rgbOf(index i: UInt8) -> (Int, Int, Int) {
        if i < 16 { let c = ansiRGB[Int(i)]; return (Int(c.0), Int(c.1), Int(c.2)) }
        if i >= 232 { let v = 8 + 10 * Int(i - 232); return (v, v, v) }
        let n = Int(i) - 16
        return (cubeLevels[n / 36], cubeLevels[(n / 6) % 6], cubeLevels[n % 6])
    }

    static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        // Weighted for the eye's sensitivity (green most, blue least).
        let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
        return 3 * dr * dr + 4 * dg * dg + 2 * db * db
    }

    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let target = (Int(r), Int(g), Int(b))
        var best: UInt8 = 16
        var bestDistance = Int.max
        for i in 16...255 {
            let d = distance(target, rgbOf(index: UInt8(i)))
            if d < bestDistance { bestDistance = d; best = UInt8(i) }
        }
        return best
    }

    /// The ANSI colour (0–7, or 0–15 when `count` is 16) that keeps `r, g, b`'s meaning.
    ///
    /// Chosen by hue, not by RGB distance: the 16 colours' real values are the user's own
    /// palette, and a distance to xterm's saturated defaults sends soft theme colours to the
    /// wrong hue (a pastel red to magenta, a sage green to yellow). Greys go to black or white
    /// (and bright black or bright white with 16); other colours to the hue's sector, bright
    /// when the colour is light.
    static func nearestANSI(_ r: Int, _ g: Int, _ b: Int, count: Int) -> UInt8 {
        let high = max(r, g, b), low = min(r, g, b)
        let chroma = high - low
        let lightness = (high + low) / 2
        if chroma < 40 || chroma * 100 < high * 20 {
            if count < 16 { return lightness < 100 ? 0 : 7 }
            switch lightness {
            case ..<50: return 0
            case ..<150: return 8
            case ..<220: return 7
            default: return 15
            }
        }
        var hue: Int
        if high == r {
            hue = 60 * (g - b) / chroma
        } else if high == g {
            hue = 120 + 60 * (b - r) / chroma
        } else {
            hue = 240 + 60 * (r - g) / chroma
        }
        hue = (hue + 360) % 360
        // Sectors of 60° centred on red, yellow, green, cyan, blue, magenta; orange (about
        // 30°) leans to yellow, which is how terminals usually show "warning".
        let sector = ((hue + 35) / 60) % 6
        let ansi: [UInt8] = [1, 3, 2, 6, 4, 5]
        let base = ansi[sector]
        return count >= 16 && lightness >= 150 && high >= 200 ? base + 8 : base
    }

    static func nearestANSI(_ r: UInt8, _ g: UInt8, _ b: UInt8, count: Int) -> UInt8 {
        nearestANSI(Int(r), Int(g), Int(b), count: count)
    }
}

/// How many colours a terminal shows. `.none` is monochrome (or `NO_COLOR`): attributes only.
public enum ColorDepth: Int, Sendable, Comparable, CustomStringConvertible {
    case none = 0, colors8 = 8, colors16 = 16, colors256 = 256, trueColor = 16_777_216

    /// The depth for a terminal reporting `count` colours (ncurses `COLORS`).
    public init(colorCount count: Int) {
        switch count {
        case ..<8: self = .none
        case 8..<16: self = .colors8
        case 16..<256: self = .colors16
        case 256..<16_777_216: self = .colors256
        default: self = .trueColor
        }
    }

    public static func < (a: ColorDepth, b: ColorDepth) -> Bool { a.rawValue < b.rawValue }
    public var description: String { self == .none ? "no colour" : "\(rawValue) colours" }
}
