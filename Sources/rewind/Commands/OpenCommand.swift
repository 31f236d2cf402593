import ArgumentParser
import Dashboard
import EventLog
import NCursesTerminal
import Replay
import TerminalUI

/// `rewind open LOG` (and `rewind LOG`): the full-screen dashboard.
struct OpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: "Open the dashboard on a log (also: rewind LOG).",
        discussion: """
            Streams, events, the state at any version, the timeline slider, projections and snapshots, \
            followed live as the log grows. Press ? inside for every key; q quits. The log is opened \
            read-only: nothing you do in the dashboard changes it. --writable allows taking snapshots \
            (:snapshot). Themes: dark (default), light, high-contrast, monochrome, or a TOML file \
            (docs/THEMES.md); NO_COLOR turns colours off.
            """)

    @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: "The rewind.toml to use (default: LOG/rewind.toml).") var config: String?
    @Option(name: .long, help: "A theme name (dark, light, high-contrast, monochrome) or a theme file.") var theme: String?
    @Flag(name: .long, help: "Allow actions that write snapshots (the log itself is never written).") var writable = false
    @Flag(name: .customLong("read-only"), help: "Open read-only (the default).") var readOnly = false
    @Flag(name: .customLong("no-mouse"), help: "Leave the mouse to the terminal (for selecting text).") var noMouse = false

    func validate() throws {
        if writable && readOnly { throw ValidationError("give --writable or --read-only, not both") }
    }

    func run() throws {
        let interrupted = try Dashboard.open(log: log, database: database, config: config, theme: theme, writable: writable, mouse: !noMouse)
        // SIGINT/SIGTERM: the terminal is restored; end as the signal would have (143 for SIGTERM).
        interrupted?.exitForInterrupt()
    }
}

extension Dashboard {
    /// Opens the dashboard on `log` until the user quits or `whileOpen` turns false; the
    /// terminal is restored however it ends.
    /// - Returns: the terminal when SIGINT or SIGTERM ended it (call `exitForInterrupt()` to end
    ///   the process as the signal would have), else nil.
    @discardableResult
    static func open(log path: String, database: DatabaseOptions? = nil, config: String?, theme: String?, writable: Bool, mouse: Bool,
                     commandName: String = "rewind open", whileOpen: () -> Bool = { true }) throws -> NCursesTerminal? {
        var interrupted = false
        var term: NCursesTerminal?
        try runReporting {
            let chosen: Theme
            do { chosen = try ThemeLoader.resolve(theme) } catch { throw CLIError("\(error)") }
            let eventLog = try StoreOpener.openReadOnly(path, stateDirectory: database?.stateDir, config: config, flags: database)
            defer { eventLog.close() }
            let configuration = try RewindConfig.load(forLog: eventLog.path, configPath: config)
            let terminal: NCursesTerminal
            do {
                terminal = try NCursesTerminal(options: .init(mouse: mouse, commandName: commandName))
            } catch {
                throw CLIError("\(error)")
            }
            term = terminal
            defer { terminal.restore() }
            let app = DashboardApp(terminal: terminal, log: eventLog, config: configuration, writable: writable, theme: chosen)
            app.run(shouldStop: { terminal.interrupted || !whileOpen() })
            interrupted = terminal.interrupted
        }
        return interrupted ? term : nil
    }
}
