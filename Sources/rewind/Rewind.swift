import ArgumentParser
import Foundation
import Platform
import SafeText


/// The `rewind` command line. Data goes to stdout, messages and errors to stderr; errors exit
/// non-zero (1 failure, 3 wrong expected version, 4 corrupt log, 5 `project compare` differs,
/// 6 `find` matched nothing, 64 usage).
@main
struct Rewind: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewind",
        abstract: "A terminal time machine for event-sourced systems.",
        discussion: """
            Rewind keeps events in its own append-only log (a directory) and lets you browse
            streams, replay state and watch projections. Run a command with --help for details.
            """,
        subcommands: [
            OpenCommand.self, InitCommand.self, AppendCommand.self, ImportCommand.self, ExportCommand.self,
            ReadCommand.self, TraceCommand.self, FindCommand.self, SagasCommand.self, StreamsCommand.self, TailCommand.self, VerifyCommand.self,
            ConfigCommand.self,
            ProjectCommand.self, LagCommand.self,
            StateCommand.self, SnapshotCommand.self,
            GenerateCommand.self, DemoCommand.self,
        ]
    )

    /// A parent may start us with signals blocked (a blocked mask survives exec); Ctrl-C and
    /// SIGTERM must always work, so unblock them before anything else.
    static func main() {
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] { sigaddset(&set, s) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        let command: ParsableCommand
        do {
            command = try parseAsRoot(openShorthand(Array(CommandLine.arguments.dropFirst())))
        } catch {
            exitSafely(error)
        }
        var mutable = command
        do {
            try mutable.run()
        } catch {
            exitSafely(error)
        }
    }

    /// What ArgumentParser's `exit(withError:)` does (help to stdout, errors and usage to
    /// stderr, the error's exit code), with the text escaped: parser errors echo the
    /// arguments they could not use (`unknown option '\e]52;…'`), which are untrusted.
    static func exitSafely(_ error: any Error) -> Never {
        Output.standard.flush()
        let code = exitCode(for: error)
        let message = SafeText.escapeKeepingLines(fullMessage(for: error))
        if !message.isEmpty {
            if code == .success {
                Output.standard.line(message)
                Output.standard.flush()
            } else {
                Console.writeStandardError(message.hasSuffix("\n") ? message : message + "\n")
            }
        }
        Foundation.exit(code.rawValue)
    }

    /// `rewind LOG [options]` means `rewind open LOG [options]`: a first argument that is not a
    /// command or an option is taken as a log.
    static func openShorthand(_ arguments: [String]) -> [String] {
        guard let first = arguments.first, !first.hasPrefix("-") else { return arguments }
        let names = Set(configuration.subcommands.map { $0._commandName } + ["help"])
        if names.contains(first) { return arguments }
        // A log is a directory, or at least looks like a path; anything else is left for the
        // parser to report (a misspelt command should not read as a missing log).
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: first, isDirectory: &isDirectory) && isDirectory.boolValue
        return exists || first.contains("/") ? ["open"] + arguments : arguments
    }

    /// `rewind` alone: the live demo in the dashboard; without a terminal (a pipe, a script),
    /// the overview of the commands instead.
    func run() throws {
        guard SystemFile.standardInput.isTerminal, SystemFile.standardOutput.isTerminal else {
            print(Rewind.overview)
            print("\nThe live demo needs a terminal: run 'rewind' in one (or 'rewind demo --headless' anywhere).")
            return
        }
        let demo = try DemoCommand.parse([])
        try demo.run()
    }

    static let overview = """
        rewind — a terminal time machine for event-sourced systems

        The dashboard:
          rewind                                              the live demo (bank) in the dashboard; ? lists the keys
          rewind open ./bank                                  the dashboard on a log (also: rewind ./bank)

        Try a sample (bank, orders, bookings, users; see Samples/README.md):
          rewind demo bank                                    a live log: writer, projections, lag
          rewind init ./bank && rewind generate bank --config > ./bank/rewind.toml
          rewind generate bank | rewind import ./bank -       a generated history, then explore it

        Start with a log of your own:
          rewind init ./bank                                  create an empty log
          rewind append ./bank account-1 AccountOpened '{"currency":"EUR"}' --expected-version no-stream
          rewind import ./bank events.jsonl                   import JSON Lines, all or nothing
          rewind streams ./bank                               list streams with counts and last activity
          rewind read ./bank account-1                        the events of one stream
          rewind read ./bank --from 1 --json                  every event in global order, as JSON Lines
          rewind tail ./bank --follow                         watch new events arrive
          rewind export ./bank > copy.jsonl                   a copy that imports back
          rewind verify ./bank                                check every checksum and index

        Commands:
          open      The dashboard: streams, events, state, the timeline, projections, snapshots.
          init      Create an empty log.
          append    Append one event, durably, with optimistic concurrency.
          import    Import events atomically: JSON Lines, KurrentDB, kcat, Marten, Debezium.
          export    Write events as JSON Lines.
          read      Read one stream, or the whole log from a position.
          streams   List streams.
          tail      Show the newest events; --follow keeps watching.
          verify    Check the whole log: checksums, continuity, indexes.
          config    Check rewind.toml: 'rewind config check LOG' compiles it and summarizes.
          project   Projections: 'rewind project run|status|rebuild LOG'; state and diff at any position.
          lag       How far each projection and external consumer is behind the head; --watch.
          state     A stream's state at a version, time or position; --blame, --skip, --diff A..B.
          snapshot  Create, list, verify, rebuild and import snapshots: 'rewind snapshot verify LOG'.
          generate  A sample's history as JSON Lines, any size, from a seed; --list, --config.
          demo      A live demo: a sample log, a writer and projections at different speeds.

        See 'rewind help <command>' for the options of each.
        """
}
