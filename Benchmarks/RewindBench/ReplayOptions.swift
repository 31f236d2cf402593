/// The options of the replay workloads (issue 3): taken out of the command line before
/// `BenchConfig.parse` sees it, so the engine's options stay as they are.
///
///     --workloads replay,rebuild     the replay workload groups (with or without engine ones)
///     --replay-events N              events in the big stream (default 1000000)
///     --replay-jumps N               timed random jumps with the generic fold (default 2000)
///     --replay-jq-jumps N            timed random jumps with the jq aggregate (default 500)
///     --replay-runs N                full replays timed (default 5)
///     --rebuild-events N             events of the side-by-side aggregate (default 10000)
///     --rebuild-runs N               timed rebuilds per variant (default 9)
///     --no-replay                    skip both groups
struct ReplayOptions {
    static let workloadNames = ["replay", "rebuild"]

    var workloads: [String] = ReplayOptions.workloadNames
    var events = 1_000_000
    var jumps = 2_000
    var jqJumps = 500
    var runs = 5
    var rebuildEvents = 10_000
    var rebuildRuns = 9
    var genericOnly = false

    func wants(_ name: String) -> Bool { workloads.contains(name) }

    @MainActor static var current = ReplayOptions()

    static let usage = """

    Replay workloads (issue 3; options taken before the ones above are parsed):
      --workloads replay,rebuild  also accepted in the list: replay = full replay and random jumps over a
                                  1,000,000-event stream (generic fold and jq aggregate); rebuild = one
                                  10,000-event aggregate rebuilt by `rewind state` and in process, side by
                                  side with eventsourcing (needs the rewind executable built next to rewind-bench)
      --replay-events N           events in the big stream (default 1000000)
      --replay-jumps N            timed random jumps, generic fold (default 2000)
      --replay-jq-jumps N         timed random jumps, jq aggregate (default 500)
      --replay-runs N             timed full replays (default 5)
      --rebuild-events N          events of the side-by-side aggregate (default 10000)
      --rebuild-runs N            timed rebuilds per variant (default 9)
      --replay-generic-only       replay: skip the jq aggregate (its first replay of 1,000,000 events takes ~15 s)
      --no-replay                 skip the replay workloads
    """

    /// Removes this file's options (and "replay"/"rebuild" in `--workloads`) from `arguments`,
    /// keeping the parsed values in `current`; returns what the engine's parser should see.
    @MainActor
    static func extract(_ arguments: [String]) throws -> [String] {
        var options = ReplayOptions()
        if arguments.contains("--quick") {
            options.events = 100_000
            options.jumps = 500
            options.jqJumps = 100
            options.runs = 3
            options.rebuildRuns = 3
        }
        if arguments.contains("-h") || arguments.contains("--help") {
            FileHandleOut.stdout(usage + "\n")
        }
        let rest = try OptionExtraction.extract(
            arguments, into: &options,
            numbers: [
                "--replay-events": (\.events, 10_000), "--replay-jumps": (\.jumps, 10),
                "--replay-jq-jumps": (\.jqJumps, 10), "--replay-runs": (\.runs, 1),
                "--rebuild-events": (\.rebuildEvents, 200), "--rebuild-runs": (\.rebuildRuns, 1),
            ],
            switches: ["--no-replay": { $0.workloads = [] }, "--replay-generic-only": { $0.genericOnly = true }],
            owned: workloadNames,
            select: { options, names in
                if let names { options.workloads = workloadNames.filter { names.contains($0) } }
            })
        current = options
        return rest
    }
}
