import Foundation
import TerminalUI

/// A terminal for benchmarks: encodes every run as the escape sequences a real terminal would
/// get (cursor moves, SGR colours, UTF-8 text) and throws the bytes away; input is scripted.
///
/// Encoding is included so "finished frame" covers the output work, not only the diff.
final class BenchTerminal: Terminal {
    let size: Size
    let colorDepth: ColorDepth = .colors256
    var queued: [InputEvent] = []
    private(set) var bytesWritten = 0
    private var out: [UInt8] = []

    init(size: Size) { self.size = size }

    func update(_ runs: [CellRun]) {
        out.removeAll(keepingCapacity: true)
        var last: Style?
        for run in runs {
            out += Array("\u{1B}[\(run.y + 1);\(run.x + 1)H".utf8)
            for cell in run.cells where !cell.isContinuation {
                if cell.style != last {
                    out += Array(sgr(cell.style).utf8)
                    last = cell.style
                }
                out += Array(cell.text.utf8)
            }
        }
        bytesWritten += out.count
    }

    private func sgr(_ s: Style) -> String {
        var codes = ["0"]
        if s.attributes.contains(.bold) { codes.append("1") }
        if s.attributes.contains(.reverse) { codes.append("7") }
        if case .indexed(let i) = s.foreground { codes.append("38;5;\(i)") }
        if case .indexed(let i) = s.background { codes.append("48;5;\(i)") }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }

    func readInput(timeoutMillis: Int) -> [InputEvent] {
        if !queued.isEmpty {
            defer { queued.removeAll() }
            return queued
        }
        if timeoutMillis > 0 { usleep(UInt32(timeoutMillis) * 1000) }
        return []
    }

    func restore() {}
}
