/// Makes untrusted text (from events) safe to print on a terminal: control characters (C0,
/// DEL, C1), bidirectional overrides and other invisible format characters are shown as
/// escapes (`\x1b`, `\u{202e}`), so no byte of an event ever becomes a control sequence.
enum TextSanitizer {
    static func sanitize(_ text: String) -> String {
        var needs = false
        for s in text.unicodeScalars where isDangerous(s) { needs = true; break }
        if !needs { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for s in text.unicodeScalars {
            if isDangerous(s) {
                if s.value < 0x100 {
                    let h = String(s.value, radix: 16)
                    out += "\\x" + (h.count == 1 ? "0" + h : h)
                } else {
                    out += "\\u{" + String(s.value, radix: 16) + "}"
                }
            } else {
                out.unicodeScalars.append(s)
            }
        }
        return out
    }

    static func isDangerous(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2069, 0x061C, 0xFEFF, 0xFFF9...0xFFFB: return true
        default: return false
        }
    }

    /// Sanitizes and cuts to at most `width` characters, ending with "…" when cut.
    static func preview(_ text: String, width: Int) -> String {
        let clean = sanitize(text)
        guard width > 0 else { return "" }
        if clean.count <= width { return clean }
        return String(clean.prefix(max(0, width - 1))) + "…"
    }
}
