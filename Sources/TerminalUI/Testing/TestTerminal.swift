import SafeText

/// An in-memory terminal for tests: keeps the screen as cells, takes scripted input.
///
/// It applies runs exactly as a real terminal would, so a test that reads `lines` sees what a
/// user would see, and `cellsWritten` shows how much each frame sent.
public final class TestTerminal: Terminal {
    public private(set) var size: Size
    public var colorDepth: ColorDepth
    public private(set) var screen: ScreenBuffer
    public private(set) var cellsWritten = 0
    public private(set) var updates = 0
    public private(set) var restored = false
    public var pendingInput: [InputEvent] = []

    public init(size: Size = Size(width: 100, height: 30), colorDepth: ColorDepth = .colors256) {
        self.size = size
        self.colorDepth = colorDepth
        self.screen = ScreenBuffer(size: size)
    }

    public func update(_ runs: [CellRun]) {
        updates += 1
        for run in runs {
            var x = run.x
            for cell in run.cells {
                precondition(SafeText.isClean(cell.text), "a control character reached the terminal")
                if x < size.width, run.y < size.height { screen[x, run.y] = cell }
                x += 1
                cellsWritten += 1
            }
        }
    }

    public func readInput(timeoutMillis: Int) -> [InputEvent] {
        defer { pendingInput.removeAll() }
        return pendingInput
    }

    public func restore() { restored = true }

    /// Changes the size, as a window resize would, and queues the resize event.
    public func resize(to newSize: Size) {
        size = newSize
        screen = ScreenBuffer(size: newSize)
        pendingInput.append(.resize(newSize))
    }

    /// The screen's rows, trailing spaces trimmed.
    public var lines: [String] { screen.lines }
    /// The screen as one string, rows joined by newlines.
    public var text: String { lines.joined(separator: "\n") }
}
