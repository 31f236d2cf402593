import CNcursesw
import TerminalUI

/// Turns what `wget_wch` returns into `Key`s: characters (in raw mode, control bytes too) and
/// ncurses key codes. Pure: no terminal needed, so tests can call it directly.
enum KeyDecoder {
    /// The key for a character `wget_wch` returned with OK; nil for one that means nothing
    /// (a NUL, a lone surrogate).
    static func key(forCharacter code: UInt32) -> Key? {
        switch code {
        case 0x0D, 0x0A: return .enter  // nonl() and raw mode: Enter is \r; some send \n
        case 0x09: return .tab
        case 0x1B: return .escape
        case 0x08, 0x7F: return .backspace  // ^H and DEL: terminals disagree on which
        case 0x00: return .ctrl(" ")  // Ctrl-Space / Ctrl-@
        case 0x01...0x1A:
            // Raw mode: Ctrl-C is byte 3, not SIGINT; Ctrl-Z is 26, not SIGTSTP.
            return .ctrl(Character(Unicode.Scalar(UInt8(0x60 + code))))
        case 0x1C: return .ctrl("\\")
        case 0x1D: return .ctrl("]")
        case 0x1E: return .ctrl("^")
        case 0x1F: return .ctrl("_")
        case 0x80..<0xA0: return nil  // C1 controls are not keys
        default:
            guard let scalar = Unicode.Scalar(code) else { return nil }
            return .character(Character(scalar))
        }
    }

    /// The key for an ncurses key code (`KEY_CODE_YES`); nil for codes the dashboard has no use
    /// for (and for `KEY_RESIZE` and `KEY_MOUSE`, which are not keys).
    static func key(forKeyCode code: Int32) -> Key? {
        switch code {
        case KEY_UP, KEY_SR: return .up
        case KEY_DOWN, KEY_SF: return .down
        case KEY_LEFT, KEY_SLEFT: return .left
        case KEY_RIGHT, KEY_SRIGHT: return .right
        case KEY_HOME, KEY_SHOME, KEY_A1: return .home
        case KEY_END, KEY_SEND, KEY_C1: return .end
        case KEY_PPAGE, KEY_SPREVIOUS, KEY_A3: return .pageUp
        case KEY_NPAGE, KEY_SNEXT, KEY_C3: return .pageDown
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_BACKSPACE: return .backspace
        case KEY_DC, KEY_SDC: return .delete
        case KEY_IC, KEY_SIC: return .insert
        case (KEY_F0 + 1)...(KEY_F0 + 63): return .function(Int(code - KEY_F0))
        default: return nil
        }
    }
}
