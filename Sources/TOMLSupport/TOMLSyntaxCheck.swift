import SafeText

/// A strict TOML 1.0 syntax check of our own, run before TOMLKit sees a byte.
///
/// Why: TOMLKit wraps toml++, whose parser asserts instead of failing on some malformed input
/// (a file holding only `[\` aborts the process in `parse_key`; in a release build the same
/// check becomes an "assume", which is undefined behaviour). toml++ is only safe on text whose
/// syntax is right, so this check accepts only the TOML 1.0 grammar (the ABNF in toml.io's
/// spec) and says what is wrong, with the line and column, for anything else. What it leaves to
/// toml++ are the semantic errors toml++ reports cleanly: a key defined twice, a table
/// redefined, an integer out of range, a date that does not exist.
///
/// On the way it records where every key is written (`TOMLKeyIndex`), because toml++ does not
/// keep the order of keys or their lines.
///
/// Limits keep anything hostile cheap: at most `maxBytes` of text, keys of at most
/// `maxKeyParts` parts, arrays and inline tables nested at most `maxDepth` deep (so neither this
/// recursive check nor toml++'s recursion can exhaust the stack).
struct TOMLSyntaxCheck {
    static let maxBytes = 4 << 20
    static let maxDepth = 32
    static let maxKeyParts = 32

    struct Failure: Error, Equatable {
        var line: Int
        var column: Int
        var problem: String
        var fix: String?
    }

    let bytes: [UInt8]
    var index = 0
    var line = 1
    var lineStart = 0
    var keys = TOMLKeyIndex()

    /// Checks `bytes`; returns where each key is written, or throws the first problem.
    static func check(_ bytes: [UInt8]) throws(Failure) -> TOMLKeyIndex {
        guard bytes.count <= maxBytes else {
            throw Failure(line: 1, column: 1, problem: "the file is \(bytes.count) bytes, more than the \(maxBytes >> 20) MiB a configuration may be",
                          fix: "this does not look like a TOML file; check the path")
        }
        if let bad = UTF8Check.firstProblem(in: bytes) {
            throw Failure(line: bad.line, column: bad.column, problem: "the file is not UTF-8 text (byte \(bad.offset) is not)",
                          fix: "save the file as UTF-8 (TOML requires it)")
        }
        var check = TOMLSyntaxCheck(bytes: bytes)
        try check.document()
        return check.keys
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
        // A UTF-8 byte order mark at the very start is allowed (and skipped by toml++ too).
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3; lineStart = 3 }
    }

    // MARK: Cursor

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    func peek(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

    func at(_ text: String) -> Bool {
        var i = index
        for u in text.utf8 {
            guard i < bytes.count, bytes[i] == u else { return false }
            i += 1
        }
        return true
    }

    mutating func advance(_ n: Int = 1) {
        for _ in 0..<n where index < bytes.count {
            if bytes[index] == 0x0A { line += 1; lineStart = index + 1 }
            index += 1
        }
    }

    func fail(_ problem: String, fix: String? = nil) -> Failure {
        Failure(line: line, column: index - lineStart + 1, problem: problem, fix: fix)
    }

    /// What is at the cursor, for "found …".
    var here: String {
        guard let c = current else { return "the end of the file" }
        if c == 0x0A || c == 0x0D { return "the end of the line" }
        var scalarBytes: [UInt8] = [c]
        var i = index + 1
        while i < bytes.count, bytes[i] & 0xC0 == 0x80, scalarBytes.count < 4 { scalarBytes.append(bytes[i]); i += 1 }
        return "'" + SafeText.escape(bytes: scalarBytes) + "'"
    }

    static func isControl(_ c: UInt8) -> Bool { (c < 0x20 && c != 0x09) || c == 0x7F }
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isBareKey(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || isDigit(c) || c == 0x5F || c == 0x2D
    }

    mutating func skipSpaces() {
        while let c = current, Self.isSpace(c) { advance() }
    }

    /// A line break: LF or CRLF; a lone CR is an error.
    mutating func newline() throws(Failure) {
        if current == 0x0D {
            guard peek(1) == 0x0A else { throw fail("a carriage return (CR) that is not followed by a line feed", fix: "end lines with LF or CRLF") }
            advance()
        }
        advance()
    }

    mutating func comment() throws(Failure) {
        advance()  // '#'
        while let c = current {
            if c == 0x0A || (c == 0x0D && peek(1) == 0x0A) { return }
            if Self.isControl(c) { throw fail("a control character (\(here)) in a comment", fix: "remove it; only tabs may appear in comments") }
            advance()
        }
    }

    /// Spaces, comments and line breaks (between the values of an array).
    mutating func skipBlankLines() throws(Failure) {
        while let c = current {
            if Self.isSpace(c) { advance() } else if c == 0x23 { try comment() } else if c == 0x0A || c == 0x0D { try newline() } else { return }
        }
    }

    // MARK: Statements

    mutating func document() throws(Failure) {
        var table: [String] = []
        while true {
            skipSpaces()
            guard let c = current else { return }
            if c == 0x23 {
                try comment()
            } else if c == 0x0A || c == 0x0D {
                try newline()
                continue
            } else if c == 0x5B {
                table = try tableHeader()
            } else {
                try keyValue(prefix: table, depth: 0, record: true)
            }
            skipSpaces()
            if current == 0x23 { try comment() }
            guard let end = current else { return }
            guard end == 0x0A || end == 0x0D else {
                throw fail("expected the end of the line, found \(here)", fix: "write one key = value or one [table] per line; strings are quoted")
            }
            try newline()
        }
    }

    /// `[a.b]` or `[[a.b]]`: the table's path.
    mutating func tableHeader() throws(Failure) -> [String] {
        let headerLine = line
        advance()
        let isArray = current == 0x5B
        if isArray { advance() }
        skipSpaces()
        let path = try key(what: "a table name after '\(isArray ? "[[" : "[")'")
        skipSpaces()
        guard current == 0x5D else { throw fail("expected '\(isArray ? "]]" : "]")' after the table name, found \(here)", fix: "write a table header as [name] or [name.part]") }
        advance()
        if isArray {
            guard current == 0x5D else { throw fail("expected ']]' to close the array of tables, found \(here)") }
            advance()
        }
        keys.record(path, line: headerLine, from: 1)
        return path
    }

    /// `key = value`, recording `prefix + key` when `record`.
    mutating func keyValue(prefix: [String], depth: Int, record: Bool) throws(Failure) {
        let keyLine = line
        let key = try key(what: "a key")
        skipSpaces()
        guard current == 0x3D else {
            throw fail("expected '=' after the key '\(SafeText.escape(key.joined(separator: ".")))', found \(here)", fix: "write key = value, e.g. name = \"value\"")
        }
        advance()
        skipSpaces()
        let path = prefix + key
        if record { keys.record(path, line: keyLine, from: prefix.count + 1) }
        try value(path: path, depth: depth, record: record)
    }

    /// A dotted key: `a`, `"a b".c`, `'x'`.
    mutating func key(what: String) throws(Failure) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            guard let c = current else { throw fail("expected \(what), found the end of the file") }
            if c == 0x22 {
                advance()
                parts.append(try basicString())
            } else if c == 0x27 {
                advance()
                parts.append(try literalString())
            } else if Self.isBareKey(c) {
                let start = index
                while let b = current, Self.isBareKey(b) { advance() }
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
            } else {
                throw fail("expected \(what), found \(here)", fix: "a key is letters, digits, '-' and '_', or a quoted string")
            }
            guard parts.count <= Self.maxKeyParts else { throw fail("a key with more than \(Self.maxKeyParts) dotted parts") }
            skipSpaces()
            guard current == 0x2E else { return parts }
            advance()
        }
    }
}
