import SafeText

/// A frame: a grid of cells that widgets draw into. Nothing here touches a terminal.
///
/// Writes outside the buffer are clipped, never trapped; a widget drawing into a 0x0 area draws
/// nothing. Text is made safe on the way in (see `SafeText`) and wide characters take two cells.
public struct ScreenBuffer: Sendable, Equatable {
    public private(set) var size: Size
    public private(set) var cells: [Cell]

    public init(size: Size) {
        self.size = size
        self.cells = Array(repeating: .blank, count: size.width * size.height)
    }

    public var width: Int { size.width }
    public var height: Int { size.height }
    public var bounds: Rect { Rect(size: size) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.width + x] }
        set { cells[y * size.width + x] = newValue }
    }

    /// Fills `rect` (clipped) with spaces in `style`.
    public mutating func fill(_ rect: Rect, style: Style = .plain, character: Character = " ") {
        let x0 = max(0, rect.x), x1 = min(size.width, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(size.height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        let cell = Cell(text: String(character), style: style, width: 1)
        for y in y0..<y1 {
            let base = y * size.width
            for x in x0..<x1 { cells[base + x] = cell }
        }
    }

    /// Applies `style` on top of the cells in `rect`, keeping their text.
    public mutating func restyle(_ rect: Rect, with style: Style) {
        let x0 = max(0, rect.x), x1 = min(size.width, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(size.height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 { cells[y * size.width + x].style = cells[y * size.width + x].style.patched(with: style) }
        }
    }

    /// Writes `text` at (`x`, `y`) in `style`, clipped to `maxWidth` columns and the buffer.
    /// Returns the columns written. A wide character that would straddle the clip edge is
    /// replaced by a space so columns stay aligned.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: Style, maxWidth: Int = .max) -> Int {
        guard y >= 0, y < size.height, x < size.width, maxWidth > 0 else { return 0 }
        let limit = min(size.width, maxWidth == .max ? size.width : x + maxWidth)
        let safe = SafeText.escape(text)
        var col = x
        for ch in safe {
            let w = DisplayWidth.of(ch)
            if w == 0 {
                // A lone combining mark or similar: attach to nothing; show nothing.
                continue
            }
            if col + w > limit {
                if w == 2 && col < limit, col >= 0 { put(Cell(text: " ", style: style, width: 1), at: col, y) ; col += 1 }
                break
            }
            if col >= 0 {
                put(Cell(text: String(ch), style: style, width: UInt8(w)), at: col, y)
                if w == 2 { put(Cell(text: "", style: style, width: 0), at: col + 1, y) }
            }
            col += w
        }
        return max(0, col - x)
    }

    /// Stores a cell, repairing any wide character it half-overwrites.
    private mutating func put(_ cell: Cell, at x: Int, _ y: Int) {
        guard x >= 0, x < size.width else { return }
        let i = y * size.width + x
        let old = cells[i]
        if old.isContinuation, x > 0, cell.width != 0 {
            // Overwriting the right half of a wide character: blank its left half.
            cells[i - 1] = Cell(text: " ", style: cells[i - 1].style, width: 1)
        }
        if old.width == 2, cell.width != 2, x + 1 < size.width {
            cells[i + 1] = Cell(text: " ", style: cells[i + 1].style, width: 1)
        }
        cells[i] = cell
    }

    /// The text of row `y`, continuation cells skipped (what a user reads on that row).
    public func line(_ y: Int) -> String {
        guard y >= 0, y < size.height else { return "" }
        var s = ""
        for x in 0..<size.width {
            let c = cells[y * size.width + x]
            if !c.isContinuation { s += c.text }
        }
        return s
    }

    /// Every row's text, trailing spaces trimmed.
    public var lines: [String] {
        (0..<size.height).map { y in
            var l = line(y)
            while l.last == " " { l.removeLast() }
            return l
        }
    }

    /// The runs of cells that differ from `previous` (every cell if the size changed).
    public func diff(from previous: ScreenBuffer?) -> [CellRun] {
        var runs: [CellRun] = []
        let full = previous?.size != size
        for y in 0..<size.height {
            var x = 0
            let base = y * size.width
            while x < size.width {
                if !full, let p = previous, p.cells[base + x] == cells[base + x] { x += 1; continue }
                var start = x
                // A run never starts on a continuation: include its wide character.
                if cells[base + start].isContinuation, start > 0 { start -= 1 }
                var end = x + 1
                while end < size.width {
                    if !full, let p = previous, p.cells[base + end] == cells[base + end],
                       !cells[base + end].isContinuation { break }
                    end += 1
                }
                runs.append(CellRun(x: start, y: y, cells: Array(cells[(base + start)..<(base + end)])))
                x = end
            }
        }
        return runs
    }
}
