import TOMLSupport

/// Why a theme cannot be used: the file, the key, the line when known, what is wrong and what
/// to write instead. Its description is the whole message, ready for stderr (and safe to print:
/// what came from the file is escaped):
///
///     mine.toml, line 12, roles.selection.bg: 'acent' is not in the palette
///     did you mean 'accent'? the palette names are: accent, bg, fg; or write a colour: …
///
/// The same type as `rewind.toml`'s `ConfigError`: one error for every TOML file Rewind reads.
public typealias ThemeError = TOMLFileError
