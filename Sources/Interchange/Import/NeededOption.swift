/// An option the input needs but the command did not give, with a value that would work and
/// why it is needed.
///
/// A record that cannot be read without options carries every one it lacks (`RecordError.needs`),
/// not just the first, and a failed import lists the options of all its reported records at once
/// (`NeededOption.advice`), so that one re-run with the suggested values is enough.
public struct NeededOption: Sendable, Equatable {
    /// The option as typed, e.g. `--stream-from`.
    public var option: String
    /// A value that works for the records seen, already quoted for a shell when it needs to be,
    /// e.g. `key` or `'{topic}'`.
    public var suggestion: String
    /// Why it is needed, e.g. "the messages have no key".
    public var why: String

    public init(_ option: String, _ suggestion: String, because why: String) {
        self.option = option
        self.suggestion = Self.shellWord(suggestion)
        self.why = why
    }

    /// The order options are listed in, whatever order records found them in.
    static let order = ["--stream-from", "--key-columns", "--type-from", "--data-from", "--id-from", "--version-from", "--time-from"]

    /// One message naming every option that `needs` holds (each once, the first suggestion for
    /// it wins), or nil when there is none.
    public static func advice(_ needs: [NeededOption]) -> String? {
        var unique: [NeededOption] = []
        for need in needs where !unique.contains(where: { $0.option == need.option }) { unique.append(need) }
        guard !unique.isEmpty else { return nil }
        unique.sort { (order.firstIndex(of: $0.option) ?? order.count) < (order.firstIndex(of: $1.option) ?? order.count) }
        let command = unique.map { "\($0.option) \($0.suggestion)" }.joined(separator: " ")
        var lines = ["the input needs \(unique.count == 1 ? "an option" : "\(unique.count) options") the command did not give; run again with: \(command)"]
        for need in unique { lines.append("  \(need.option) \(need.suggestion): \(need.why)") }
        return lines.joined(separator: "\n")
    }

    /// The options every error in `errors` needs, in order.
    public static func collected(from errors: [RecordError]) -> [NeededOption] {
        errors.flatMap(\.needs)
    }

    /// A suggestion as one shell word: single-quoted when it holds anything but plain characters.
    static func shellWord(_ text: String) -> String {
        if text.hasPrefix("'") && text.hasSuffix("'") && text.count >= 2 { return text }
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { s in
            (s.value >= 0x30 && s.value <= 0x39) || (s.value | 0x20 >= 0x61 && s.value | 0x20 <= 0x7A) || ":._-/,=@".unicodeScalars.contains(s)
        }
        guard !plain else { return text }
        var out = "'"
        for ch in text { out += ch == "'" ? "'\\''" : String(ch) }
        return out + "'"
    }
}

/// Suggestions for where a field may be, from the names an input has.
enum FieldGuess {
    /// The first name among `names` that contains one of `hints` (case-insensitively), tried
    /// hint by hint, so that earlier hints win.
    static func name(in names: [String], hints: [String]) -> String? {
        for hint in hints {
            if let found = names.first(where: { $0.lowercased().contains(hint) }) { return found }
        }
        return nil
    }
}
