import SafeText

/// Columns that fit a width: the least important go first when space is short, and one
/// flexible column takes whatever is left. Cells are cut with `…`, never past the table.
public struct Table {
    public struct Column: Sendable {
        public var width: Int
        /// Lower is more important; columns are dropped from the highest priority number down.
        public var priority: Int
        public var alignRight: Bool
        /// Takes the width left over (at least `width`).
        public var flexible: Bool
        public init(width: Int, priority: Int, alignRight: Bool = false, flexible: Bool = false) {
            self.width = width
            self.priority = priority
            self.alignRight = alignRight
            self.flexible = flexible
        }
    }

    public let columns: [Column]
    /// Each column's width in this table; 0 for a dropped column.
    public let widths: [Int]
    public let x: Int

    /// Lays `columns` out in `width` cells from column `x`, one space between columns.
    public init(_ columns: [Column], x: Int, width: Int) {
        self.columns = columns
        self.x = x
        var shown = Array(repeating: true, count: columns.count)
        func needed() -> Int {
            let used = zip(columns, shown).filter { $0.1 }.map { $0.0.width }
            return used.reduce(0, +) + max(0, used.count - 1)
        }
        let dropOrder = columns.indices.sorted { columns[$0].priority > columns[$1].priority }
        var i = 0
        while needed() > width, i < dropOrder.count - 1 {
            shown[dropOrder[i]] = false
            i += 1
        }
        var widths = columns.indices.map { shown[$0] ? columns[$0].width : 0 }
        let spare = width - needed()
        if spare > 0, let flex = columns.indices.first(where: { shown[$0] && columns[$0].flexible }) {
            widths[flex] += spare
        }
        if needed() > width, let only = widths.indices.first(where: { widths[$0] > 0 }) {
            widths[only] = max(0, width)
        }
        self.widths = widths
    }

    /// Draws one row: `cells[i]` in column i, in `styles[i]` (or `style`).
    public func draw(_ cells: [String], y: Int, style: Style, styles: [Style?] = [], into buffer: inout ScreenBuffer) {
        var cx = x
        for (i, w) in widths.enumerated() where w > 0 {
            let text = i < cells.count ? cells[i] : ""
            let s = (i < styles.count ? styles[i] : nil) ?? style
            if columns[i].alignRight {
                buffer.writeRight(DisplayWidth.truncate(SafeText.escape(text), to: w), maxX: cx + w, y: y, style: s, maxWidth: w)
            } else {
                buffer.writeTruncated(text, x: cx, y: y, style: s, maxWidth: w)
            }
            cx += w + 1
        }
    }
}
