import ArgumentParser
import EventLog
import Interchange
import JSON

/// Exit codes scripts can rely on (also listed in README.md).
enum ExitStatus {
    static let failure: Int32 = 1
    /// An append's expected version did not match.
    static let conflict: Int32 = 3
    /// The log is damaged (`verify` found errors, or a read hit corruption).
    static let corrupt: Int32 = 4
    /// `project compare`: the two definitions' states differ (kept apart from 1, a failure to
    /// run, so that a script can tell "differs" from "could not compare").
    static let different: Int32 = 5
    /// `find`: no event matched (grep says 1, but 1 is a failure here: a script must be able to
    /// tell "nothing found" from "could not search").
    static let noMatch: Int32 = 6
    /// Bad usage (what ArgumentParser uses for a validation error), e.g. a predicate jq refuses.
    static let usage: Int32 = 64
}

/// Runs a command body; any error is printed as a sentence on stderr and becomes the right
/// non-zero exit code. Data written so far is flushed first.
///
/// With `jsonErrors` (commands run with `--json`), a failure also prints one JSON object on
/// stdout, `{"error":{"message":"…","exitCode":N}}`, so a script reading stdout sees why.
func runReporting(jsonErrors: Bool = false, _ body: () throws -> Void) throws {
    let message: String
    let status: Int32
    do {
        try body()
        Output.standard.flush()
        return
    } catch let error as ExitCode {
        Output.standard.flush()
        throw error
    } catch let error as EventLogError {
        message = error.description
        switch error {
        case .wrongExpectedVersion: status = ExitStatus.conflict
        case .corrupt: status = ExitStatus.corrupt
        default: status = ExitStatus.failure
        }
    } catch let error as CLIError {
        message = error.message
        status = ExitStatus.failure
    } catch let error as ImportFailure {
        message = error.description
        status = ExitStatus.failure
    } catch {
        message = "\(error)"
        status = ExitStatus.failure
    }
    Console.error(message)
    if jsonErrors {
        let reply: JSONValue = .object(["error": .object(["message": .string(message), "exitCode": .integer(Int64(status))])])
        Output.standard.line(bytes: reply.serializedBytes())
        Output.standard.flush()
    }
    throw ExitCode(status)
}

/// A user-facing failure of the command line itself, e.g. unreadable input.
struct CLIError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
