import ArgumentParser
import EventLog
import Interchange

/// Exit codes scripts can rely on (also listed in README.md).
enum ExitStatus {
    static let failure: Int32 = 1
    /// An append's expected version did not match.
    static let conflict: Int32 = 3
    /// The log is damaged (`verify` found errors, or a read hit corruption).
    static let corrupt: Int32 = 4
}

/// Runs a command body; any error is printed as a sentence on stderr and becomes the right
/// non-zero exit code. Data written so far is flushed first.
func runReporting(_ body: () throws -> Void) throws {
    do {
        try body()
        Output.standard.flush()
    } catch let error as ExitCode {
        Output.standard.flush()
        throw error
    } catch let error as EventLogError {
        Console.error(error.description)
        switch error {
        case .wrongExpectedVersion: throw ExitCode(ExitStatus.conflict)
        case .corrupt: throw ExitCode(ExitStatus.corrupt)
        default: throw ExitCode(ExitStatus.failure)
        }
    } catch let error as CLIError {
        Console.error(error.message)
        throw ExitCode(ExitStatus.failure)
    } catch let error as ImportFailure {
        Console.error(error.description)
        throw ExitCode(ExitStatus.failure)
    } catch {
        Console.error("\(error)")
        throw ExitCode(ExitStatus.failure)
    }
}

/// A user-facing failure of the command line itself, e.g. unreadable input.
struct CLIError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
