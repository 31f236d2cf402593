import Demo
import EventLog
import Foundation
import Replay
import Testing
import Interchange
import JSON
import Platform
import Synchronization

/// Paths, logs and helpers for the sample and demo tests.
enum DemoFixtures {
    /// The repository's root, found from this file (Tests/DemoTests/Support/DemoFixtures.swift).
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func samplePath(_ sample: String, _ file: String) -> String {
        repositoryRoot + "/Samples/" + sample + "/" + file
    }

    /// A fresh directory, removed when released.
    final class Scratch: Sendable {
        let path: String

        init() {
            path = NSTemporaryDirectory() + "rewind-demo-test-\(getpid())-\(UUID().uuidString.prefix(8))"
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    /// A new log in `scratch` holding `events` (imported from JSON Lines, as `rewind import`
    /// does) with the sample's rewind.toml, open for writing; and its configuration.
    static func makeLog(_ scratch: Scratch, sample: Sample, events: [SampleEvent]) throws -> (EventLog, RewindConfig) {
        let path = scratch.path + "/" + sample.name
        try EventLog.create(at: path, segmentBytes: 1 << 20)
        try FileSystem.writeAtomically(Array(sample.config.utf8), to: RewindConfig.defaultPath(forLog: path))
        let log = try EventLog.openWriter(at: path, options: .init(durability: .noSync, command: "demo-tests"))
        try importEvents(events, into: log, scratch: scratch)
        return (log, try config(of: sample))
    }

    static func importEvents(_ events: [SampleEvent], into log: EventLog, scratch: Scratch) throws {
        let file = scratch.path + "/import-\(UUID().uuidString.prefix(8)).jsonl"
        try FileSystem.writeAtomically(SampleEvent.jsonLines(events), to: file, durable: false)
        _ = try JSONLinesImporter().run(file: file, into: log)
    }

    /// Each sample's parsed configuration, parsed once per test run: parsing compiles every
    /// jq expression, and libjq takes ~25 ms a compile.
    static func config(of sample: Sample) throws -> RewindConfig {
        try parsedConfigs.withLock { parsed in
            if let config = parsed[sample.name] { return config }
            let config = try RewindConfig.parse(sample.config, path: "Samples/\(sample.name)/rewind.toml")
            parsed[sample.name] = config
            return config
        }
    }

    private static let parsedConfigs = Mutex<[String: RewindConfig]>([:])

    /// The events of a JSON Lines text, parsed back (for checking the committed files).
    static func parseLines(_ bytes: [UInt8]) throws -> [JSONValue] {
        try bytes.split(separator: 10).map { try JSONValue.parse(Array($0)) }
    }

    /// Events grouped by stream, in log order.
    static func byStream(_ events: [SampleEvent]) -> [String: [SampleEvent]] {
        Dictionary(grouping: events, by: \.stream)
    }

    /// Polls `condition` until it holds or `seconds` pass; true when it held.
    @discardableResult
    static func waitUntil(_ seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }
}

extension SampleEvent {
    func int(_ key: String) -> Int64? { data[key]?.int64Value }
    func string(_ key: String) -> String? { data[key]?.stringValue }
    func meta(_ key: String) -> String? { metadata[key]?.stringValue }
}
