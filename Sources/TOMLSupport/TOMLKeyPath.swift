/// Key paths as users write them in TOML: `aggregates.account.on."$any"`.
public enum TOMLKeyPath {
    public static func display(_ path: [String]) -> String {
        path.map(part).joined(separator: ".")
    }

    /// A bare key when it can be one, else a quoted key (controls written as `\uXXXX`).
    public static func part(_ key: String) -> String {
        let bare = !key.isEmpty && key.utf8.allSatisfy { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        }
        if bare { return key }
        var out = "\""
        for s in key.unicodeScalars {
            switch s {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if s.value < 0x20 || s.value == 0x7F {
                    let hex = String(s.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(s)
                }
            }
        }
        return out + "\""
    }
}
