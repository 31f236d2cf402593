import EventLog
import Foundation
import Replay
import TerminalUI
import Testing
@testable import Dashboard
import Interchange

/// Every sample in `Samples/` opens in the dashboard with a meaningful state for every stream.
@Suite(.serialized) struct SampleScreenTests {
    static let samplesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples").path

    @Test(arguments: ["bank", "orders", "bookings", "users", "fulfilment"])
    func everyStreamOfTheSampleHasAState(_ sample: String) throws {
        let dir = TemporaryDirectory()
        let logPath = dir.file(sample)
        try EventLog.create(at: logPath)
        let folder = Self.samplesDirectory + "/" + sample
        try FileManager.default.copyItem(atPath: folder + "/rewind.toml", toPath: logPath + "/rewind.toml")
        do {
            let writer = try EventLog.openWriter(at: logPath, options: .init(durability: .noSync))
            defer { writer.close() }
            _ = try JSONLinesImporter().run(file: folder + "/events.jsonl", into: writer)
        }
        let log = try EventLog.openReadOnly(at: logPath)
        defer { log.close() }
        let config = try RewindConfig.load(forLog: logPath, configPath: nil)
        let source = LogSource(log: log, config: config)
        let streams = log.streams()
        #expect(streams.count >= 5)
        for s in streams {
            guard case .stateLoaded(let view, _) = source.serve(.focus(stream: s.name, version: s.count, skipping: [])) else {
                Issue.record("no state for \(s.name)")
                continue
            }
            #expect(view.error == nil, "\(s.name): \(view.error ?? "")")
            guard case .object(let members) = view.state else {
                Issue.record("\(s.name): the state is not an object: \(view.state)")
                continue
            }
            #expect(!members.isEmpty, "\(s.name) has an empty state")
            #expect(view.reducer != GenericFold.displayName, "\(s.name) has no aggregate in the sample's rewind.toml")
        }
        // And on screen: the first stream's state, no error, the projections listed.
        let terminal = TestTerminal(size: Size(width: 160, height: 48))
        let app = DashboardApp(terminal: terminal, log: log, config: config, writable: false, theme: Theme.monochrome)
        app.settle()
        #expect(terminal.text.contains("State @ v"))
        for p in config.projections { #expect(terminal.text.contains(p.name), "the projections pane lacks \(p.name)") }
    }
}
