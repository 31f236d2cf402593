/// Finds the top-level JSON values in a text that holds one or more of them, pretty-printed or
/// not (`curl … > a.json; curl … >> a.json` concatenates documents): each value's byte range
/// and the line it starts on. It only tracks strings and nesting; the values are parsed after.
enum JSONDocumentSplitter {
    struct Span: Equatable {
        var range: Range<Int>
        var line: Int
    }

    static func split(_ bytes: [UInt8]) -> [Span] {
        var spans: [Span] = []
        var i = 0
        var line = 1
        let n = bytes.count
        // A UTF-8 byte order mark before the first value.
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < n {
            let b = bytes[i]
            if b == 10 { line += 1; i += 1; continue }
            if b == 32 || b == 9 || b == 13 { i += 1; continue }
            let start = i
            let startLine = line
            if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                var depth = 0
                var inString = false
                var escaped = false
                while i < n {
                    let c = bytes[i]
                    i += 1
                    if c == 10 { line += 1 }
                    if inString {
                        if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
                        continue
                    }
                    if c == UInt8(ascii: "\"") { inString = true }
                    else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
                    else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                        depth -= 1
                        if depth == 0 { break }
                    }
                }
            } else {
                // A scalar (or garbage): up to the next whitespace or the start of a container.
                i += 1
                while i < n, ![9, 10, 13, 32, UInt8(ascii: "{"), UInt8(ascii: "[")].contains(bytes[i]) { i += 1 }
            }
            spans.append(Span(range: start..<i, line: startLine))
        }
        return spans
    }
}
