/// A run of changed cells on one row, left to right from column `x`.
public struct CellRun: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var cells: [Cell]
    public init(x: Int, y: Int, cells: [Cell]) {
        self.x = x
        self.y = y
        self.cells = cells
    }
}

/// The screen, as the app sees it. `NCursesTerminal` is the real one; `TestTerminal` keeps the
/// screen in memory for tests.
///
/// Contract: `update(_:)` receives only cells that changed since the last frame (or, after
/// `size` changed, every cell); runs never hold a control character and never split a wide
/// character from its continuation. Calls come from one thread, the app's input thread.
public protocol Terminal: AnyObject {
    /// The current size in cells.
    var size: Size { get }
    /// How many colours the terminal shows (`.none` under `NO_COLOR` or on a monochrome terminal).
    var colorDepth: ColorDepth { get }
    /// Writes the runs and makes them visible.
    func update(_ runs: [CellRun])
    /// Waits up to `timeoutMillis` (0 = do not wait) for input; returns every event available.
    func readInput(timeoutMillis: Int) -> [InputEvent]
    /// Leaves the full-screen mode and restores the terminal as it was. Idempotent.
    func restore()
}
