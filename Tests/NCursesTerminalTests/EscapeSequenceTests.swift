import Testing
import TerminalUI
@testable import NCursesTerminal

/// Escape sequences ncurses hands over byte by byte: decoded, or dropped whole.
@Suite struct EscapeSequenceTests {
    /// Decodes what follows an Esc in `text`; returns the result and what was left unread.
    func decode(_ text: String) -> (EscapeSequenceDecoder.Result, rest: String) {
        var inputs = text.unicodeScalars.map { Curses.Input.character($0.value) }[...]
        let result = EscapeSequenceDecoder.decode { inputs.popFirst() }
        return (result, String(String.UnicodeScalarView(inputs.compactMap { input -> Unicode.Scalar? in
            if case .character(let c) = input { return Unicode.Scalar(c) }
            return nil
        })))
    }

    @Test(arguments: [
        ("[1~", Key.home), ("[4~", .end), ("[7~", .home), ("[8~", .end), ("[H", .home), ("[F", .end),
        ("OH", .home), ("OF", .end), ("[2~", .insert), ("[3~", .delete), ("[5~", .pageUp), ("[6~", .pageDown),
        ("[A", .up), ("OB", .down), ("[1;5C", .right), ("[1;2D", .left), ("[Z", .backTab),
        ("OP", .function(1)), ("[15~", .function(5)), ("[24~", .function(12)), ("[1;2P", .function(1)),
    ])
    func knownSequencesBecomeKeys(sequence: String, key: Key) {
        let (result, rest) = decode(sequence + "x")
        #expect(result == .key(key))
        #expect(rest == "x")
    }

    @Test(arguments: ["[I", "[O", "[200~", "[<0;5M", "[<0;0;5M", "[?1;2c", "[99~", "Oz", "[M\u{1F}!!"])
    func unknownSequencesAreDroppedWhole(sequence: String) {
        let (result, rest) = decode(sequence + "x")
        #expect(result == .dropped)
        #expect(rest == "x")
    }

    @Test func escapeFollowedByAnythingElseIsEscape() {
        #expect(decode("").0 == .escape(next: nil))
        let (result, rest) = decode("q")
        #expect(result == .escape(next: .character(UInt32(("q" as Unicode.Scalar).value))))
        #expect(rest == "")
    }

    @Test func aSequenceCutShortIsDropped() {
        #expect(decode("[1").0 == .dropped)
        #expect(decode("[" + String(repeating: "1", count: 40)).0 == .dropped)
    }

    /// Mouse reports whose bytes came too late for ncurses: decoded, not lost (the CI flake
    /// where a click on the timeline did nothing).
    @Test func mouseReportsAreDecoded() {
        typealias Report = EscapeSequenceDecoder.MouseReport
        // X10: button, x, y each + 32, coordinates 1-based; beyond 95 the bytes are not ASCII.
        var (result, rest) = decode("[M !!x")
        #expect(result == .mouse(Report(code: 0, x: 0, y: 0)))
        #expect(rest == "x")
        (result, _) = decode("[M#\u{94}H")
        #expect(result == .mouse(Report(code: 3, x: 115, y: 39)))
        // SGR: decimal fields, M press and m release.
        (result, rest) = decode("[<0;117;40Mx")
        #expect(result == .mouse(Report(code: 0, x: 116, y: 39)))
        #expect(rest == "x")
        #expect(decode("[<0;3;4m").0 == .mouse(Report(code: 0, x: 2, y: 3, released: true)))
        #expect(decode("[<65;1;1M").0 == .mouse(Report(code: 65, x: 0, y: 0)))
        // Cut short: dropped, never a click somewhere else.
        #expect(decode("[M !").0 == .dropped)
    }

    @Test func rawReportsBecomeTheSameEventsAsNcursesStates() {
        typealias Report = EscapeSequenceDecoder.MouseReport
        var decoder = MouseDecoder()
        #expect(decoder.decode(report: Report(code: 0, x: 4, y: 2)) == MouseEvent(kind: .press(button: 1), x: 4, y: 2))
        #expect(decoder.decode(report: Report(code: 32, x: 5, y: 2)) == MouseEvent(kind: .drag(button: 1), x: 5, y: 2))
        #expect(decoder.decode(report: Report(code: 35, x: 6, y: 2)) == MouseEvent(kind: .drag(button: 1), x: 6, y: 2))
        #expect(decoder.decode(report: Report(code: 3, x: 6, y: 3)) == MouseEvent(kind: .release, x: 6, y: 3))
        #expect(decoder.decode(report: Report(code: 35, x: 1, y: 1)) == nil)
        #expect(decoder.decode(report: Report(code: 2, x: 1, y: 1)) == MouseEvent(kind: .press(button: 3), x: 1, y: 1))
        #expect(decoder.decode(report: Report(code: 2, x: 1, y: 1, released: true)) == MouseEvent(kind: .release, x: 1, y: 1))
        #expect(decoder.decode(report: Report(code: 64, x: 0, y: 0)) == MouseEvent(kind: .scrollUp, x: 0, y: 0))
        #expect(decoder.decode(report: Report(code: 65, x: 0, y: 0)) == MouseEvent(kind: .scrollDown, x: 0, y: 0))
    }
}
