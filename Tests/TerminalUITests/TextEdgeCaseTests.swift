import SafeText
import Testing
@testable import TerminalUI

/// The hard cases of putting text on a terminal: wide characters, emoji, combining marks,
/// bidi controls, C1 controls, and wide characters cut in half.
@Suite struct TextEdgeCaseTests {
    @Test func widths() {
        #expect(DisplayWidth.of("日本語") == 6)
        #expect(DisplayWidth.of("한글") == 4)
        #expect(DisplayWidth.of("🙂") == 2)
        #expect(DisplayWidth.of("❤️") == 2)  // U+2764 + FE0F: emoji presentation
        #expect(DisplayWidth.of("❤") == 1)  // text presentation
        #expect(DisplayWidth.of("e\u{301}") == 1)  // é as e + combining acute
        #expect(DisplayWidth.of("👍🏽") == 2)  // skin-tone modifier joins the thumb
        #expect(DisplayWidth.of("ｱ") == 1)  // halfwidth katakana
        #expect(DisplayWidth.of("Ａ") == 2)  // fullwidth A
        #expect(DisplayWidth.of("a\u{200B}b") == 2)  // zero-width space
    }

    @Test func combiningMarksStayWithTheirLetter() {
        var b = ScreenBuffer(size: Size(width: 10, height: 1))
        #expect(b.write("e\u{301}x", x: 0, y: 0, style: .plain) == 2)
        #expect(b[0, 0].text == "e\u{301}")
        #expect(b[1, 0].text == "x")
        // A combining mark with nothing before it draws nothing rather than joining a cell.
        var c = ScreenBuffer(size: Size(width: 10, height: 1))
        #expect(c.write("\u{301}y", x: 0, y: 0, style: .plain) == 1)
        #expect(c.lines[0] == "y")
    }

    @Test func emojiWithVariationSelectorTakesTwoCells() {
        var b = ScreenBuffer(size: Size(width: 10, height: 1))
        #expect(b.write("❤️x", x: 0, y: 0, style: .plain) == 3)
        #expect(b[0, 0].width == 2 && b[1, 0].isContinuation && b[2, 0].text == "x")
    }

    @Test func cjkRowKeepsLaterTextAtItsColumn() {
        var b = ScreenBuffer(size: Size(width: 12, height: 1))
        let n = b.write("日本🙂", x: 1, y: 0, style: .plain)
        #expect(n == 6)
        b.write("|", x: 1 + n, y: 0, style: .plain)
        #expect(b.lines[0] == " 日本🙂|")
        #expect(DisplayWidth.of(b.line(0)) == 12)
    }

    @Test func bidiOverridesAndIsolatesAreEscaped() {
        for scalar in [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C] {
            let s = "a" + String(Character(Unicode.Scalar(UInt32(scalar))!)) + "b"
            #expect(!SafeText.isClean(s), "U+\(String(scalar, radix: 16)) passes")
            #expect(SafeText.escape(s).hasPrefix("a\\u{"))
        }
        // Right-to-left letters themselves are fine: only the controls are dangerous.
        #expect(SafeText.isClean("שלום"))
    }

    @Test func c0C1AndDelAreEscaped() {
        #expect(SafeText.escape("\u{1B}[31m") == "\\e[31m")
        #expect(SafeText.escape("\u{9B}31m") == "\\x9B31m")  // C1 CSI
        #expect(SafeText.escape("\u{85}") == "\\x85")  // NEL
        #expect(SafeText.escape("a\u{7F}b") == "a\\x7Fb")
        #expect(SafeText.escape("\u{07}\u{08}\u{0D}") == "\\x07\\x08\\r")
        #expect(SafeText.escape("tab\there") == "tab\\there")
        #expect(SafeText.escape("\u{1B}]0;pwned\u{07}") == "\\e]0;pwned\\x07")
        // Non-breaking space (U+00A0) is just after C1 and must pass.
        #expect(SafeText.isClean("a\u{A0}b"))
    }

    @Test func everyStoredCellIsClean() {
        var b = ScreenBuffer(size: Size(width: 60, height: 2))
        let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}\u{202E}\u{85}\u{0}日本🙂x"
        b.write(hostile, x: 0, y: 0, style: .plain)
        for cell in b.cells { #expect(SafeText.isClean(cell.text)) }
        #expect(b.lines[0] == "\\e]0;pwned\\x07\\e[2J\\x9B\\u{202E}\\x85\\x00日本🙂x")
    }

    @Test func overwritingTheRightHalfOfAWideCharacterBlanksItsLeftHalf() {
        var b = ScreenBuffer(size: Size(width: 6, height: 1))
        b.write("日本", x: 0, y: 0, style: .plain)
        b.write("x", x: 1, y: 0, style: .plain)
        #expect(b[0, 0] == Cell(text: " ", width: 1))
        #expect(b[1, 0].text == "x")
        #expect(b[2, 0].text == "本")
        #expect(b.lines[0] == " x本")
    }

    @Test func overwritingTheLeftHalfOfAWideCharacterBlanksItsRightHalf() {
        var b = ScreenBuffer(size: Size(width: 6, height: 1))
        b.write("日本", x: 0, y: 0, style: .plain)
        b.write("y", x: 2, y: 0, style: .plain)
        #expect(b[2, 0].text == "y")
        #expect(b[3, 0] == Cell(text: " ", width: 1))
        #expect(b.lines[0] == "日y")
        for x in 0..<6 where b[x, 0].isContinuation { #expect(x > 0 && b[x - 1, 0].width == 2) }
    }

    @Test func aWideCharacterOverAnotherShiftedByOne() {
        var b = ScreenBuffer(size: Size(width: 6, height: 1))
        b.write("日本", x: 0, y: 0, style: .plain)
        b.write("語", x: 1, y: 0, style: .plain)
        #expect(b.line(0) == " 語   ")  // 日 lost its left half, 本 its right half
        for x in 0..<6 where b[x, 0].isContinuation { #expect(x > 0 && b[x - 1, 0].width == 2) }
    }

    @Test func aWideCharacterAtTheRightEdgeBecomesASpace() {
        var b = ScreenBuffer(size: Size(width: 5, height: 1))
        #expect(b.write("abcd日", x: 0, y: 0, style: .plain) == 5)
        #expect(b[4, 0].text == " ")
        #expect(!b.cells.contains { $0.isContinuation })
    }

    @Test func diffRunsNeverStartOnAContinuation() {
        var a = ScreenBuffer(size: Size(width: 8, height: 1))
        a.write("日本", x: 0, y: 0, style: .plain)
        var b = a
        b.restyle(Rect(x: 1, y: 0, width: 1, height: 1), with: Style(attributes: .bold))
        for run in b.diff(from: a) {
            #expect(!run.cells[0].isContinuation)
            #expect(run.x == 0)
        }
    }

    @Test func textWrittenAtNegativeColumnsIsClipped() {
        var b = ScreenBuffer(size: Size(width: 4, height: 1))
        b.write("ab日c", x: -2, y: 0, style: .plain)
        #expect(b.lines[0] == "日c")
    }
}
