/// The line where each key of a theme file is written, for error messages.
///
/// TOMLKit does not say where a key came from. Theme files are simple (top-level keys,
/// `[palette]` and `[roles]` tables, one inline table per role), so a line scanner is enough:
/// it follows `[table]` headers, records `key = …` lines (dotted keys record every prefix)
/// and the keys of an inline table on the same line. It is used only on text TOMLKit has
/// accepted; on anything unexpected it records less, never fails.
struct ThemeKeyLines {
    private var lines: [[String]: Int] = [:]

    init(_ text: String) {
        var table: [String] = []
        var inMultilineString = false
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            var scanner = LineScanner(Array(raw.utf8))
            if inMultilineString {
                if scanner.containsTripleQuote { inMultilineString = false }
                continue
            }
            scanner.skipSpaces()
            if scanner.peek == UInt8(ascii: "[") {
                scanner.advance()
                if scanner.peek == UInt8(ascii: "[") { scanner.advance() }
                let path = scanner.key()
                if !path.isEmpty {
                    record(path, line)
                    table = path
                }
                continue
            }
            let key = scanner.key()
            guard !key.isEmpty, scanner.consume(UInt8(ascii: "=")) else { continue }
            record(table + key, line)
            scanner.skipSpaces()
            if scanner.startsTripleQuote {
                inMultilineString = !scanner.closesTripleQuoteOnSameLine
            } else if scanner.consume(UInt8(ascii: "{")) {
                // The keys of an inline table: after `{` and after each top-level comma.
                while true {
                    let inner = scanner.key()
                    if !inner.isEmpty, scanner.consume(UInt8(ascii: "=")) { record(table + key + inner, line) }
                    guard scanner.skipValue() else { break }
                }
            }
        }
    }

    /// The 1-based line where `path` is first written, if the scanner saw it.
    func line(of path: [String]) -> Int? { lines[path] }

    private mutating func record(_ path: [String], _ line: Int) {
        for n in 1...path.count where lines[Array(path.prefix(n))] == nil {
            lines[Array(path.prefix(n))] = line
        }
    }
}

/// Reads keys and skips values on one line of TOML.
private struct LineScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
    mutating func advance() { index += 1 }

    mutating func skipSpaces() {
        while let c = peek, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { advance() }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        skipSpaces()
        guard peek == byte else { return false }
        advance()
        return true
    }

    var startsTripleQuote: Bool { triple(at: index) }
    var closesTripleQuoteOnSameLine: Bool { stride(from: index + 3, to: bytes.count, by: 1).contains { triple(at: $0) } }
    var containsTripleQuote: Bool { (0..<bytes.count).contains { triple(at: $0) } }

    private func triple(at i: Int) -> Bool {
        guard i + 2 < bytes.count else { return false }
        let q = bytes[i]
        return (q == UInt8(ascii: "\"") || q == UInt8(ascii: "'")) && bytes[i + 1] == q && bytes[i + 2] == q
    }

    /// A dotted key (`a`, `"a b".c`); empty when there is none here.
    mutating func key() -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            guard let c = peek else { return parts }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                advance()
                let start = index
                while let b = peek, b != c { advance() }
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
                advance()
            } else if Self.isBareKeyByte(c) {
                let start = index
                while let b = peek, Self.isBareKeyByte(b) { advance() }
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
            } else {
                return parts
            }
            skipSpaces()
            guard peek == UInt8(ascii: ".") else { return parts }
            advance()
        }
    }

    /// Skips one value inside an inline table up to the next top-level comma (consumed:
    /// true) or the closing brace or the end of the line (false).
    mutating func skipValue() -> Bool {
        var depth = 0
        while let c = peek {
            advance()
            switch c {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                while let b = peek, b != c {
                    advance()
                    if c == UInt8(ascii: "\""), b == UInt8(ascii: "\\") { advance() }
                }
                advance()
            case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "}"):
                if depth == 0 { return false }
                depth -= 1
            case UInt8(ascii: ","):
                if depth == 0 { return true }
            case UInt8(ascii: "#"):
                return false
            default: break
            }
        }
        return false
    }

    static func isBareKeyByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
    }
}
