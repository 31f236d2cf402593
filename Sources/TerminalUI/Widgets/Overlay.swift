/// A centred box drawn over the screen (help, details, confirmations).
public enum Overlay {
    /// The area of a box of at most `width`x`height` centred in `bounds`, leaving a margin.
    public static func centered(in bounds: Rect, width: Int, height: Int, margin: Int = 2) -> Rect {
        let w = min(width, bounds.width - 2 * margin)
        let h = min(height, bounds.height - 2 * margin)
        return Rect(x: bounds.x + (bounds.width - w) / 2, y: bounds.y + (bounds.height - h) / 2, width: w, height: h)
    }
}
