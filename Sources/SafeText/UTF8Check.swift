/// UTF-8 validation that says where the first bad byte is, and a decoder that keeps going past
/// bad bytes (for showing them escaped).
///
/// Follows the Unicode well-formedness table (Unicode 15, table 3-7): no overlong forms, no
/// surrogates (ED A0–BF), nothing above U+10FFFF. A bad sequence is reported one byte at a
/// time: the lead byte is invalid and decoding resumes at the next byte.
public enum UTF8Check {
    /// Where a byte sequence stops being UTF-8.
    public struct Problem: Sendable, Equatable {
        /// 0-based offset of the first byte that is not part of a valid sequence.
        public var offset: Int
        /// 1-based line of that byte (lines end with `\n`).
        public var line: Int
        /// 1-based column in bytes.
        public var column: Int
    }

    /// One step of decoding: a scalar, or a byte that does not start a valid sequence.
    public enum Piece: Sendable, Equatable {
        case scalar(Unicode.Scalar)
        case invalid(UInt8)
    }

    /// The first invalid byte of `bytes`, or nil when all of it is UTF-8.
    public static func firstProblem(in bytes: some Collection<UInt8>) -> Problem? {
        var offset = 0, line = 1, lineStart = 0
        var problem: Problem?
        decode(bytes) { piece in
            guard problem == nil else { return }
            switch piece {
            case .invalid:
                problem = Problem(offset: offset, line: line, column: offset - lineStart + 1)
            case .scalar(let u):
                offset += UTF8.width(u)
                if u == "\n" { line += 1; lineStart = offset }
            }
        }
        return problem
    }

    /// Calls `body` for each scalar or invalid byte of `bytes`, in order.
    public static func decode(_ bytes: some Collection<UInt8>, _ body: (Piece) -> Void) {
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let b0 = bytes[i]
            if b0 < 0x80 {
                body(.scalar(Unicode.Scalar(b0)))
                i = bytes.index(after: i)
                continue
            }
            let (count, low, high): (Int, UInt8, UInt8)
            switch b0 {
            case 0xC2...0xDF: (count, low, high) = (2, 0x80, 0xBF)
            case 0xE0: (count, low, high) = (3, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (count, low, high) = (3, 0x80, 0xBF)
            case 0xED: (count, low, high) = (3, 0x80, 0x9F)
            case 0xF0: (count, low, high) = (4, 0x90, 0xBF)
            case 0xF1...0xF3: (count, low, high) = (4, 0x80, 0xBF)
            case 0xF4: (count, low, high) = (4, 0x80, 0x8F)
            default: (count, low, high) = (0, 0, 0)
            }
            var value = UInt32(b0) & (count == 2 ? 0x1F : count == 3 ? 0x0F : 0x07)
            var j = bytes.index(after: i)
            var ok = count > 0
            var n = 1
            while ok, n < count {
                guard j != bytes.endIndex else { ok = false; break }
                let b = bytes[j]
                let (lo, hi): (UInt8, UInt8) = n == 1 ? (low, high) : (0x80, 0xBF)
                guard b >= lo, b <= hi else { ok = false; break }
                value = value << 6 | UInt32(b & 0x3F)
                j = bytes.index(after: j)
                n += 1
            }
            if ok, let scalar = Unicode.Scalar(value) {
                body(.scalar(scalar))
                i = j
            } else {
                body(.invalid(b0))
                i = bytes.index(after: i)
            }
        }
    }
}
