import SafeText

/// A bordered box with a title, drawn with box-drawing characters.
public struct Block {
    public var title: [Span]
    public var rightTitle: [Span]
    public var border: Style
    public var fill: Style

    public init(title: [Span] = [], rightTitle: [Span] = [], border: Style, fill: Style) {
        self.title = title
        self.rightTitle = rightTitle
        self.border = border
        self.fill = fill
    }

    /// Draws the box into `area` and returns the inside. A box smaller than 2x2 draws nothing.
    @discardableResult
    public func render(into buffer: inout ScreenBuffer, area: Rect) -> Rect {
        guard area.width >= 2, area.height >= 2 else { return Rect(x: area.x, y: area.y, width: 0, height: 0) }
        buffer.fill(area, style: fill)
        let horizontal = String(repeating: "─", count: area.width - 2)
        buffer.write("┌" + horizontal + "┐", x: area.x, y: area.y, style: border)
        buffer.write("└" + horizontal + "┘", x: area.x, y: area.maxY - 1, style: border)
        for y in (area.y + 1)..<(area.maxY - 1) {
            buffer.write("│", x: area.x, y: y, style: border)
            buffer.write("│", x: area.maxX - 1, y: y, style: border)
        }
        let room = area.width - 4
        if room > 0 {
            var used = 0
            if !title.isEmpty {
                used = buffer.write([Span(" ", border)] + title + [Span(" ", border)], x: area.x + 1, y: area.y, width: room + 2)
            }
            let rightRoom = room - used - 1
            if !rightTitle.isEmpty, rightRoom > 3 {
                let text = rightTitle.map(\.text).joined()
                let w = min(DisplayWidth.of(text) + 2, rightRoom)
                buffer.write([Span(" ", border)] + rightTitle + [Span(" ", border)], x: area.maxX - 1 - w, y: area.y, width: w)
            }
        }
        return area.inset(by: 1)
    }
}
