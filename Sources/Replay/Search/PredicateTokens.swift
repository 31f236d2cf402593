/// A rough jq lexer, only good enough for `PredicateAnalysis` to find what a predicate surely
/// requires: it never has to accept every jq program, only to refuse (return nil) whatever it
/// does not understand, so that the analysis then requires nothing.
///
/// Tokens: string literals (decoded; nil text when an escape is one we do not decode),
/// `.field` accesses, identifiers and keywords, `$names`, numbers, and punctuation/operators
/// as their text. Comments are dropped.
enum PredicateToken: Equatable {
    /// A string literal: its decoded text, or nil when it holds an escape other than `\"`,
    /// `\\` and `\/` (the analysis then treats it as unknown).
    case string(String?)
    /// `.name` (a field access; `.` alone is `.punct(".")`).
    case field(String)
    case identifier(String)
    case variable(String)
    case number(String)
    case punct(String)

    /// Splits `text`, or nil when it holds something this lexer does not follow (a string with
    /// interpolation `\(…)`, an unterminated string, a byte it does not know).
    static func tokenize(_ text: String) -> [PredicateToken]? {
        let s = Array(text.unicodeScalars)
        var out: [PredicateToken] = []
        var i = 0
        func isIdentStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c.isASCII && c.properties.isAlphabetic) }
        func isIdent(_ c: Unicode.Scalar) -> Bool { isIdentStart(c) || ("0"..."9").contains(c) }
        while i < s.count {
            let c = s[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1; continue }
            if c == "#" {
                while i < s.count, s[i] != "\n" { i += 1 }
                // Newer jq continues a comment after a backslash at the end of its line: not followed.
                if i > 0, s[i - 1] == "\\" { return nil }
                continue
            }
            if c == "\"" {
                var decoded = ""
                var known = true
                i += 1
                var closed = false
                while i < s.count {
                    let d = s[i]
                    if d == "\"" { closed = true; i += 1; break }
                    if d == "\\" {
                        guard i + 1 < s.count else { return nil }
                        let e = s[i + 1]
                        if e == "(" { return nil }  // interpolation: not followed here
                        if e == "\"" || e == "\\" || e == "/" { decoded.unicodeScalars.append(e) } else { known = false }
                        i += 2
                        continue
                    }
                    decoded.unicodeScalars.append(d)
                    i += 1
                }
                guard closed else { return nil }
                out.append(.string(known ? decoded : nil))
                continue
            }
            if c == "." {
                var j = i + 1
                if j < s.count, isIdentStart(s[j]) {
                    while j < s.count, isIdent(s[j]) { j += 1 }
                    out.append(.field(String(String.UnicodeScalarView(s[(i + 1)..<j]))))
                    i = j
                    continue
                }
                if j < s.count, s[j] == "." { out.append(.punct("..")); i = j + 1; continue }
                if j < s.count, ("0"..."9").contains(s[j]) {
                    while j < s.count, ("0"..."9").contains(s[j]) || s[j] == "e" || s[j] == "E" { j += 1 }
                    out.append(.number(String(String.UnicodeScalarView(s[i..<j]))))
                    i = j
                    continue
                }
                out.append(.punct("."))
                i += 1
                continue
            }
            if c == "$" || c == "@" || isIdentStart(c) {
                var j = i + 1
                while j < s.count, isIdent(s[j]) || (s[j] == ":" && j + 1 < s.count && s[j + 1] == ":") {
                    j += s[j] == ":" ? 2 : 1
                }
                let word = String(String.UnicodeScalarView(s[i..<j]))
                out.append(c == "$" ? .variable(word) : .identifier(word))
                i = j
                continue
            }
            if ("0"..."9").contains(c) {
                var j = i
                while j < s.count, ("0"..."9").contains(s[j]) || s[j] == "." || s[j] == "e" || s[j] == "E"
                    || ((s[j] == "+" || s[j] == "-") && (s[j - 1] == "e" || s[j - 1] == "E")) { j += 1 }
                out.append(.number(String(String.UnicodeScalarView(s[i..<j]))))
                i = j
                continue
            }
            // Operators: the longest of these that matches.
            let operators = ["?//=", "?//", "|=", "+=", "-=", "*=", "/=", "%=", "//=", "==", "!=", "<=", ">=", "//",
                             "|", ",", "(", ")", "[", "]", "{", "}", "<", ">", "+", "-", "*", "/", "%", "=", ":", ";", "?"]
            var matched: String?
            for op in operators {
                let scalars = Array(op.unicodeScalars)
                if i + scalars.count <= s.count, Array(s[i..<(i + scalars.count)]) == scalars { matched = op; break }
            }
            guard let op = matched else { return nil }
            out.append(.punct(op))
            i += op.unicodeScalars.count
        }
        return out
    }
}
