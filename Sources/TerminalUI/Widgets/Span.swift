import SafeText

/// A piece of text in one style; a line is a list of spans.
public struct Span: Sendable, Equatable {
    public var text: String
    public var style: Style
    public init(_ text: String, _ style: Style = .plain) {
        self.text = text
        self.style = style
    }
}

extension ScreenBuffer {
    /// Writes spans left to right from (`x`, `y`), clipped to `width` columns. Returns columns used.
    @discardableResult
    public mutating func write(_ spans: [Span], x: Int, y: Int, width: Int) -> Int {
        var used = 0
        for span in spans where used < width {
            used += write(span.text, x: x + used, y: y, style: span.style, maxWidth: width - used)
        }
        return used
    }

    /// Writes `text` at (`x`, `y`), ending in `…` when it is cut to `maxWidth` columns, so a
    /// cut value never reads as a different one (`1380000` shown as `138`).
    @discardableResult
    public mutating func writeTruncated(_ text: String, x: Int, y: Int, style: Style, maxWidth: Int) -> Int {
        guard maxWidth > 0 else { return 0 }
        return write(DisplayWidth.truncate(SafeText.escape(text), to: maxWidth), x: x, y: y, style: style, maxWidth: maxWidth)
    }

    /// Writes `text` right-aligned so it ends at column `maxX` (exclusive).
    @discardableResult
    public mutating func writeRight(_ text: String, maxX: Int, y: Int, style: Style, maxWidth: Int) -> Int {
        let t = DisplayWidth.truncate(SafeText.escape(text), to: maxWidth)
        return write(t, x: maxX - DisplayWidth.of(t), y: y, style: style, maxWidth: maxWidth)
    }
}
