/// Where each key of a TOML document is written: its first line and its order of appearance.
///
/// TOMLKit (toml++) keeps tables sorted by key and does not say where a key came from, but
/// `rewind.toml` needs both: handlers and aggregates keep the order they were written in (the
/// first aggregate whose glob matches wins), and errors point at a line. This scanner reads the
/// text once and records every key path it defines: table headers (`[a.b]` defines `a` and
/// `a.b`), keys (`x.y = 1` under `[a]` defines `a.x` and `a.x.y`) and the keys of inline tables.
///
/// It is meant for documents TOMLKit has already accepted; on anything else it still ends
/// (every step consumes input) and records what it could.
struct TOMLKeyIndex {
    private var lines: [[String]: Int] = [:]
    private var order: [[String]: Int] = [:]

    init(_ text: String) {
        var scanner = Scanner(bytes: Array(text.utf8))
        scanner.run { path, line in
            guard order[path] == nil else { return }
            order[path] = order.count
            lines[path] = line
        }
    }

    /// The 1-based line where `path` is first defined, or nil when the scanner did not see it.
    func line(of path: [String]) -> Int? { lines[path] }

    /// `keys` (the members of the table at `path`) in the order the document writes them;
    /// keys the scanner did not see keep their relative order, after the others.
    func ordered(_ keys: [String], under path: [String]) -> [String] {
        let indexed = keys.enumerated().map { (offset, key) in (order[path + [key]] ?? Int.max, offset, key) }
        return indexed.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { $0.2 }
    }
}

// MARK: - The scanner

private struct Scanner {
    let bytes: [UInt8]
    var index = 0
    var line = 1

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    typealias Record = (_ path: [String], _ line: Int) -> Void

    var atEnd: Bool { index >= bytes.count }
    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    func peek(_ offset: Int) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    mutating func advance() {
        guard index < bytes.count else { return }
        if bytes[index] == UInt8(ascii: "\n") { line += 1 }
        index += 1
    }

    /// At three quotes in a row (a multi-line string delimiter).
    func atTriple(_ quote: UInt8) -> Bool {
        current == quote && peek(1) == quote && peek(2) == quote
    }

    mutating func skipSpaces() {
        while let c = current, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { advance() }
    }

    mutating func skipComment() {
        guard current == UInt8(ascii: "#") else { return }
        while let c = current, c != UInt8(ascii: "\n") { advance() }
    }

    /// Spaces, comments and newlines (inside arrays and between statements).
    mutating func skipBlank() {
        while let c = current {
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") || c == UInt8(ascii: "\n") {
                advance()
            } else if c == UInt8(ascii: "#") {
                skipComment()
            } else {
                return
            }
        }
    }

    mutating func skipRestOfLine() {
        while let c = current, c != UInt8(ascii: "\n") { advance() }
        advance()
    }

    // MARK: Statements

    mutating func run(_ record: Record) {
        var table: [String] = []
        while true {
            skipBlank()
            guard let c = current else { return }
            if c == UInt8(ascii: "[") {
                let headerLine = line
                let arrayOfTables = peek(1) == UInt8(ascii: "[")
                advance()
                if arrayOfTables { advance() }
                let path = parseKey()
                if !path.isEmpty {
                    for n in 1...path.count { record(Array(path.prefix(n)), headerLine) }
                    table = path
                }
                skipRestOfLine()
            } else {
                let start = index
                parseKeyValue(prefix: table, record: record, recordKeys: true)
                skipSpaces()
                skipComment()
                if index == start { advance() }
                if let c = current, c != UInt8(ascii: "\n") { skipRestOfLine() }
            }
        }
    }

    /// `key = value`, recording `prefix + key` (and the keys of an inline table value).
    mutating func parseKeyValue(prefix: [String], record: Record, recordKeys: Bool) {
        let keyLine = line
        let key = parseKey()
        guard !key.isEmpty else { return }
        skipSpaces()
        guard current == UInt8(ascii: "=") else { return }
        advance()
        let path = prefix + key
        if recordKeys {
            for n in (prefix.count + 1)...path.count { record(Array(path.prefix(n)), keyLine) }
        }
        skipSpaces()
        skipValue(path: path, record: record, recordKeys: recordKeys)
    }

    /// A dotted key: `a`, `"a b".c`, `'x'`. Returns its parts; empty when there is none.
    mutating func parseKey() -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            guard let c = current else { return parts }
            if c == UInt8(ascii: "\"") {
                advance()
                parts.append(parseBasicString())
            } else if c == UInt8(ascii: "'") {
                advance()
                parts.append(parseLiteralString())
            } else if Self.isBareKeyByte(c) {
                let start = index
                while let b = current, Self.isBareKeyByte(b) { advance() }
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
            } else {
                return parts
            }
            skipSpaces()
            guard current == UInt8(ascii: ".") else { return parts }
            advance()
        }
    }

    static func isBareKeyByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
    }

    // MARK: Values

    mutating func skipValue(path: [String], record: Record, recordKeys: Bool) {
        guard let c = current else { return }
        if atTriple(UInt8(ascii: "\"")) {
            skipMultilineString(quote: UInt8(ascii: "\""), escapes: true)
        } else if atTriple(UInt8(ascii: "'")) {
            skipMultilineString(quote: UInt8(ascii: "'"), escapes: false)
        } else if c == UInt8(ascii: "\"") {
            advance()
            _ = parseBasicString()
        } else if c == UInt8(ascii: "'") {
            advance()
            _ = parseLiteralString()
        } else if c == UInt8(ascii: "[") {
            advance()
            skipArray(record: record)
        } else if c == UInt8(ascii: "{") {
            advance()
            skipInlineTable(path: path, record: record, recordKeys: recordKeys)
        } else {
            // A number, boolean or date: up to a separator.
            while let b = current, !Self.endsScalar(b) { advance() }
        }
    }

    static func endsScalar(_ c: UInt8) -> Bool {
        c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r")
            || c == UInt8(ascii: ",") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") || c == UInt8(ascii: "#")
    }

    /// After the opening `[`: values separated by commas, over any number of lines. Keys of
    /// inline tables inside arrays are not recorded (rewind.toml has no arrays of tables).
    mutating func skipArray(record: Record) {
        while true {
            skipBlank()
            guard let c = current else { return }
            if c == UInt8(ascii: "]") { advance(); return }
            if c == UInt8(ascii: ",") { advance(); continue }
            let start = index
            skipValue(path: [], record: record, recordKeys: false)
            if index == start { advance() }
        }
    }

    /// After the opening `{`: `key = value` pairs separated by commas.
    mutating func skipInlineTable(path: [String], record: Record, recordKeys: Bool) {
        while true {
            skipBlank()
            guard let c = current else { return }
            if c == UInt8(ascii: "}") { advance(); return }
            if c == UInt8(ascii: ",") { advance(); continue }
            let start = index
            parseKeyValue(prefix: path, record: record, recordKeys: recordKeys)
            if index == start { advance() }
        }
    }

    /// After the opening `"`: the decoded text, up to and including the closing quote.
    mutating func parseBasicString() -> String {
        var out: [UInt8] = []
        while let c = current {
            if c == UInt8(ascii: "\"") { advance(); break }
            if c == UInt8(ascii: "\n") { break }
            if c == UInt8(ascii: "\\") {
                advance()
                guard let e = current else { break }
                advance()
                switch e {
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "u"): out.append(contentsOf: parseUnicodeEscape(digits: 4))
                case UInt8(ascii: "U"): out.append(contentsOf: parseUnicodeEscape(digits: 8))
                default: out.append(e)
                }
                continue
            }
            out.append(c)
            advance()
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func parseUnicodeEscape(digits: Int) -> [UInt8] {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let c = current, let digit = Self.hexValue(c) else { break }
            value = value << 4 | digit
            advance()
        }
        guard let scalar = Unicode.Scalar(value) else { return [] }
        return Array(String(Character(scalar)).utf8)
    }

    static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(c - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// After the opening `'`: the text up to the closing quote (no escapes).
    mutating func parseLiteralString() -> String {
        let start = index
        while let c = current, c != UInt8(ascii: "'"), c != UInt8(ascii: "\n") { advance() }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if current == UInt8(ascii: "'") { advance() }
        return text
    }

    /// At `"""` or `'''`: skips to the closing delimiter (which may be followed by up to two
    /// more quotes belonging to the content).
    mutating func skipMultilineString(quote: UInt8, escapes: Bool) {
        advance(); advance(); advance()
        while let c = current {
            if escapes && c == UInt8(ascii: "\\") {
                advance()
                advance()
                continue
            }
            if atTriple(quote) {
                advance(); advance(); advance()
                var extra = 0
                while extra < 2, current == quote { advance(); extra += 1 }
                return
            }
            advance()
        }
    }
}
