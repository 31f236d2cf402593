/// Splits SQL text into statements at top-level semicolons, for the writer's DDL scripts.
///
/// postgres-nio sends every statement through the extended protocol, which takes one statement
/// at a time. Semicolons inside quoted strings, quoted identifiers, dollar-quoted bodies
/// (`$$ … $$`, `$tag$ … $tag$`) and comments do not split.
enum SQLStatementSplitter {
    static func split(_ sql: String) -> [String] {
        let s = Array(sql.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var i = 0
        func flush() {
            let text = String(current)
            if text.contains(where: { !$0.isWhitespace }) { statements.append(text) }
            current = String.UnicodeScalarView()
        }
        while i < s.count {
            let c = s[i]
            if c == ";" {
                flush()
                i += 1
                continue
            }
            if c == "'" || c == "\"" {
                // A quoted string or identifier; a doubled quote stays inside.
                current.append(c)
                i += 1
                while i < s.count {
                    current.append(s[i])
                    if s[i] == c {
                        if i + 1 < s.count && s[i + 1] == c {
                            current.append(s[i + 1])
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    i += 1
                }
                continue
            }
            if c == "-" && i + 1 < s.count && s[i + 1] == "-" {
                while i < s.count && s[i] != "\n" { current.append(s[i]); i += 1 }
                continue
            }
            if c == "/" && i + 1 < s.count && s[i + 1] == "*" {
                var depth = 0
                while i < s.count {
                    if s[i] == "/" && i + 1 < s.count && s[i + 1] == "*" {
                        depth += 1; current.append(s[i]); current.append(s[i + 1]); i += 2; continue
                    }
                    if s[i] == "*" && i + 1 < s.count && s[i + 1] == "/" {
                        depth -= 1; current.append(s[i]); current.append(s[i + 1]); i += 2
                        if depth == 0 { break }
                        continue
                    }
                    current.append(s[i]); i += 1
                }
                continue
            }
            if c == "$" {
                // A dollar-quote tag: $$ or $name$ (a letter or _ first); $1 is a parameter.
                var j = i + 1
                while j < s.count && (s[j] == "_" || s[j].properties.isAlphabetic || (j > i + 1 && ("0"..."9").contains(s[j]))) { j += 1 }
                if j < s.count && s[j] == "$" {
                    let tag = Array(s[i...j])
                    for t in tag { current.append(t) }
                    i = j + 1
                    while i < s.count {
                        if s[i] == "$" && i + tag.count <= s.count && Array(s[i..<(i + tag.count)]) == tag {
                            for t in tag { current.append(t) }
                            i += tag.count
                            break
                        }
                        current.append(s[i]); i += 1
                    }
                    continue
                }
            }
            current.append(c)
            i += 1
        }
        flush()
        return statements
    }
}
