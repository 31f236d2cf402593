import ArgumentParser
import Demo

import Platform

/// `rewind generate`: a sample's history (JSON Lines), of any size, from a seed.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Print a sample's history as JSON Lines (any size, reproducible from a seed).",
        discussion: """
            The samples are small businesses (see Samples/README.md): \(SampleCatalog.names.joined(separator: ", ")). \
            The same sample, --events and --seed always give the same bytes; without them you get the committed \
            Samples/SAMPLE/events.jsonl. --config prints the sample's rewind.toml instead. To open one:

              rewind init ./bank && rewind generate bank --config > ./bank/rewind.toml
              rewind generate bank --events 100000 | rewind import ./bank -
            """)

    @Argument(help: "The sample: \(SampleCatalog.names.joined(separator: ", ")).") var sample: String?
    @Flag(name: .long, help: "List the samples and what each shows.") var list = false
    @Flag(name: .long, help: "Print the sample's rewind.toml instead of events.") var config = false
    @Option(name: .long, help: "How many events (default: the committed file's size).") var events: Int?
    @Option(name: .long, help: "The random seed (a whole number ≥ 0).") var seed: UInt64 = Sample.defaultSeed
    @Option(name: .long, help: "Write to this file instead of stdout (replaced atomically).") var out: String?

    func validate() throws {
        if list {
            guard sample == nil, !config, events == nil, out == nil else { throw ValidationError("--list takes no sample and no other option") }
            return
        }
        guard sample != nil else {
            throw ValidationError("name a sample (\(SampleCatalog.names.joined(separator: ", "))), or use --list")
        }
        if let events, events < 0 { throw ValidationError("--events needs a whole number ≥ 0") }
        if config && events != nil { throw ValidationError("--config prints the rewind.toml; leave out --events") }
    }

    func run() throws {
        try runReporting {
            if list {
                let width = (SampleCatalog.names.map(\.count).max() ?? 8) + 2
                for s in SampleCatalog.all {
                    Output.standard.line(s.name.columnPadded(width) + "\(s.defaultEvents) events by default — " + s.summary)
                }
                return
            }
            let chosen: Sample
            do { chosen = try SampleCatalog.named(sample ?? "") } catch { throw CLIError("\(error)") }
            if config {
                try write { $0(Array(chosen.config.utf8)) }
                return
            }
            let count = events ?? chosen.defaultEvents
            try write { emit in
                var history = chosen.history(seed: seed)
                var left = count
                while left > 0 {
                    let chunk = history.take(min(left, 10_000))
                    left -= chunk.count
                    emit(SampleEvent.jsonLines(chunk))
                }
            }
        }
    }

    /// Hands `body` a function that writes bytes to stdout, or to `--out` (a temp file renamed
    /// over it at the end, so a reader never sees half a file).
    private func write(_ body: ((([UInt8]) -> Void)) throws -> Void) throws {
        guard let out else {
            try body { Output.standard.write($0) }
            return
        }
        // An unpredictable name created with O_EXCL|O_NOFOLLOW: a link planted beside --out
        // cannot redirect the write.
        let handle: SystemFile
        let temp: String
        do { (handle, temp) = try FileSystem.makeTemporaryFile(beside: out) } catch {
            throw CLIError("cannot write \(out): \((error as? IOError)?.reason ?? "\(error)"); check that its directory exists and is writable")
        }
        var offset = 0
        var failure: (any Error)?
        try body { bytes in
            guard failure == nil else { return }
            do { try handle.write(bytes, at: offset) } catch { failure = error }
            offset += bytes.count
        }
        handle.close()
        if let failure {
            try? FileSystem.remove(temp)
            throw CLIError("writing \(out) failed: \((failure as? IOError)?.reason ?? "\(failure)") (disk full?)")
        }
        try FileSystem.rename(temp, to: out)
    }
}
