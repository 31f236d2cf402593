/// Copies JSON text into the compact form `JSONValue.serializedBytes()` prints, without building
/// the value, whenever the copy is certainly byte for byte what parsing and printing would give.
///
/// Importing a million events spent most of its time building values only to print them
/// again. This copier handles the common text fast and refuses (returns nil) anything where
/// the printer could differ from the input or where the strict parser's verdict needs the
/// parser: strings with escapes or controls, malformed UTF-8, characters the printer escapes
/// for terminals, keys beyond printable ASCII, numbers with an exponent or a fraction the
/// printer would write otherwise (`1.50`, `2.0`, more than 15 digits), `-0`, integers over 18 digits, objects over 16 members or with a repeated key,
/// nesting deeper than 64. The caller then parses and prints as before, which also gives the
/// error when the text is not JSON. What it accepts is valid JSON.
public struct JSONCompactCopier {
    /// The copy so far; callers take it and clear it.
    public var output: [UInt8] = []
    /// Each open object's keys (start, length in the input), for the repeated-key check.
    private var keys: [(Int, Int)] = []
    private var keyStarts: [Int] = []

    public init() {
        output.reserveCapacity(1024)
        keys.reserveCapacity(64)
        keyStarts.reserveCapacity(64)
    }

    /// Appends the compact form of the value that starts at `position` (after optional
    /// whitespace) to `output`; returns the index after the value, or nil when the copier
    /// cannot vouch for the result (`output` then holds garbage past its old end).
    ///
    /// The compact form is the input without its whitespace, so the copy appends runs of the
    /// input between whitespace: one append for text that is already compact.
    public mutating func copyValue(_ p: UnsafePointer<UInt8>, count n: Int, from position: Int) -> Int? {
        var i = position
        var run = position
        // Bit d of `objects` is set when the container at depth d + 1 is an object.
        var objects: UInt64 = 0
        var depth = 0
        keys.removeAll(keepingCapacity: true)
        keyStarts.removeAll(keepingCapacity: true)
        while true {
            // A value starts at i (after whitespace).
            i = skip(p, n, i, &run)
            guard i < n else { return nil }
            switch p[i] {
            case UInt8(ascii: "{"):
                i = skip(p, n, i + 1, &run)
                guard i < n else { return nil }
                if p[i] == UInt8(ascii: "}") {
                    i += 1
                } else {
                    guard depth < 64 else { return nil }
                    objects |= 1 << UInt64(depth)
                    depth += 1
                    keyStarts.append(keys.count)
                    guard let next = key(p, n, i, &run) else { return nil }
                    i = next
                    continue
                }
            case UInt8(ascii: "["):
                i = skip(p, n, i + 1, &run)
                guard i < n else { return nil }
                if p[i] == UInt8(ascii: "]") {
                    i += 1
                } else {
                    guard depth < 64 else { return nil }
                    objects &= ~(1 << UInt64(depth))
                    depth += 1
                    continue
                }
            case UInt8(ascii: "\""):
                guard let end = Self.textStringEnd(p, n, i) else { return nil }
                i = end
            case UInt8(ascii: "t"):
                guard let end = Self.literal(p, n, i, "true") else { return nil }
                i = end
            case UInt8(ascii: "f"):
                guard let end = Self.literal(p, n, i, "false") else { return nil }
                i = end
            case UInt8(ascii: "n"):
                guard let end = Self.literal(p, n, i, "null") else { return nil }
                i = end
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard let end = Self.integerEnd(p, n, i) ?? Self.decimalEnd(p, n, i) else { return nil }
                i = end
            default:
                return nil
            }
            // A value ended: close containers until one expects another value.
            while true {
                if depth == 0 {
                    output.append(contentsOf: UnsafeBufferPointer(start: p + run, count: i - run))
                    return i
                }
                i = skip(p, n, i, &run)
                guard i < n else { return nil }
                let inObject = objects & (1 << UInt64(depth - 1)) != 0
                let c = p[i]
                i += 1
                if c == UInt8(ascii: ",") {
                    if inObject {
                        guard let next = key(p, n, skip(p, n, i, &run), &run) else { return nil }
                        i = next
                    }
                    break
                }
                guard c == (inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { return nil }
                if inObject, let start = keyStarts.popLast() { keys.removeSubrange(start...) }
                depth -= 1
            }
        }
    }

    /// Skips whitespace at `i`; when there is some, first appends the run of input before it
    /// and starts the next run after it.
    @inline(__always)
    private mutating func skip(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ run: inout Int) -> Int {
        let next = Self.skipSpace(p, n, i)
        if next != i {
            output.append(contentsOf: UnsafeBufferPointer(start: p + run, count: i - run))
            run = next
        }
        return next
    }

    /// Checks `"key":` at `i` (a simple string, not repeated in its object); returns the index
    /// where the member's value starts. Keys stay ASCII: the parser compares keys as Swift
    /// strings (canonically equivalent texts are one key), the repeat check compares bytes.
    private mutating func key(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ run: inout Int) -> Int? {
        guard i < n, p[i] == UInt8(ascii: "\""), let end = Self.simpleStringEnd(p, n, i) else { return nil }
        let first = keyStarts.last ?? 0
        guard keys.count - first < 16 else { return nil }
        let length = end - i
        for k in first..<keys.count where keys[k].1 == length {
            if memcmp(p + keys[k].0, p + i, length) == 0 { return nil }
        }
        keys.append((i, length))
        let colon = skip(p, n, end, &run)
        guard colon < n, p[colon] == UInt8(ascii: ":") else { return nil }
        return colon + 1
    }

    @inline(__always)
    private static func literal(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ text: StaticString) -> Int? {
        let length = text.utf8CodeUnitCount
        guard i + length <= n, memcmp(p + i, text.utf8Start, length) == 0 else { return nil }
        return i + length
    }

    /// `simpleStringEnd` for string values that may hold text beyond ASCII: well-formed UTF-8
    /// (as the parser requires) without the characters the printer escapes
    /// (`JSONPrinter.isTerminalHazard`), so the printer copies the string as it is.
    public static func textStringEnd(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int? {
        var i = start + 1
        while true {
            i = plainASCIIEnd(p, n, i)
            guard i < n else { return nil }
            let c = p[i]
            if c == UInt8(ascii: "\"") { return i + 1 }
            if c < 0x80 {
                guard c >= 0x20, c != 0x7F, c != UInt8(ascii: "\\") else { return nil }
                i += 1
                continue
            }
            guard let next = utf8CharacterEnd(p, n, i) else { return nil }
            i = next
        }
    }

    /// The index after the well-formed UTF-8 sequence (RFC 3629) whose lead byte is at `i`,
    /// unless it is malformed or a character the printer escapes.
    @inline(__always)
    static func utf8CharacterEnd(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> Int? {
        let lead = p[i]
        guard let (length, low, high) = UTF8Validation.sequence(lead: lead), i + length <= n else { return nil }
        let second = p[i + 1]
        guard second >= low, second <= high else { return nil }
        switch length {
        case 2:
            let value = UInt16(lead & 0x1F) << 6 | UInt16(second & 0x3F)
            return JSONPrinter.isTerminalHazard(value) ? nil : i + 2
        case 3:
            let third = p[i + 2]
            guard third & 0xC0 == 0x80 else { return nil }
            let value = UInt16(lead & 0x0F) << 12 | UInt16(second & 0x3F) << 6 | UInt16(third & 0x3F)
            return JSONPrinter.isTerminalHazard(value) ? nil : i + 3
        default:
            guard p[i + 2] & 0xC0 == 0x80, p[i + 3] & 0xC0 == 0x80 else { return nil }
            return i + 4
        }
    }

    @inline(__always)
    public static func skipSpace(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
        var i = start
        while i < n {
            let c = p[i]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return i }
            i += 1
        }
        return i
    }

    /// The index after the closing quote of the string whose opening quote is at `i`, when
    /// every byte in it is printable ASCII other than `\` (the printer copies those as they are).
    @inline(__always)
    public static func simpleStringEnd(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int? {
        var i = plainASCIIEnd(p, n, start + 1)
        while i < n {
            let c = p[i]
            if c == UInt8(ascii: "\"") { return i + 1 }
            guard c >= 0x20, c < 0x7F, c != UInt8(ascii: "\\") else { return nil }
            i += 1
        }
        return nil
    }

    /// The first index from `start` whose byte is not plain string text: below 0x20, at or above
    /// 0x7F, `"` or `\`. Eight bytes at a time; the last few bytes (fewer than eight) are left
    /// to the caller's byte loop, which decides what the stopping byte means.
    @inline(__always)
    static func plainASCIIEnd(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
        var i = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        while i + 8 <= n {
            let word = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
            let low = (word &- ones &* 0x20) & ~word
            let high = (word &+ ones &* 0x01) | word
            let quote = ((word ^ (ones &* 0x22)) &- ones) & ~(word ^ (ones &* 0x22))
            let backslash = ((word ^ (ones &* 0x5C)) &- ones) & ~(word ^ (ones &* 0x5C))
            let marks = (low | high | quote | backslash) & (ones &* 0x80)
            if marks != 0 { return i + marks.trailingZeroBitCount >> 3 }
            i += 8
        }
        return i
    }

    /// The index after a canonical integer at `i` (`-?(0|[1-9][0-9]*)`, at most 18 digits, not
    /// `-0`, not followed by a fraction or an exponent): printed back exactly as written.
    @inline(__always)
    /// The end of a number with a fraction that the printer writes back exactly as it is
    /// written: `-?(0|[1-9][0-9]*)\.[0-9]+`, no exponent, at most 15 digits in all (so the
    /// parser reads it exactly, by one division of exact doubles), not integral, and spelled as
    /// `Double.description` spells the value (`JSONPrinter.writeDouble`): `12.5` and `0.001` are
    /// copied, `12.50`, `2.0` and `0.00001` (printed `1e-05`) are not. Amounts in event data
    /// are mostly such numbers.
    static func decimalEnd(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int? {
        var i = start
        let negative = p[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        let first = i
        var significand: UInt64 = 0
        while i < n, p[i] &- UInt8(ascii: "0") < 10 {
            significand = significand &* 10 &+ UInt64(p[i] &- UInt8(ascii: "0"))
            i += 1
        }
        let integerDigits = i - first
        guard integerDigits >= 1, integerDigits <= 15, i < n, p[i] == UInt8(ascii: ".") else { return nil }
        if p[first] == UInt8(ascii: "0") && integerDigits > 1 { return nil }
        i += 1
        let fractionStart = i
        while i < n, p[i] &- UInt8(ascii: "0") < 10 {
            significand = significand &* 10 &+ UInt64(p[i] &- UInt8(ascii: "0"))
            i += 1
        }
        let fractionDigits = i - fractionStart
        guard fractionDigits >= 1, integerDigits + fractionDigits <= 15 else { return nil }
        if i < n, p[i] | 0x20 == UInt8(ascii: "e") { return nil }
        // The parser's value (Clinger's fast path: both operands exact), and the printer's text.
        let magnitude = Double(significand) / JSONParser.exactPowersOfTen[fractionDigits]
        let value = negative ? -magnitude : magnitude
        guard value != value.rounded(.towardZero) else { return nil }
        var text = value.description
        let length = i - start
        let same = text.withUTF8 { t in
            guard t.count == length, let q = t.baseAddress else { return false }
            return memcmp(q, p + start, length) == 0
        }
        return same ? i : nil
    }

    public static func integerEnd(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int? {
        var i = start
        let negative = p[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        let first = i
        while i < n, p[i] &- UInt8(ascii: "0") < 10 { i += 1 }
        let digits = i - first
        guard digits >= 1, digits <= 18 else { return nil }
        if p[first] == UInt8(ascii: "0") && (digits > 1 || negative) { return nil }
        if i < n, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") { return nil }
        return i
    }
}

#if canImport(Glibc)
import Glibc  // memcmp only: no system calls
#elseif canImport(Darwin)
import Darwin  // memcmp only: no system calls
#endif
