import ArgumentParser
import EventLog
import Replay
import SafeText

/// `rewind sagas`: the instances of the sagas `rewind.toml` defines, with their statuses.
struct SagasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sagas", abstract: "List saga instances with their status, or show one instance step by step.",
        discussion: """
            Sagas are defined in rewind.toml under [sagas.NAME] (docs/SAGAS.md). Each instance is \
            completed, compensated (in reverse order of its completed steps, or out of order: the first \
            compensation out of place is named), failed, stuck (no event for longer than the saga's timeout, \
            measured against the newest event time in the log) or running. Without NAME every saga is \
            listed. With --instance ID, one instance: each step with its time and the events behind it \
            (position, stream, version, type), the failure and the compensations in the order they ran. \
            --json prints one object per instance and one with the counts per saga; with --instance, one \
            object for the instance.
            """)

    @Argument(help: "The log directory, or a postgresql:// URL (read only).") var log: String
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The saga (a [sagas.NAME] of rewind.toml); every saga when left out.") var name: String?
    @Option(name: .long, help: ArgumentHelp("Only instances with this status: \(SagaStatus.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "status"))
    var status: SagaStatus?
    @Option(name: .long, help: ArgumentHelp("Show this instance (a stream name or a correlation id).", valueName: "id")) var instance: String?
    @Option(name: .long, help: "The rewind.toml to use (default: LOG/rewind.toml).") var config: String?
    @Flag(name: .long, help: "Print JSON Lines.") var json = false

    func validate() throws {
        if instance != nil, name == nil {
            throw ValidationError("--instance needs the saga's NAME: rewind sagas LOG NAME --instance ID")
        }
        if instance != nil, status != nil {
            throw ValidationError("give --instance or --status, not both")
        }
    }

    func run() throws {
        try runReporting(jsonErrors: json) {
            let configuration = try RewindConfig.load(forLog: StoreOpener.root(log, stateDirectory: database.stateDir), configPath: config)
            guard !configuration.sagas.isEmpty else {
                throw CLIError("\(configuration.path ?? RewindConfig.defaultPath(forLog: StoreOpener.root(log, stateDirectory: database.stateDir))) defines no sagas; add a [sagas.NAME] section (see docs/SAGAS.md)")
            }
            var definitions = configuration.sagas
            if let name {
                guard let saga = configuration.saga(named: name) else {
                    Console.error("there is no saga named '\(name)'; the sagas are \(configuration.sagas.map(\.name).joined(separator: ", "))")
                    throw ExitCode.validationFailure
                }
                definitions = [saga]
            }
            let eventLog = try StoreOpener.openReadOnly(log, database, config: config)
            defer { eventLog.close() }
            let reports = try SagaScan.run(definitions, log: eventLog)
            var printer = SagaPrinter(json: json)
            if let instance, let report = reports.first {
                guard let found = report.instance(instance) else {
                    throw CLIError("saga \(report.definition.name) has no instance '\(instance)' in \(StoreOpener.shown(log))")
                }
                printer.printInstance(found, of: report)
                return
            }
            for report in reports { printer.printList(report, status: status) }
        }
    }
}

extension SagaStatus: ExpressibleByArgument {}
