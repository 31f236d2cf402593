@testable import SafeText
import Testing

/// The one sanitizer: each class of dangerous character is escaped, with one spelling, and
/// nothing else is touched.
@Suite struct SafeTextTests {
    @Test func escapeAndControlSequencesAreSpeltOneWay() {
        #expect(SafeText.escape("\u{1B}]52;c;Y2F0\u{07}") == "\\e]52;c;Y2F0\\x07")
        #expect(SafeText.escape("\u{1B}[2J") == "\\e[2J")
        #expect(SafeText.escape("a\nb\rc\td") == "a\\nb\\rc\\td")
        #expect(SafeText.escape("\u{0}\u{8}\u{7F}") == "\\x00\\x08\\x7F")
    }

    @Test func c1ControlsAreEscaped() {
        #expect(SafeText.escape("\u{9B}31m") == "\\x9B31m")
        #expect(SafeText.escape("\u{85}\u{9D}") == "\\x85\\x9D")
        #expect(SafeText.isClean("a\u{A0}b"))
    }

    @Test func bidiOverridesMarksAndIsolatesAreEscaped() {
        for v: UInt32 in [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069] {
            let s = "a" + String(Character(Unicode.Scalar(v)!)) + "b"
            #expect(!SafeText.isClean(s))
            #expect(SafeText.escape(s) == "a\\u{" + String(v, radix: 16, uppercase: true).leftPadded(4) + "}b")
        }
        #expect(SafeText.isClean("שלום مرحبا"))
    }

    @Test func zeroWidthJoinersSpacesAndTheBOMAreEscaped() {
        #expect(SafeText.escape("a\u{200D}b") == "a\\u{200D}b")
        #expect(SafeText.escape("a\u{200C}b") == "a\\u{200C}b")
        #expect(SafeText.escape("a\u{200B}b") == "a\\u{200B}b")
        #expect(SafeText.escape("a\u{2060}b") == "a\\u{2060}b")
        #expect(SafeText.escape("\u{FEFF}x") == "\\u{FEFF}x")
        #expect(SafeText.escape("a\u{180E}b") == "a\\u{180E}b")
    }

    @Test func lineAndParagraphSeparatorsAreEscaped() {
        #expect(SafeText.escape("a\u{2028}b\u{2029}c") == "a\\u{2028}b\\u{2029}c")
        #expect(SafeText.escape("\u{FFF9}x\u{FFFB}") == "\\u{FFF9}x\\u{FFFB}")
    }

    @Test func invalidUTF8BytesAreShownOneByOne() {
        #expect(SafeText.escape(bytes: [0x61, 0xFF, 0x62]) == "a\\xFFb")
        #expect(SafeText.escape(bytes: [0xC0, 0xAF]) == "\\xC0\\xAF")  // overlong '/'
        #expect(SafeText.escape(bytes: [0xED, 0xA0, 0x80]) == "\\xED\\xA0\\x80")  // a surrogate
        #expect(SafeText.escape(bytes: [0xE6, 0x97]) == "\\xE6\\x97")  // cut short
        #expect(SafeText.escape(bytes: Array("日本\u{1B}".utf8)) == "日本\\e")
    }

    @Test func utf8CheckSaysWhereTheFirstBadByteIs() {
        #expect(UTF8Check.firstProblem(in: Array("ok\nfine ü".utf8)) == nil)
        let p = UTF8Check.firstProblem(in: Array("a = 1\nb = \"".utf8) + [0xFE] + [0x22])
        #expect(p == UTF8Check.Problem(offset: 11, line: 2, column: 6))
    }

    @Test func escapingIsIdempotent() {
        let hostile = "\u{1B}]0;x\u{07}\u{202E}\u{200D}\u{2028}\u{9B}\u{FEFF}日本"
        let once = SafeText.escape(hostile)
        #expect(SafeText.isClean(once))
        #expect(SafeText.escape(once) == once)
    }

    @Test func ordinaryTextIsUntouched() {
        for s in ["plain", "日本語", "👍🏽", "e\u{301}", "❤️", "tab-free, \"quoted\" \\ back"] {
            #expect(SafeText.escape(s) == s)
        }
    }

    @Test func escapeKeepingLinesKeepsOnlyLineFeeds() {
        #expect(SafeText.escapeKeepingLines("one\u{1B}\ntwo\rthree") == "one\\e\ntwo\\rthree")
    }

    @Test func wideCharactersTakeTwoColumnsAndPaddingCountsColumns() {
        #expect(DisplayWidth.of("日本語") == 6)
        #expect(DisplayWidth.of("🙂") == 2)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(SafeText.padded("日本", to: 6) == "日本  ")
        #expect(DisplayWidth.of(SafeText.padded("日本語です", to: 7)) == 7)
        #expect(SafeText.preview("\u{1B}[31mred", columns: 5) == "\\e[3…")
    }

    @Test func trimmedRemovesWhiteSpaceAtBothEnds() {
        #expect("  a b\t\n".trimmed() == "a b")
        #expect(" \t ".trimmed() == "")
        #expect("x".trimmed() == "x")
    }
}

private extension String {
    func leftPadded(_ n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
