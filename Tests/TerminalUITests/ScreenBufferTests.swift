import SafeText
import Testing
@testable import TerminalUI

@Suite struct ScreenBufferTests {
    @Test func controlCharactersAreShownEscaped() {
        var b = ScreenBuffer(size: Size(width: 40, height: 2))
        b.write("a\u{1B}[31mb\u{202E}c\u{9B}d", x: 0, y: 0, style: .plain)
        #expect(b.lines[0] == "a\\e[31mb\\u{202E}c\\x9Bd")
        for c in b.cells { #expect(SafeText.isClean(c.text)) }
    }

    @Test func wideCharactersTakeTwoColumnsAndKeepAlignment() {
        var b = ScreenBuffer(size: Size(width: 10, height: 1))
        let n = b.write("日本x", x: 0, y: 0, style: .plain)
        #expect(n == 5)
        #expect(b[1, 0].isContinuation)
        #expect(b.lines[0] == "日本x")
        // Clipped in the middle of a wide character: a space keeps the columns.
        var c = ScreenBuffer(size: Size(width: 10, height: 1))
        #expect(c.write("日本", x: 0, y: 0, style: .plain, maxWidth: 3) == 3)
        #expect(c.lines[0] == "日")
        #expect(c[2, 0].text == " ")
    }

    @Test func diffSendsOnlyChangedCells() {
        var a = ScreenBuffer(size: Size(width: 20, height: 3))
        a.write("hello", x: 0, y: 1, style: .plain)
        var b = a
        b.write("J", x: 0, y: 1, style: .plain)
        let runs = b.diff(from: a)
        #expect(runs.count == 1)
        #expect(runs[0].x == 0 && runs[0].y == 1 && runs[0].cells.count == 1)
        #expect(b.diff(from: b).isEmpty)
        #expect(b.diff(from: nil).reduce(0) { $0 + $1.cells.count } == 60)
    }

    @Test func zeroSizedAreasDrawNothing() {
        var b = ScreenBuffer(size: Size(width: 0, height: 0))
        #expect(b.write("x", x: 0, y: 0, style: .plain) == 0)
        b.fill(Rect(x: -3, y: -3, width: 10, height: 10))
        #expect(b.cells.isEmpty)
    }
}

@Suite struct TableTests {
    @Test func leastImportantColumnsGoFirstAndNothingPassesTheEdge() {
        let columns: [Table.Column] = [
            .init(width: 10, priority: 0), .init(width: 10, priority: 2), .init(width: 10, priority: 1, flexible: true),
        ]
        let wide = Table(columns, x: 0, width: 50)
        #expect(wide.widths == [10, 10, 28])
        let narrow = Table(columns, x: 0, width: 25)
        #expect(narrow.widths == [10, 0, 14])
        var b = ScreenBuffer(size: Size(width: 25, height: 1))
        narrow.draw(["a-very-long-name", "hidden", "1380000 and more"], y: 0, style: .plain, into: &b)
        #expect(b.lines[0] == "a-very-lo… 1380000 and m…")
        let tiny = Table(columns, x: 0, width: 4)
        #expect(tiny.widths.reduce(0, +) <= 4)
    }
}
