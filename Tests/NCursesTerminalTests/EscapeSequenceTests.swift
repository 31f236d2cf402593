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

    @Test(arguments: ["[I", "[O", "[200~", "[<0;5;5M", "[?1;2c", "[99~", "Oz", "[M !!"])
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
}
