// rewind-bench: the engine's benchmarks, as a program that prints figures (see BenchConfig.usage
// and docs/BENCHMARKS.md). `Benchmarks/run.sh` builds it in release and runs it.
import Foundation

#if canImport(Glibc)
import Glibc
#endif

let config: BenchConfig
do {
    guard let parsed = try BenchConfig.parse(ReplayOptions.extract(ProjectionBenchOptions.extract(TraceBenchOptions.extract(ProjectionStateBenchOptions.extract(FindBenchOptions.extract(SagaBenchOptions.extract(Array(CommandLine.arguments.dropFirst())))))))) else {
        print(BenchConfig.usage)
        exit(0)
    }
    config = parsed
} catch {
    FileHandleOut.stderr("rewind-bench: \(error)\n")
    exit(2)
}

let workspace: Workspace
do {
    workspace = try Workspace(parent: config.parentDir, keep: config.keep)
} catch {
    FileHandleOut.stderr("rewind-bench: \(error)\n")
    exit(2)
}

let started = monotonicNanos()
var report = BenchReport(
    machine: Machine.describe(dir: workspace.root), config: config, scratch: workspace.root,
    startedAt: ISO8601DateFormatter().string(from: Date()))
var failed = false
report.loadAtStart = Machine.loadAverage()
progress("rewind-bench: \(report.machine.oneLine)")
progress("scratch directory \(workspace.root); workloads \(config.workloads.joined(separator: ","))")

/// Runs one workload group; a failure is reported and the run goes on.
@MainActor
func measure(_ name: String, _ body: () throws -> [WorkloadResult]) {
    progress("\(name) …")
    let t0 = monotonicNanos()
    do {
        report.results.append(contentsOf: try body())
        progress("\(name) done in \(Format.fixed(secondsSince(t0), 1)) s")
    } catch {
        failed = true
        var r = WorkloadResult(name: name, title: "FAILED")
        r.notes = "FAILED: \(error)"
        report.results.append(r)
        progress("\(name) FAILED: \(error)")
    }
}

sync()  // start from a disk with nothing dirty
if config.wants("dd") { measure("dd") { [try DiskBandwidth.measure(config, workspace)] } }
if config.wants("append1x8") { measure("append1x8") { [try AppendWorkloads.append1x8(config, workspace)] } }
if config.wants("append100") { measure("append100") { [try AppendWorkloads.appendBatches(config, workspace, batch: 100)] } }
if config.wants("append1000") { measure("append1000") { [try AppendWorkloads.appendBatches(config, workspace, batch: 1000)] } }
Targets.addDiskRatios(to: &report)
if config.wants("bulk") { measure("bulk") { [try ImportWorkload.bulk(config, workspace)] } }
if config.wants("readstream") || config.wants("scan") || config.wants("verify") {
    measure("readstream/scan") {
        let readLog = try ReadWorkloads.build(config, workspace)
        defer { workspace.discard(readLog.path) }
        var out: [WorkloadResult] = []
        if config.wants("readstream") { out.append(try ReadWorkloads.readStream(config, readLog)) }
        if config.wants("scan") { out.append(try ReadWorkloads.scan(config, readLog)) }
        if config.wants("verify") { out.append(try ReadWorkloads.verify(config, readLog)) }
        return out
    }
}
if config.wants("open") { measure("open") { [try OpenWorkload.run(config, workspace)] } }
if ReplayOptions.current.wants("replay") { measure("replay") { try ReplayWorkloads.run(config, workspace, ReplayOptions.current) } }
if ReplayOptions.current.wants("rebuild") { measure("rebuild") { [try RebuildWorkload.run(config, workspace, ReplayOptions.current)] } }
if FindBenchOptions.current.enabled { measure("find") { try FindWorkload.run(config, workspace, FindBenchOptions.current) } }
if SagaBenchOptions.current.enabled { measure("sagas") { try SagaWorkload.run(config, workspace, SagaBenchOptions.current) } }
if ProjectionBenchOptions.current.enabled { measure("project") { try ProjectionWorkload.run(config, workspace, ProjectionBenchOptions.current) } }
if TraceBenchOptions.current.enabled { measure("trace") { [try TraceWorkload.run(TraceBenchOptions.current)] } }
if ProjectionStateBenchOptions.current.stateEnabled {
    measure("project-state") { try ProjectionStateWorkload.run(config, workspace, ProjectionStateBenchOptions.current) }
}
if ProjectionStateBenchOptions.current.diffEnabled {
    measure("state-diff") { try StateDiffWorkload.run(fields: ProjectionStateBenchOptions.current.diffFields, runs: 11) }
}
if config.wants("peer") {
    sync()  // the peer's fsyncs should not wait behind our writeback
    progress("peer (Python eventsourcing) …")
    report.peer = PeerRunner.run(config, workspace, rewind: report.results)
    progress("peer: \(report.peer!.status)")
}
report.targets = Targets.check(report)
report.targets += ReplayWorkloads.targets(report, ReplayOptions.current)
report.targets += ProjectionWorkload.targets(report)
report.targets += TraceWorkload.targets(report)
report.targets += ProjectionStateWorkload.targets(report)
report.totalSeconds = secondsSince(started)
report.loadAtEnd = Machine.loadAverage()
workspace.finish()

let text = ReportPrinter.text(report)
if config.json {
    FileHandleOut.stderr(text)
    FileHandleOut.stdout(ReportPrinter.json(report))
} else {
    FileHandleOut.stdout(text)
}
exit(failed ? 1 : 0)
