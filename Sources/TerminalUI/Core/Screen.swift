/// Owns a terminal and the last frame shown on it; sends each new frame as a diff.
public final class Screen {
    public let terminal: any Terminal
    private var shown: ScreenBuffer?
    /// Cells sent in the last `present` (a measure of how much the diff saved).
    public private(set) var lastCellsSent = 0

    public init(terminal: any Terminal) {
        self.terminal = terminal
    }

    /// A blank frame the size of the terminal, for widgets to draw into.
    public func makeFrame() -> ScreenBuffer { ScreenBuffer(size: terminal.size) }

    /// Shows `frame`: only the cells that changed since the last frame reach the terminal.
    public func present(_ frame: ScreenBuffer) {
        let runs = frame.diff(from: shown)
        lastCellsSent = runs.reduce(0) { $0 + $1.cells.count }
        if !runs.isEmpty || shown == nil { terminal.update(runs) }
        shown = frame
    }

    /// Forgets the last frame so the next `present` redraws everything (after a resize).
    public func invalidate() { shown = nil }
}
