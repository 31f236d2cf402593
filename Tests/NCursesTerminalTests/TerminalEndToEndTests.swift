import TmuxHarness
import Foundation
import SafeText
import Testing
import TerminalUI

/// NCursesTerminal for real: `rewind-term-check` in tmux, driven with keys, mouse bytes,
/// resizes and signals, its screen read back as text. One tmux server per test, killed at the
/// end. Serialized: the machine has two cores and each test starts a program and a server.
@Suite(.serialized, .enabled(if: TmuxSession.isAvailable, "tmux is not installed (apt-get install tmux); the end-to-end terminal tests need it"))
struct TerminalEndToEndTests {
    @Test func hostileTextIsShownEscapedAndTheTitleIsUntouched() throws {
        let session = try TermCheckProgram.start()
        defer { session.kill() }
        let screen = try session.capture()
        #expect(screen.contains("hostile: " + TermCheckProgram.escapedHostile + "<"))
        #expect(!screen.contains("\u{1B}"))
        #expect(try session.format("#{pane_title}") != "pwned")
        #expect(try session.format("#{alternate_on}") == "1")
    }

    @Test func wideCharactersKeepTheColumnsAligned() throws {
        let session = try TermCheckProgram.start()
        defer { session.kill() }
        let rows = try session.lines().prefix(30)
        // Every row of the frame, border included, is exactly as wide as the window.
        for (y, row) in rows.enumerated() {
            #expect(DisplayWidth.of(row) == 100, "row \(y) is \(DisplayWidth.of(row)) columns: \(row)")
        }
        let row = try #require(rows.first { $0.contains("hostile: ") })
        let before = try #require(row.range(of: "x<")).lowerBound
        // "│ hostile: " then the escaped text up to the x, at the columns the buffer gave it.
        let expected = 2 + DisplayWidth.of("hostile: " + TermCheckProgram.escapedHostile.dropLast())
        #expect(DisplayWidth.of(String(row[..<before])) == expected)
        #expect(rows.last?.hasPrefix("└") == true && rows.last?.hasSuffix("┘") == true)
    }

    @Test func stylesReachTheTerminalInColour() throws {
        let session = try TermCheckProgram.start()
        defer { session.kill() }
        let styled = try session.capture(withStyles: true)
        #expect(try session.capture().contains("colours: 256 colours"))
        #expect(styled.contains("38;5;"), "no 256-colour foreground in:\n\(styled)")
        #expect(styled.contains("\u{1B}[1m") || styled.contains(";1m") || styled.contains("[1;"), "no bold in:\n\(styled)")
    }

    @Test func noColorDrawsWithAttributesOnly() throws {
        let session = try TermCheckProgram.start(environment: ["NO_COLOR": "1"])
        defer { session.kill() }
        #expect(try session.capture().contains("colours: no colour"))
        let styled = try session.capture(withStyles: true)
        #expect(!styled.contains("38;5;") && !styled.contains("48;5;"), "colours under NO_COLOR:\n\(styled)")
        #expect(styled.contains("7m"), "the selection (status line) is not reverse:\n\(styled)")
    }

    @Test func keysAreDecoded() throws {
        let session = try TermCheckProgram.start()
        defer { session.kill() }
        let cases: [(String, String)] = [
            ("Up", "key: ↑"), ("Down", "key: ↓"), ("Left", "key: ←"), ("Right", "key: →"),
            ("Escape", "key: Esc"), ("Enter", "key: Enter"), ("Tab", "key: Tab"), ("BTab", "key: Shift-Tab"),
            ("BSpace", "key: Backspace"), ("DC", "key: Delete"), ("Home", "key: Home"), ("End", "key: End"),
            ("PPage", "key: PgUp"), ("NPage", "key: PgDn"), ("F5", "key: F5"), ("C-c", "key: Ctrl-C"),
            ("C-a", "key: Ctrl-A"), ("j", "key: j"),
        ]
        for (key, shown) in cases {
            try session.send(key)
            try session.waitFor("status: \(shown) ")
        }
        try session.type("é")
        try session.waitFor("status: key: é ")
    }

    @Test func keysUnknownToTheTerminfoEntryAreStillDecoded() throws {
        // Inside tmux with TERM=xterm-256color, Home and End arrive as ESC [ 1 ~ and ESC [ 4 ~,
        // which that entry does not list; a focus report is dropped, not typed.
        let session = try TermCheckProgram.start(term: "xterm-256color")
        defer { session.kill() }
        try session.send("Home")
        try session.waitFor("status: key: Home ")
        try session.send("End")
        try session.waitFor("status: key: End ")
        try session.sendBytes([0x1B, 0x5B, 0x49])  // focus in
        try session.type("k")
        try session.waitFor("status: key: k ")
        #expect(try session.capture().contains("events: 3 "))
        // SGR mouse reports under this entry.
        try session.sendBytes(Array("\u{1B}[<0;6;4M".utf8))
        try session.waitFor("status: mouse: press 1 at 5,3 ")
    }

    @Test func escapeAloneArrivesWithoutWaitingForMore() throws {
        let session = try TermCheckProgram.start()
        defer { session.kill() }
        let start = Date()
        try session.send("Escape")
        try session.waitFor("status: key: Esc ")
        #expect(Date().timeIntervalSince(start) < 1.0)
    }

    @Test func mouseReportsAreDecoded() throws {
        let session = try TermCheckProgram.start()
        defer { session.kill() }
        // X10 reports: ESC [ M, then 32 + button code, 32 + 1 + column, 32 + 1 + row.
        func report(_ code: UInt8, _ x: UInt8, _ y: UInt8) -> [UInt8] { [0x1B, 0x5B, 0x4D, 32 + code, 33 + x, 33 + y] }
        try session.sendBytes(report(0, 5, 3))
        try session.waitFor("status: mouse: press 1 at 5,3 ")
        try session.sendBytes(report(32, 7, 3))  // motion with button 1 held
        try session.waitFor("status: mouse: drag 1 at 7,3 ")
        try session.sendBytes(report(3, 7, 4))
        try session.waitFor("status: mouse: release at 7,4 ")
        try session.sendBytes(report(64, 2, 2))
        try session.waitFor("status: mouse: scroll up at 2,2 ")
        try session.sendBytes(report(65, 2, 2))
        try session.waitFor("status: mouse: scroll down at 2,2 ")
        try session.sendBytes(report(2, 9, 9))
        try session.waitFor("status: mouse: press 3 at 9,9 ")
    }

    @Test func resizeRedrawsAtTheNewSize() throws {
        let session = try TermCheckProgram.start()
        defer { session.kill() }
        try session.resize(width: 80, height: 20)
        try session.waitFor("status: resize: 80x20 ")
        try session.waitFor("size: 80x20")
        let rows = try session.lines()
        #expect(rows[0] == "┌" + String(repeating: "─", count: 78) + "┐")
        #expect(rows[19] == "└" + String(repeating: "─", count: 78) + "┘")
        for y in 1..<19 { #expect(DisplayWidth.of(rows[y]) == 80 && rows[y].hasSuffix("│"), "row \(y): \(rows[y])") }
        try session.resize(width: 100, height: 30)
        try session.waitFor("status: resize: 100x30 ")
        #expect(try session.lines()[29].hasSuffix("┘"))
    }
}
