// String decoding for JSONParser: a word-at-a-time scan for the common case, escapes and
// UTF-8 validation for the rest.

extension JSONParser {
    /// Reads a string's contents and closing quote; `position` is just past the opening quote.
    mutating func parseString() throws(JSONParseError) -> String {
        let quote = position - 1
        let contentStart = position
        var nonASCII = try scanRun(quote: quote)
        if self[position] == UInt8(ascii: "\"") {
            // Fast path: no escapes, build the String straight from the input.
            let content = UnsafeBufferPointer(start: base + contentStart, count: position - contentStart)
            position += 1
            return try makeString(content, nonASCII: nonASCII, sourceStart: contentStart)
        }

        scratch.removeAll(keepingCapacity: true)
        var runStart = contentStart
        while true {
            scratch.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: position - runStart))
            if self[position] == UInt8(ascii: "\"") { break }
            try parseEscape(quote: quote)
            runStart = position
            if try scanRun(quote: quote) { nonASCII = true }
        }
        position += 1
        let result = scratch.withUnsafeBufferPointer { content in
            Result { () throws(JSONParseError) -> String in
                try makeString(content, nonASCII: nonASCII, sourceStart: contentStart)
            }
        }
        return try result.get()
    }

    /// Builds a String from UTF-8 that still needs validating when it has non-ASCII raw bytes.
    ///
    /// Escapes only ever produce valid UTF-8 and are ASCII in the source, so on failure the first
    /// invalid byte is found by scanning the source from `sourceStart`.
    private func makeString(
        _ content: UnsafeBufferPointer<UInt8>, nonASCII: Bool, sourceStart: Int
    ) throws(JSONParseError) -> String {
        guard nonASCII else { return String(decoding: content, as: UTF8.self) }
        if let text = String(validating: content, as: UTF8.self) { return text }
        let source = UnsafeBufferPointer(start: base + sourceStart, count: count - sourceStart)
        throw error(.invalidUTF8, at: sourceStart + (UTF8Validation.firstInvalidOffset(in: source) ?? 0))
    }

    /// Advances to the next `"` or `\` of the current string; returns whether it passed bytes
    /// >= 0x80 (it may also say so for bytes just after the stop, which only costs a check).
    private mutating func scanRun(quote: Int) throws(JSONParseError) -> Bool {
        var highBits: UInt64 = 0
        while true {
            while position + 8 <= count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
                highBits |= word
                let stops = Self.stopMask(word)
                if stops != 0 {
                    position += stops.trailingZeroBitCount >> 3
                    break
                }
                position += 8
            }
            guard position < count else { throw error(.unterminatedString, at: quote) }
            let byte = self[position]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return highBits & 0x8080_8080_8080_8080 != 0
            }
            if byte < 0x20 { throw error(.unescapedControlCharacter(byte), at: position) }
            highBits |= UInt64(byte)
            position += 1
        }
    }

    /// Marks (bit 7 of each byte) every `"`, `\` or control byte in `word`.
    ///
    /// Each test is exact about the lowest marked byte, which is all the caller uses: a false mark
    /// can only sit above a true one.
    @inline(__always)
    private static func stopMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let isQuote = (quotes &- ones) & ~quotes
        let isBackslash = (backslashes &- ones) & ~backslashes
        let isControl = (word &- ones &* 0x20) & ~word
        return (isQuote | isBackslash | isControl) & highs
    }

    /// Decodes the escape at `position` (a backslash) into `scratch`.
    private mutating func parseEscape(quote: Int) throws(JSONParseError) {
        position += 1
        guard position < count else { throw error(.unterminatedString, at: quote) }
        let byte = self[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(byte)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try readHex4(quote: quote)
            var scalar = unit
            if (0xD800...0xDBFF).contains(unit) {
                if let low = peekLowSurrogateEscape() {
                    scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    position += 6
                } else {
                    scalar = 0xFFFD
                }
            } else if (0xDC00...0xDFFF).contains(unit) {
                scalar = 0xFFFD
            }
            appendUTF8(scalar)
        default:
            throw error(.invalidEscape, at: position - 1)
        }
    }

    private mutating func readHex4(quote: Int) throws(JSONParseError) -> UInt32 {
        var unit: UInt32 = 0
        for _ in 0..<4 {
            guard position < count else { throw error(.unterminatedString, at: quote) }
            guard let digit = Self.hexValue(self[position]) else {
                throw error(.invalidUnicodeEscape, at: position)
            }
            unit = unit << 4 | digit
            position += 1
        }
        return unit
    }

    /// The low surrogate of a `\uDC00`...`\uDFFF` escape at `position`, without consuming it.
    private func peekLowSurrogateEscape() -> UInt32? {
        guard position + 6 <= count, self[position] == UInt8(ascii: "\\"),
              self[position + 1] == UInt8(ascii: "u") else { return nil }
        var unit: UInt32 = 0
        for offset in 2..<6 {
            guard let digit = Self.hexValue(self[position + offset]) else { return nil }
            unit = unit << 4 | digit
        }
        return (0xDC00...0xDFFF).contains(unit) ? unit : nil
    }

    @inline(__always)
    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// Appends a scalar (never a surrogate; at most U+10FFFF) to `scratch` as UTF-8.
    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}


/// UTF-8 well-formedness as RFC 3629 defines it (no overlongs, surrogates or values past U+10FFFF).
enum UTF8Validation {
    /// What a lead byte of a well-formed UTF-8 sequence (RFC 3629) promises: the sequence's
    /// length and the range its second byte must lie in (excluding overlongs, surrogates and
    /// code points past U+10FFFF); nil for a byte that cannot lead one (ASCII included).
    @inline(__always)
    static func sequence(lead: UInt8) -> (length: Int, low: UInt8, high: UInt8)? {
        switch lead {
        case 0xC2...0xDF: return (2, 0x80, 0xBF)
        case 0xE0: return (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: return (3, 0x80, 0xBF)
        case 0xED: return (3, 0x80, 0x9F)
        case 0xF0: return (4, 0x90, 0xBF)
        case 0xF1...0xF3: return (4, 0x80, 0xBF)
        case 0xF4: return (4, 0x80, 0x8F)
        default: return nil
        }
    }

    /// The offset of the first byte that does not begin a well-formed sequence, or nil if none.
    ///
    /// Only used to locate an error after the standard library has refused the bytes.
    static func firstInvalidOffset(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            guard let (length, low, high) = sequence(lead: lead), index + length <= bytes.count,
                  bytes[index + 1] >= low, bytes[index + 1] <= high else { return index }
            for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 {
                return index
            }
            index += length
        }
        return nil
    }
}
