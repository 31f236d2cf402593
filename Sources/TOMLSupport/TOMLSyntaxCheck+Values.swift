import SafeText

/// Values: strings, numbers, booleans, dates and times, arrays and inline tables (TOML 1.0).
extension TOMLSyntaxCheck {
    static let valueForms = "a quoted string, a number, true or false, a date, an array [...] or an inline table {...}"

    mutating func value(path: [String], depth: Int, record: Bool) throws(Failure) {
        guard let c = current else { throw fail("expected a value, found the end of the file", fix: "write " + Self.valueForms) }
        switch c {
        case 0x22:
            if at("\"\"\"") { try multilineString(quote: 0x22) } else { advance(); _ = try basicString() }
        case 0x27:
            if at("'''") { try multilineString(quote: 0x27) } else { advance(); _ = try literalString() }
        case 0x5B:
            guard depth < Self.maxDepth else { throw fail("arrays and inline tables nested more than \(Self.maxDepth) deep") }
            try array(depth: depth + 1)
        case 0x7B:
            guard depth < Self.maxDepth else { throw fail("arrays and inline tables nested more than \(Self.maxDepth) deep") }
            try inlineTable(path: path, depth: depth + 1, record: record)
        default:
            try scalar()
        }
    }

    /// After the opening `"`: the decoded text, through the closing quote.
    mutating func basicString() throws(Failure) -> String {
        var out: [UInt8] = []
        while true {
            guard let c = current else { throw fail("the string has no closing quote (\")") }
            if c == 0x22 { advance(); return String(decoding: out, as: UTF8.self) }
            if c == 0x0A || c == 0x0D {
                throw fail("the string has no closing quote on its line", fix: "close it with \" on the same line, or use \"\"\" for a multi-line string")
            }
            if Self.isControl(c) { throw fail("a control character (\(here)) in a string", fix: "write it as an escape, e.g. \\u0007") }
            if c == 0x5C {
                out.append(contentsOf: try escape())
            } else {
                out.append(c)
                advance()
            }
        }
    }

    /// At a backslash: one escape sequence, decoded.
    mutating func escape() throws(Failure) -> [UInt8] {
        advance()
        guard let e = current else { throw fail("the string ends inside an escape") }
        let simple: [UInt8: UInt8] = [0x62: 8, 0x74: 9, 0x6E: 10, 0x66: 12, 0x72: 13, 0x22: 0x22, 0x5C: 0x5C]
        if let byte = simple[e] { advance(); return [byte] }
        guard e == 0x75 || e == 0x55 else {
            throw fail("'\\\(SafeText.escape(bytes: [e]))' is not an escape TOML knows", fix: "use \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX or \\UXXXXXXXX; write a backslash as \\\\, or use a 'literal string'")
        }
        let digits = e == 0x75 ? 4 : 8
        advance()
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let c = current, let digit = Self.hexValue(c) else {
                throw fail("\\\(e == 0x75 ? "u" : "U") needs \(digits) hex digits, found \(here)")
            }
            value = value << 4 | digit
            advance()
        }
        guard let scalar = Unicode.Scalar(value) else { throw fail("the escape names no Unicode character (a surrogate, or beyond U+10FFFF)") }
        return Array(String(Character(scalar)).utf8)
    }

    static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: return UInt32(c - 0x30)
        case 0x61...0x66: return UInt32(c - 0x61 + 10)
        case 0x41...0x46: return UInt32(c - 0x41 + 10)
        default: return nil
        }
    }

    /// After the opening `'`: the text up to the closing quote (no escapes).
    mutating func literalString() throws(Failure) -> String {
        let start = index
        while true {
            guard let c = current else { throw fail("the string has no closing quote (')") }
            if c == 0x27 { break }
            if c == 0x0A || c == 0x0D {
                throw fail("the string has no closing quote on its line", fix: "close it with ' on the same line, or use ''' for a multi-line string")
            }
            if Self.isControl(c) { throw fail("a control character (\(here)) in a string", fix: "use a \"basic string\" with an escape such as \\u0007") }
            advance()
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        advance()
        return text
    }

    /// At `"""` or `'''`: through the closing delimiter (plus up to two quotes of content).
    mutating func multilineString(quote: UInt8) throws(Failure) {
        let delimiter = quote == 0x22 ? "\"\"\"" : "'''"
        advance(3)
        while true {
            guard let c = current else { throw fail("the multi-line string has no closing \(delimiter)") }
            if at(delimiter) {
                advance(3)
                var extra = 0
                while extra < 2, current == quote { advance(); extra += 1 }
                return
            }
            if c == 0x0A || c == 0x0D {
                try newline()
            } else if c == 0x5C && quote == 0x22 {
                // A line-ending backslash: spaces, then a line break, then any blank lines.
                var look = index + 1
                while look < bytes.count, Self.isSpace(bytes[look]) { look += 1 }
                if look < bytes.count, bytes[look] == 0x0A || bytes[look] == 0x0D {
                    advance(look - index)
                    while let b = current, Self.isSpace(b) || b == 0x0A || b == 0x0D {
                        if Self.isSpace(b) { advance() } else { try newline() }
                    }
                } else {
                    _ = try escape()
                }
            } else if Self.isControl(c) {
                throw fail("a control character (\(here)) in a string", fix: quote == 0x22 ? "write it as an escape, e.g. \\u0007" : "use a \"\"\"basic\"\"\" string with an escape such as \\u0007")
            } else {
                advance()
            }
        }
    }

    /// After `[`: values separated by commas over any number of lines; a trailing comma is allowed.
    mutating func array(depth: Int) throws(Failure) {
        advance()
        while true {
            try skipBlankLines()
            if current == 0x5D { advance(); return }
            try value(path: [], depth: depth, record: false)
            try skipBlankLines()
            if current == 0x2C { advance(); continue }
            if current == 0x5D { advance(); return }
            throw fail("expected ',' or ']' in the array, found \(here)", fix: "separate the values of an array with commas: [\"a\", \"b\"]")
        }
    }

    /// After `{`: `key = value` pairs separated by commas, on one line, no trailing comma.
    mutating func inlineTable(path: [String], depth: Int, record: Bool) throws(Failure) {
        advance()
        skipSpaces()
        if current == 0x7D { advance(); return }
        while true {
            try keyValue(prefix: path, depth: depth, record: record)
            skipSpaces()
            if current == 0x2C { advance(); skipSpaces(); continue }
            if current == 0x7D { advance(); return }
            throw fail("expected ',' or '}' in the inline table, found \(here)", fix: "an inline table stays on one line, its pairs separated by commas, no comma after the last: { fg = \"red\", bold = true }")
        }
    }

    // MARK: Numbers, booleans, dates

    /// A boolean, number, date or time: read up to a separator, then matched against the grammar.
    mutating func scalar() throws(Failure) {
        let start = index, startLine = line, startColumn = index - lineStart + 1
        while let c = current, Self.isScalarByte(c) { advance() }
        // A date and a time may be separated by a space: 1979-05-27 07:32:00.
        if index - start == 10, current == 0x20, Self.isFullDate(bytes[start..<index]),
           let a = peek(1), let b = peek(2), Self.isDigit(a), Self.isDigit(b), peek(3) == 0x3A {
            advance()
            while let c = current, Self.isScalarByte(c) { advance() }
        }
        let token = bytes[start..<index]
        guard !token.isEmpty, Self.isScalar(token) else {
            let shown = token.isEmpty ? here : "'" + SafeText.escape(bytes: token.prefix(40)) + "'"
            throw Failure(line: startLine, column: startColumn, problem: "expected a value, found \(shown)",
                          fix: "write " + Self.valueForms + "; text must be quoted")
        }
        if let c = current, !(Self.isSpace(c) || c == 0x0A || c == 0x0D || c == 0x23 || c == 0x2C || c == 0x5D || c == 0x7D) {
            throw fail("unexpected \(here) after the value", fix: "text must be quoted")
        }
    }

    static func isScalarByte(_ c: UInt8) -> Bool {
        isBareKey(c) || c == 0x2B || c == 0x2E || c == 0x3A
    }

    static func isScalar(_ t: ArraySlice<UInt8>) -> Bool {
        let s = String(decoding: t, as: UTF8.self)
        if s == "true" || s == "false" { return true }
        return isInteger(t) || isFloat(t) || isDateTime(t)
    }

    /// `digits` with single underscores between digits; `first` tells which digits may lead.
    static func isDigits(_ t: ArraySlice<UInt8>, _ digit: (UInt8) -> Bool) -> Bool {
        guard let first = t.first, let last = t.last, digit(first), digit(last) else { return false }
        var previousUnderscore = false
        for c in t {
            if c == 0x5F {
                if previousUnderscore { return false }
                previousUnderscore = true
            } else if digit(c) {
                previousUnderscore = false
            } else {
                return false
            }
        }
        return true
    }

    static func isUnsignedDecimal(_ t: ArraySlice<UInt8>) -> Bool {
        guard isDigits(t, isDigit) else { return false }
        return t.count == 1 || t.first != 0x30
    }

    static func isInteger(_ t: ArraySlice<UInt8>) -> Bool {
        if t.count > 2, t.first == 0x30 {
            let body = t.dropFirst(2)
            switch t[t.startIndex + 1] {
            case 0x78: return isDigits(body) { hexValue($0) != nil }
            case 0x6F: return isDigits(body) { $0 >= 0x30 && $0 <= 0x37 }
            case 0x62: return isDigits(body) { $0 == 0x30 || $0 == 0x31 }
            default: break
            }
        }
        let unsigned = t.first == 0x2B || t.first == 0x2D ? t.dropFirst() : t
        return isUnsignedDecimal(unsigned)
    }

    static func isFloat(_ t: ArraySlice<UInt8>) -> Bool {
        let unsigned = t.first == 0x2B || t.first == 0x2D ? t.dropFirst() : t
        let text = String(decoding: unsigned, as: UTF8.self)
        if text == "inf" || text == "nan" { return true }
        var mantissa = unsigned
        var exponent: ArraySlice<UInt8>?
        if let e = unsigned.firstIndex(where: { $0 == 0x65 || $0 == 0x45 }) {
            mantissa = unsigned[..<e]
            var rest = unsigned[(e + 1)...]
            if rest.first == 0x2B || rest.first == 0x2D { rest = rest.dropFirst() }
            exponent = rest
        }
        var fraction: ArraySlice<UInt8>?
        if let dot = mantissa.firstIndex(of: 0x2E) {
            fraction = mantissa[(dot + 1)...]
            mantissa = mantissa[..<dot]
        }
        guard fraction != nil || exponent != nil, isUnsignedDecimal(mantissa) else { return false }
        if let fraction, !isDigits(fraction, isDigit) { return false }
        if let exponent, !isDigits(exponent, isDigit) { return false }
        return true
    }

    static func isFullDate(_ t: ArraySlice<UInt8>) -> Bool {
        matches(t, "dddd-dd-dd")
    }

    /// `pattern`: `d` is a digit, anything else itself.
    static func matches(_ t: ArraySlice<UInt8>, _ pattern: String) -> Bool {
        guard t.count == pattern.utf8.count else { return false }
        for (c, p) in zip(t, pattern.utf8) {
            if p == 0x64 { if !isDigit(c) { return false } } else if c != p { return false }
        }
        return true
    }

    /// `hh:mm:ss` with an optional fraction.
    static func isPartialTime(_ t: ArraySlice<UInt8>) -> Bool {
        guard t.count >= 8, matches(t.prefix(8), "dd:dd:dd") else { return false }
        let rest = t.dropFirst(8)
        if rest.isEmpty { return true }
        return rest.first == 0x2E && rest.count > 1 && rest.dropFirst().allSatisfy(isDigit)
    }

    static func isDateTime(_ t: ArraySlice<UInt8>) -> Bool {
        if isPartialTime(t) { return true }  // a local time
        guard t.count >= 10, isFullDate(t.prefix(10)) else { return false }
        if t.count == 10 { return true }  // a local date
        let delimiter = t[t.startIndex + 10]
        guard delimiter == 0x54 || delimiter == 0x74 || delimiter == 0x20 else { return false }
        var time = t.dropFirst(11)
        if time.last == 0x5A || time.last == 0x7A {
            time = time.dropLast()
        } else if time.count >= 6, matches(time.suffix(6).dropFirst(), "dd:dd"), let sign = time.suffix(6).first, sign == 0x2B || sign == 0x2D {
            time = time.dropLast(6)
        }
        return isPartialTime(time)
    }
}
