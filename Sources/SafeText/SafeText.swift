/// The one sanitizer for untrusted text (event data, stream names, file names, paths, config
/// and theme values, argument values, jq messages) on its way to a terminal.
///
/// Every scalar that could act on the terminal or change where later text lands is replaced by
/// a visible escape, always spelt the same way:
///
/// - C0 controls, DEL and C1 controls: `\e` (ESC), `\n`, `\r`, `\t`, else `\xNN` (`\x07`, `\x9B`);
/// - bidirectional marks, overrides and isolates (U+061C, U+200E/F, U+202A–E, U+2066–9), which
///   reorder what the user sees;
/// - zero-width characters (ZWSP, ZWNJ, ZWJ U+200B–D, word joiner and invisible operators
///   U+2060–4, deprecated format controls U+206A–F, the BOM U+FEFF, Mongolian vowel separator
///   U+180E), which a terminal may join into the previous cell and so shift a column;
/// - the line and paragraph separators U+2028/2029 and the interlinear annotation controls
///   U+FFF9–B, which some terminals and tables treat as line breaks:
///   all as `\u{XXXX}` (four or more upper-case hex digits);
/// - bytes that are not UTF-8 (`escape(bytes:)`): `\xNN`, one per byte.
///
/// What comes out contains none of these, so escaping is idempotent and the output of
/// `escape` may be escaped again (by `ScreenBuffer`, by the CLI's message printer) unchanged.
/// Backslashes themselves are kept as they are: the escapes are for people to read, not a
/// reversible encoding.
public enum SafeText {
    /// True if `s` holds nothing that needs escaping (the fast, common case).
    @inlinable
    public static func isClean(_ s: String) -> Bool {
        for u in s.utf8 {
            if u < 0x20 || u == 0x7F { return false }
            if u >= 0xC2 { return s.unicodeScalars.allSatisfy { !needsEscape($0) } }
        }
        return true
    }

    /// `s` with every scalar `needsEscape` names shown escaped.
    public static func escape(_ s: String) -> String {
        if isClean(s) { return s }
        return escapeScalars(Substring(s))
    }

    /// `s` escaped, keeping its line breaks: each line is escaped on its own and the lines are
    /// joined again with `\n`. For multi-line messages (an error and its fix) whose line
    /// structure is ours; a `\r` or any other control inside a line is still escaped.
    public static func escapeKeepingLines(_ s: String) -> String {
        if isClean(s) { return s }
        return s.split(separator: "\n", omittingEmptySubsequences: false).map { escapeScalars($0) }.joined(separator: "\n")
    }

    /// Text from bytes that may not be UTF-8: valid sequences are decoded (and escaped like
    /// `escape`), every byte of an invalid sequence is shown as `\xNN`.
    public static func escape(bytes: some Collection<UInt8>) -> String {
        var out = ""
        out.reserveCapacity(bytes.count)
        UTF8Check.decode(bytes) { piece in
            switch piece {
            case .scalar(let u): if needsEscape(u) { out += visible(u) } else { out.unicodeScalars.append(u) }
            case .invalid(let byte): out += "\\x" + hex(UInt32(byte), digits: 2)
            }
        }
        return out
    }

    /// `s` escaped and cut to at most `columns` terminal columns, ending with `…` when cut.
    public static func preview(_ s: String, columns: Int) -> String {
        DisplayWidth.truncate(escape(s), to: columns)
    }

    /// `s` escaped, then padded with spaces (or cut) to exactly `columns` terminal columns.
    public static func padded(_ s: String, to columns: Int, alignRight: Bool = false) -> String {
        DisplayWidth.pad(escape(s), to: columns, alignRight: alignRight)
    }

    /// Whether a scalar must not reach the terminal as is.
    @inlinable
    public static func needsEscape(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0) { return true }
        if v < 0x61C { return false }
        switch v {
        case 0x061C, 0x180E, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2064, 0x2066...0x206F,
             0xFEFF, 0xFFF9...0xFFFB:
            return true
        default:
            return false
        }
    }

    /// The visible spelling of a scalar `needsEscape` names.
    public static func visible(_ u: Unicode.Scalar) -> String {
        switch u.value {
        case 0x1B: return "\\e"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0..<0x100: return "\\x" + hex(u.value, digits: 2)
        default: return "\\u{" + hex(u.value, digits: 4) + "}"
        }
    }

    static func escapeScalars(_ s: Substring) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for u in s.unicodeScalars {
            if needsEscape(u) { out += visible(u) } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    static func hex(_ v: UInt32, digits: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
}
