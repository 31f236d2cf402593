import SafeText

/// Why a TOML file (`rewind.toml`, a theme) cannot be used: the file, the key, the line when
/// known, what is wrong and what to write instead. Its description is the whole message, ready
/// for the user, and safe to print: every part that came from the file or its name is escaped
/// (`SafeText`), so a hostile value cannot reach the terminal as a control sequence.
///
///     bank/rewind.toml, line 7, aggregates.account.on.MoneyDeposited: jq cannot compile …
///     write a jq expression in quotes, e.g. MoneyDeposited = '.count += 1'
///
/// Replay calls it `ConfigError` and TerminalUI `ThemeError`; it is one type.
public struct TOMLFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of mistake it is (for callers and tests; the text says it for people).
    public enum Kind: Sendable, Equatable {
        /// The file cannot be read (missing, a directory, not UTF-8…).
        case unreadable
        /// The text is not valid TOML.
        case syntax
        /// A key or table the format does not have (often a typo).
        case unknownKey
        /// A required key is absent.
        case missingKey
        /// A key holds the wrong kind of TOML value (a number instead of a string…).
        case wrongType
        /// A value of the right type that makes no sense (`from = "everything"`).
        case invalidValue
        /// A jq expression libjq cannot compile (rewind.toml).
        case jq
        /// No theme by that name (neither built in nor in the themes directory).
        case unknownTheme
        /// A role name that is not one of the theme roles.
        case unknownRole
        /// A colour name that is neither in the palette nor a colour.
        case unknownColor
        /// Something that tries to be a colour and is not (`#12345`, 300).
        case badColor
    }

    public var kind: Kind
    /// The file as the user named it (or the source given to the parser).
    public var file: String
    /// The dotted key path, e.g. `aggregates.account.on.MoneyDeposited`; nil for the whole file.
    public var keyPath: String?
    /// 1-based, when known.
    public var line: Int?
    public var column: Int?
    /// What is wrong, as a sentence without a final period.
    public var problem: String
    /// What to write instead, when there is something useful to say.
    public var fix: String?

    public init(kind: Kind, file: String, keyPath: String? = nil, line: Int? = nil, column: Int? = nil, problem: String, fix: String? = nil) {
        self.kind = kind
        self.file = file
        self.keyPath = keyPath
        self.line = line
        self.column = column
        self.problem = problem
        self.fix = fix
    }

    public var description: String {
        var place = SafeText.escape(file)
        if let line {
            place += ", line \(line)"
            if let column { place += ", column \(column)" }
        }
        if let keyPath { place += ", " + SafeText.escape(keyPath) }
        var text = place + ": " + SafeText.escape(problem)
        if let fix { text += "\n" + SafeText.escape(fix) }
        return text
    }
}
