import Demo
import EventLog
import Foundation
import Testing
import Platform

/// The committed `Samples/NAME/` files are exactly what the code generates and embeds, so the
/// two can never drift. To refresh them after changing a generator or a configuration:
///     rewind generate NAME > Samples/NAME/events.jsonl
///     rewind generate NAME --config > Samples/NAME/rewind.toml
@Suite("Committed sample files")
struct SampleFilesTests {
    typealias F = DemoFixtures

    @Test(arguments: SampleCatalog.all.map(\.name))
    func filesEqualTheGeneratorAndTheEmbeddedConfiguration(_ name: String) throws {
        let sample = try SampleCatalog.named(name)
        // Compared as Bools: a failure names the file and the fix, not a million bytes.
        let toml = try FileSystem.readFile(F.samplePath(name, "rewind.toml"))
        let tomlMatches = toml == Array(sample.config.utf8)
        #expect(tomlMatches, "Samples/\(name)/rewind.toml differs from the embedded text; run: rewind generate \(name) --config > Samples/\(name)/rewind.toml")
        let events = try FileSystem.readFile(F.samplePath(name, "events.jsonl"))
        let eventsMatch = events == sample.jsonLines()
        #expect(eventsMatch, "Samples/\(name)/events.jsonl differs from the generator; run: rewind generate \(name) > Samples/\(name)/events.jsonl")
        #expect(events.filter { $0 == 10 }.count == sample.defaultEvents)
        #expect(events.count < 200_000, "keep committed samples small")
    }

    @Test func everySampleHasItsFolderAndAReadmeLine() throws {
        let readme = String(decoding: try FileSystem.readFile(F.repositoryRoot + "/Samples/README.md"), as: UTF8.self)
        let folders = try FileSystem.list(F.repositoryRoot + "/Samples").filter { FileSystem.isDirectory(F.repositoryRoot + "/Samples/" + $0) }
        for name in SampleCatalog.names {
            #expect(folders.contains(name))
            #expect(readme.contains("**\(name)**"), "Samples/README.md has no line for \(name)")
        }
    }
}
