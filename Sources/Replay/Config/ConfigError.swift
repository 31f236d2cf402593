import TOMLSupport

/// Why `rewind.toml` cannot be used: the file, the key, the line when known, what is wrong and
/// what to write instead. Its description is the whole message, ready for the user (and safe to
/// print: what came from the file is escaped):
///
///     bank/rewind.toml, line 7, aggregates.account.on.MoneyDeposited: jq cannot compile
///     '.balanceCents +=': syntax error, unexpected end … at the end of the expression
///     write a jq expression in quotes, e.g. MoneyDeposited = '.count += 1' (`.` is the state, `$e` the event)
///
/// (the first line is one line; the fix follows on the second). The same type as a theme's
/// `ThemeError`: one error for every TOML file Rewind reads.
public typealias ConfigError = TOMLFileError
