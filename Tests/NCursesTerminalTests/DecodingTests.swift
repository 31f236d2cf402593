import Testing
import TerminalUI
@testable import NCursesTerminal

/// The parts of NCursesTerminal that need no terminal: key and mouse decoding, colour pairs,
/// colour depth.
@Suite struct DecodingTests {
    @Test func controlBytesBecomeKeys() {
        #expect(KeyDecoder.key(forCharacter: 3) == .ctrl("c"))
        #expect(KeyDecoder.key(forCharacter: 26) == .ctrl("z"))
        #expect(KeyDecoder.key(forCharacter: 13) == .enter)
        #expect(KeyDecoder.key(forCharacter: 10) == .enter)
        #expect(KeyDecoder.key(forCharacter: 9) == .tab)
        #expect(KeyDecoder.key(forCharacter: 27) == .escape)
        #expect(KeyDecoder.key(forCharacter: 127) == .backspace)
        #expect(KeyDecoder.key(forCharacter: 8) == .backspace)
        #expect(KeyDecoder.key(forCharacter: 0) == .ctrl(" "))
        #expect(KeyDecoder.key(forCharacter: 0x1D) == .ctrl("]"))
        #expect(KeyDecoder.key(forCharacter: 0x9B) == nil)
        #expect(KeyDecoder.key(forCharacter: 0xD800) == nil)
        #expect(KeyDecoder.key(forCharacter: UInt32(("q" as Unicode.Scalar).value)) == .character("q"))
        #expect(KeyDecoder.key(forCharacter: 0x65E5) == .character("日"))
    }

    @Test func keyCodesBecomeKeys() {
        // KEY_F0 is octal 410; KEY_F(n) is KEY_F0 + n.
        #expect(KeyDecoder.key(forKeyCode: 0o410 + 5) == .function(5))
        #expect(KeyDecoder.key(forKeyCode: 0o410 + 12) == .function(12))
        #expect(KeyDecoder.key(forKeyCode: 0o403) == .up)  // KEY_UP
        #expect(KeyDecoder.key(forKeyCode: 0o541) == .backTab)  // KEY_BTAB
        #expect(KeyDecoder.key(forKeyCode: 0o527) == .enter)  // KEY_ENTER
        #expect(KeyDecoder.key(forKeyCode: 0o632) == nil)  // KEY_RESIZE is not a key
    }

    @Test func mouseStatesBecomeEvents() {
        var decoder = MouseDecoder()
        #expect(decoder.decode(state: MouseDecoder.pressed(1), x: 4, y: 2) == MouseEvent(kind: .press(button: 1), x: 4, y: 2))
        #expect(decoder.heldButton == 1)
        #expect(decoder.decode(state: MouseDecoder.position, x: 6, y: 2) == MouseEvent(kind: .drag(button: 1), x: 6, y: 2))
        #expect(decoder.decode(state: MouseDecoder.released(1), x: 6, y: 3) == MouseEvent(kind: .release, x: 6, y: 3))
        #expect(decoder.heldButton == nil)
        // Motion with no button held (any-motion tracking) is not a drag.
        #expect(decoder.decode(state: MouseDecoder.position, x: 1, y: 1) == nil)
        #expect(decoder.decode(state: MouseDecoder.pressed(4), x: 0, y: 0) == MouseEvent(kind: .scrollUp, x: 0, y: 0))
        #expect(decoder.decode(state: MouseDecoder.pressed(5), x: 0, y: 0) == MouseEvent(kind: .scrollDown, x: 0, y: 0))
        #expect(decoder.decode(state: MouseDecoder.released(4), x: 0, y: 0) == nil)
    }

    @Test func colorPairsAreCachedAndFallBackWhenFull() {
        var table = ColorPairTable(capacity: 3)  // pairs 1 and 2 are usable
        var defined: [Int32] = []
        func define(_ n: Int32, _ c: ColorPairTable.Colors) -> Bool { defined.append(n); return true }
        let red = ColorPairTable.Colors(foreground: .indexed(196), background: .default)
        let blue = ColorPairTable.Colors(foreground: .indexed(21), background: .default)
        let darkRed = ColorPairTable.Colors(foreground: .indexed(160), background: .default)
        let plain = ColorPairTable.Colors(foreground: .default, background: .default)
        #expect(table.number(for: plain, define: define) == 0)
        #expect(table.number(for: red, define: define) == 1)
        #expect(table.number(for: blue, define: define) == 2)
        #expect(table.number(for: red, define: define) == 1)
        #expect(defined == [1, 2])
        // Full: dark red gets the nearest existing pair (red), and no new definition.
        #expect(table.number(for: darkRed, define: define) == 1)
        #expect(defined == [1, 2])
    }

    @Test func aRefusedPairFallsBackInsteadOfRetrying() {
        var table = ColorPairTable(capacity: 100)
        var attempts = 0
        let colors = ColorPairTable.Colors(foreground: .indexed(1), background: .indexed(4))
        #expect(table.number(for: colors) { _, _ in attempts += 1; return false } == 0)
        #expect(table.number(for: colors) { _, _ in attempts += 1; return false } == 0)
        #expect(attempts == 1)
    }

    @Test func colorDepthFollowsTheTerminalAndNoColor() {
        #expect(NCursesTerminal.colorDepth(colorCount: 256, noColor: false) == .colors256)
        #expect(NCursesTerminal.colorDepth(colorCount: 8, noColor: false) == .colors8)
        #expect(NCursesTerminal.colorDepth(colorCount: 0, noColor: false) == ColorDepth.none)
        #expect(NCursesTerminal.colorDepth(colorCount: 256, noColor: true) == ColorDepth.none)
        #expect(NCursesTerminal.colorDepth(colorCount: 256, noColor: false, override: .colors16) == .colors16)
        // An override cannot add colours the terminal does not have.
        #expect(NCursesTerminal.colorDepth(colorCount: 8, noColor: false, override: .colors256) == .colors8)
        #expect(NCursesTerminal.colorDepth(colorCount: 1 << 24, noColor: false) == .trueColor)
    }
}
