/// Why `rewind.toml` cannot be used: the file, the key, the line when known, what is wrong and
/// what to write instead. Its description is the whole message, ready for the user:
///
///     bank/rewind.toml, line 7, aggregates.account.on.MoneyDeposited: jq cannot compile
///     '.balanceCents +=': syntax error, unexpected end … at the end of the expression
///     write a jq expression in quotes, e.g. MoneyDeposited = '.count += 1' (`.` is the state, `$e` the event)
///
/// (the first line is one line; the fix follows on the second). The generic error path of the
/// CLI prints it as it is.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of mistake it is (for callers and tests; the text says it for people).
    public enum Kind: Sendable, Equatable {
        /// The file cannot be read.
        case unreadable
        /// The text is not valid TOML.
        case syntax
        /// A key Rewind does not know (often a typo).
        case unknownKey
        /// A required key is absent.
        case missingKey
        /// A key holds the wrong kind of TOML value (a number instead of a string…).
        case wrongType
        /// A value of the right type that makes no sense (`from = "everything"`).
        case invalidValue
        /// A jq expression libjq cannot compile.
        case jq
    }

    public var kind: Kind
    /// The file as the user named it, or "rewind.toml" for text parsed without a path.
    public var file: String
    /// The dotted key path, e.g. `aggregates.account.on.MoneyDeposited`; nil for the whole file.
    public var keyPath: String?
    /// 1-based; set only when the line is known (from TOMLKit, or found in the text).
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
        var place = file
        if let line {
            place += ", line \(line)"
            if let column { place += ", column \(column)" }
        }
        if let keyPath { place += ", " + keyPath }
        var text = place + ": " + problem
        if let fix { text += "\n" + fix }
        return text
    }
}
