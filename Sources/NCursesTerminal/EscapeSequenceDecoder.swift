import TerminalUI

/// Decodes the escape sequences ncurses passes through undecoded, byte by byte.
///
/// ncurses decodes the keys the terminfo entry lists. Terminals send others: Home and End as
/// `ESC [ 1 ~` and `ESC [ 4 ~` (tmux, rxvt, the Linux console, PuTTY) where the entry says
/// `ESC O H`, focus reports, keys with modifiers. Without this, such a key would arrive as
/// Esc followed by `[`, `1`, `~` — an Esc that closes a dialog and a `[` that runs a
/// command. So when Esc is followed at once by `[` or `O`, the sequence is read to its end:
/// a known one becomes its key, an unknown one is dropped. Esc followed by anything else is
/// Esc, and that next input is handed back to be decoded as usual.
///
/// Mouse reports are sequences too. ncurses decodes an X10 report (`ESC [ M b x y`) itself
/// when its six bytes arrive within the Esc delay; on a loaded machine they may not, and then
/// they come here byte by byte. The report is decoded here rather than lost, as is the SGR
/// form (`ESC [ < b ; x ; y M`, `m` for a release) that some terminals send.
enum EscapeSequenceDecoder {
    /// A mouse report as the terminal sent it: the button code (xterm's: low two bits the
    /// button, 3 a release; +32 motion; +64 wheel) and the 0-based cell.
    struct MouseReport: Equatable {
        var code: Int
        var x: Int
        var y: Int
        /// The SGR form's `m`: a release, whatever the low bits say.
        var released = false
    }

    enum Result: Equatable {
        /// The sequence was a key.
        case key(Key)
        /// The sequence was a mouse report.
        case mouse(MouseReport)
        /// The sequence was read and means nothing to the dashboard.
        case dropped
        /// Not a sequence: Esc itself, then `next` (if any) still to decode.
        case escape(next: Curses.Input?)
    }

    /// The longest sequence read before giving up (real ones are far shorter).
    static let maximumLength = 32

    /// Decodes what follows an Esc; `next` returns the inputs already queued (nil: none) and
    /// `nextByte` the raw bytes of an X10 report's button and coordinates (by default `next`).
    static func decode(next: () -> Curses.Input?, nextByte: (() -> Curses.Input?)? = nil) -> Result {
        guard let first = next() else { return .escape(next: nil) }
        guard case .character(let introducer) = first, introducer == 0x5B || introducer == 0x4F else {
            return .escape(next: first)
        }
        var body: [UInt32] = []
        while body.count < maximumLength {
            guard let input = next(), case .character(let c) = input else { return .dropped }
            body.append(c)
            if introducer == 0x4F { return ss3(c) }
            // CSI: parameter and intermediate bytes 0x20–0x3F, then a final byte 0x40–0x7E.
            if (0x40...0x7E).contains(c) {
                if c == 0x4D && body.count == 1 {
                    // An X10 mouse report ncurses did not take: three more bytes, each +32.
                    var values: [Int] = []
                    for _ in 0..<3 {
                        let input: Curses.Input?
                        if let nextByte { input = nextByte() } else { input = next() }
                        guard case .character(let b)? = input else { return .dropped }
                        values.append(Int(b) - 32)
                    }
                    guard values.allSatisfy({ $0 >= 0 }), values[1] >= 1, values[2] >= 1 else { return .dropped }
                    return .mouse(MouseReport(code: values[0], x: values[1] - 1, y: values[2] - 1))
                }
                return csi(parameters: body.dropLast(), final: c)
            }
            if !(0x20...0x3F).contains(c) { return .dropped }
        }
        return .dropped
    }

    /// The final byte shared by the SS3 (`ESC O A`) and CSI (`ESC [ A`) forms of the cursor
    /// keys, Home and End.
    static func cursorKey(_ c: UInt32) -> Key? {
        switch c {
        case 0x41: return .up
        case 0x42: return .down
        case 0x43: return .right
        case 0x44: return .left
        case 0x48: return .home
        case 0x46: return .end
        default: return nil
        }
    }

    /// `ESC O x`: the application-mode cursor keys and F1–F4.
    static func ss3(_ c: UInt32) -> Result {
        if let key = cursorKey(c) { return .key(key) }
        switch c {
        case 0x4D: return .key(.enter)  // keypad Enter
        case 0x50...0x53: return .key(.function(Int(c) - 0x4F))
        default: return .dropped
        }
    }

    /// `ESC [ parameters final`. Modifiers (`1;5A`: Ctrl-Up) are ignored: the key is the key.
    static func csi(parameters: ArraySlice<UInt32>, final: UInt32) -> Result {
        let text = String(String.UnicodeScalarView(parameters.compactMap(Unicode.Scalar.init)))
        if text.hasPrefix("<"), final == 0x4D || final == 0x6D { return sgrMouse(text.dropFirst(), released: final == 0x6D) }
        if text.hasPrefix("<") || text.hasPrefix("?") || text.hasPrefix(">") { return .dropped }  // SGR mouse, reports
        let first = Int(text.split(separator: ";").first ?? "") ?? 1
        if let key = cursorKey(final) { return .key(key) }
        switch final {
        case 0x5A: return .key(.backTab)
        case 0x50...0x53 where first == 1: return .key(.function(Int(final) - 0x4F))
        case 0x7E: return tilde(first)
        default: return .dropped  // focus in/out (I, O), cursor reports…
        }
    }

    /// `ESC [ n ~`, the VT220 editing and function keys.
    static func tilde(_ n: Int) -> Result {
        switch n {
        case 1, 7: return .key(.home)
        case 4, 8: return .key(.end)
        case 2: return .key(.insert)
        case 3: return .key(.delete)
        case 5: return .key(.pageUp)
        case 6: return .key(.pageDown)
        case 11...15: return .key(.function(n - 10))
        case 17...21: return .key(.function(n - 11))
        case 23, 24: return .key(.function(n - 12))
        default: return .dropped  // 200/201: bracketed paste markers, and the rest
        }
    }

    /// `ESC [ < b ; x ; y M` (or `m`): the SGR mouse report, coordinates 1-based.
    static func sgrMouse(_ text: Substring, released: Bool) -> Result {
        let fields = text.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        guard fields.count == 3, let code = fields[0], let x = fields[1], let y = fields[2],
            code >= 0, x >= 1, y >= 1, x <= 100_000, y <= 100_000
        else { return .dropped }
        return .mouse(MouseReport(code: code, x: x - 1, y: y - 1, released: released))
    }
}
