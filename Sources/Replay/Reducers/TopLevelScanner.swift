import JSON
/// Finds the top-level members of a JSON object without building any value: for each member,
/// where its key and its value lie in the bytes. This is the generic fold's hot loop, so it
/// works on raw pointers and skips strings eight bytes at a time.
///
/// It checks structure (braces, quotes, colons, commas, nesting), not every detail of the
/// grammar: a value such as `01` passes here and is caught when the value is materialized
/// (see `GenericFold.json(of:)`). Never reads outside the buffer.
enum TopLevelScanner {
    /// One member: byte offsets into the scanned buffer.
    struct Member {
        var keyStart: Int32
        var keyLength: Int32
        var valueStart: Int32
        var valueLength: Int32
        /// The key holds a backslash escape, so its raw bytes are not its name.
        var keyEscaped: Bool
    }

    /// Scans `bytes` as one JSON object, calling `member` for each top-level member in order.
    /// Returns false (after possibly having reported some members) when the bytes are not a
    /// single JSON object, or are larger than 2 GiB.
    @inline(__always)
    static func scanObject(_ bytes: UnsafeRawBufferPointer, _ member: (Member) -> Void) -> Bool {
        guard let raw = bytes.baseAddress, bytes.count < Int(Int32.max) else { return false }
        let p = raw.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        // A UTF-8 byte order mark may lead the text (as `JSONValue.parse` allows).
        let bom = n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0
        var i = skipSpace(p, bom, n)
        guard i < n, p[i] == UInt8(ascii: "{") else { return false }
        i = skipSpace(p, i + 1, n)
        guard i < n else { return false }
        if p[i] == UInt8(ascii: "}") {
            return skipSpace(p, i + 1, n) == n
        }
        while true {
            guard i < n, p[i] == UInt8(ascii: "\"") else { return false }
            let keyStart = i + 1
            guard let (keyEnd, escaped) = endOfString(p, keyStart, n) else { return false }
            i = skipSpace(p, keyEnd + 1, n)
            guard i < n, p[i] == UInt8(ascii: ":") else { return false }
            i = skipSpace(p, i + 1, n)
            let valueStart = i
            guard let valueEnd = endOfValue(p, i, n) else { return false }
            member(Member(
                keyStart: Int32(truncatingIfNeeded: keyStart), keyLength: Int32(truncatingIfNeeded: keyEnd - keyStart),
                valueStart: Int32(truncatingIfNeeded: valueStart), valueLength: Int32(truncatingIfNeeded: valueEnd - valueStart),
                keyEscaped: escaped))
            i = skipSpace(p, valueEnd, n)
            guard i < n else { return false }
            if p[i] == UInt8(ascii: ",") {
                i = skipSpace(p, i + 1, n)
                continue
            }
            guard p[i] == UInt8(ascii: "}") else { return false }
            return skipSpace(p, i + 1, n) == n
        }
    }

    @inline(__always)
    static func skipSpace(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int {
        var i = start
        while i < n {
            switch p[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return i
            }
        }
        return i
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Nonzero where a byte of `word` equals `byte`; the lowest set bit is exact.
    @inline(__always)
    private static func matches(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & highs
    }

    /// The index of the quote closing a string whose contents start at `start`, and whether
    /// it holds an escape; nil when it runs past the end.
    @inline(__always)
    static func endOfString(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> (Int, Bool)? {
        var i = start
        var escaped = false
        while true {
            // Eight bytes at a time while no quote or backslash is among them.
            while i + 8 <= n {
                let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self).littleEndian
                let hit = matches(word, UInt8(ascii: "\"")) | matches(word, UInt8(ascii: "\\"))
                if hit != 0 {
                    i += hit.trailingZeroBitCount >> 3
                    break
                }
                i += 8
            }
            while i < n, p[i] != UInt8(ascii: "\""), p[i] != UInt8(ascii: "\\") { i += 1 }
            guard i < n else { return nil }
            if p[i] == UInt8(ascii: "\"") { return (i, escaped) }
            escaped = true
            i += 2  // the backslash and the character it escapes
            if i > n { return nil }
        }
    }

    /// The index just past the value starting at `start`; nil when malformed or cut short.
    @inline(__always)
    static func endOfValue(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int? {
        guard start < n else { return nil }
        switch p[start] {
        case UInt8(ascii: "\""):
            guard let (end, _) = endOfString(p, start + 1, n) else { return nil }
            return end + 1
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            return endOfContainer(p, start, n)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            var i = start + 1
            while i < n {
                switch p[i] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: return i
                case UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: ":"): return nil
                default: i += 1
                }
            }
            return i
        default:
            return nil
        }
    }

    /// Skips a nested object or array, matching brackets by kind.
    private static func endOfContainer(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int? {
        // Open brackets as a bit stack: 1 = object, 0 = array; deeper than 64 falls back to an array.
        var stack: UInt64 = 0
        var deep: [Bool] = []
        var depth = 0
        var i = start
        while i < n {
            let c = p[i]
            switch c {
            case UInt8(ascii: "\""):
                guard let (end, _) = endOfString(p, i + 1, n) else { return nil }
                i = end + 1
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = c == UInt8(ascii: "{")
                if depth < 64 {
                    stack = stack << 1 | (isObject ? 1 : 0)
                } else {
                    deep.append(isObject)
                }
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { return nil }
                let wasObject: Bool
                if depth > 64, let last = deep.popLast() {
                    wasObject = last
                } else {
                    wasObject = stack & 1 == 1
                    stack >>= 1
                }
                guard wasObject == (c == UInt8(ascii: "}")) else { return nil }
                depth -= 1
                if depth == 0 { return i + 1 }
            default:
                break
            }
            i += 1
        }
        return nil
    }
}
