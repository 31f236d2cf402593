/// Makes untrusted text (event data, stream names, file names) safe to show on a terminal.
///
/// Every C0 and C1 control, DEL, and every bidirectional override or isolate is replaced by a
/// visible escape (`\e`, `\n`, `\t`, `\x07`, `\u{202E}`), so no byte of it can reach the terminal
/// as a control sequence or reorder what the user sees. `ScreenBuffer` applies the same rule to
/// anything written into it, so a widget that forgets still cannot leak a control.
public enum SafeText {
    /// True if `s` holds nothing that needs escaping (the fast, common case).
    public static func isClean(_ s: String) -> Bool {
        for u in s.utf8 {
            if u < 0x20 || u == 0x7F { return false }
            if u >= 0xC2 { return s.unicodeScalars.allSatisfy { !needsEscape($0) } }
        }
        return true
    }

    /// `s` with every control and bidi override shown escaped.
    public static func escape(_ s: String) -> String {
        if isClean(s) { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for u in s.unicodeScalars {
            if needsEscape(u) { out += visible(u) } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    /// Whether a scalar must not reach the terminal as is.
    public static func needsEscape(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0) { return true }
        switch v {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    static func visible(_ u: Unicode.Scalar) -> String {
        switch u.value {
        case 0x1B: return "\\e"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0..<0x100: return "\\x" + hex(u.value, digits: 2)
        default: return "\\u{" + hex(u.value, digits: 4) + "}"
        }
    }

    static func hex(_ v: UInt32, digits: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
}
