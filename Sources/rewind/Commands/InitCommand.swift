import ArgumentParser
import EventLog

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create an empty log.",
        discussion: "The directory is created if needed; it must not already hold a log.")

    @Argument(help: "The log directory.") var log: String
    @Option(name: .long, help: "Segment files roll at this size (e.g. 64MiB, 1GiB).") var segmentSize: String = "128MiB"

    func run() throws {
        try runReporting {
            guard let bytes = Sizes.parse(segmentSize) else {
                throw CLIError("--segment-size \(segmentSize) is not a size; write it like 64MiB, 1GiB or 4096")
            }
            try EventLog.create(at: log, segmentBytes: bytes)
            Console.note("created an empty log at \(log)")
        }
    }
}
