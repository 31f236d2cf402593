/// Why a theme cannot be used: the file, the key, the line when known, what is wrong and what
/// to write instead. Its description is the whole message, ready for stderr:
///
///     mine.toml, line 12, roles.selection.bg: 'acent' is not in the palette
///     did you mean 'accent'? the palette names are: accent, bg, fg; or write a colour: …
public struct ThemeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of mistake it is (for callers and tests; the text says it for people).
    public enum Kind: Sendable, Equatable {
        /// No theme by that name (neither built in nor in the themes directory).
        case unknownTheme
        /// The file cannot be read (missing, a directory, not UTF-8…).
        case unreadable
        /// The text is not valid TOML.
        case syntax
        /// A top-level key or table, or a key inside a role, that themes do not have.
        case unknownKey
        /// A role name that is not one of `Role`'s.
        case unknownRole
        /// A colour name that is neither in the palette nor a colour.
        case unknownColor
        /// Something that tries to be a colour and is not (`#12345`, 300).
        case badColor
        /// A key holding the wrong kind of value (`bold = "yes"`).
        case wrongType
        /// A required key is absent (`roles.body`).
        case missingKey
    }

    public var kind: Kind
    /// The file as the user named it, or the source given to `ThemeLoader.parse`.
    public var file: String
    /// The dotted key, e.g. `roles.selection.bg`; nil for the whole file.
    public var keyPath: String?
    /// 1-based, when known.
    public var line: Int?
    /// What is wrong, as a sentence without a final period.
    public var problem: String
    /// What to do instead.
    public var fix: String?

    public init(kind: Kind, file: String, keyPath: String? = nil, line: Int? = nil, problem: String, fix: String? = nil) {
        self.kind = kind
        self.file = file
        self.keyPath = keyPath
        self.line = line
        self.problem = problem
        self.fix = fix
    }

    public var description: String {
        var place = file
        if let line { place += ", line \(line)" }
        if let keyPath { place += ", " + keyPath }
        var text = place + ": " + problem
        if let fix { text += "\n" + fix }
        return text
    }
}
