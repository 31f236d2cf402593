import SafeText

/// The display columns at which a rendered line has a `│` border: rows whose borders sit in
/// the same columns are aligned, whatever wide or escaped text they hold.
func borderColumns(_ line: String) -> [Int] {
    var column = 0
    var borders: [Int] = []
    for ch in line {
        if ch == "│" { borders.append(column) }
        column += DisplayWidth.of(ch)
    }
    return borders
}
