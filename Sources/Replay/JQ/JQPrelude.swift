/// Definitions compiled in front of every jq expression Rewind runs, replacing the builtins that
/// reach outside the handler: they would write to the terminal under the dashboard, end the
/// process's jq state in a way the watchdog relies on, or show the environment.
///
/// - `debug`, `debug(msg)`, `stderr`: pass their input through and print nothing (jq's would
///   write to stderr, over the dashboard's screen; `debug` with no callback crashes jq 1.6).
/// - `halt`, `halt_error`, `halt_error(code)`: an error saying they are not available (a halted
///   state is how the watchdog stops a run; jq 1.6 aborts when a state is halted twice).
/// - `env`, `$ENV`: an empty object (handlers fold events; secrets in the environment are not
///   theirs to copy into a state that is shown and saved).
///
/// `input`/`inputs` need nothing: after the event they find no more input. Modules cannot be
/// imported (`import`/`include` must start a program, and Rewind's wrapper starts each one).
/// The text has no newline, so jq's line numbers in errors stay those of the user's text + 1.
/// docs/SECURITY.md lists the same.
enum JQPrelude {
    static let text =
        #"def debug: .; def debug(msg): .; def stderr: .; "#
        + #"def halt: error("halt is not available in Rewind's jq handlers"); "#
        + #"def halt_error: error("halt_error is not available in Rewind's jq handlers"); "#
        + #"def halt_error(code): error("halt_error is not available in Rewind's jq handlers"); "#
        + #"def env: {}; {} as $ENV | "#
}
