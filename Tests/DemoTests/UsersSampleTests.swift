import Demo
import EventLog
import Foundation
import Interchange
import Replay
import Testing
import JSON

/// The users sample shows schema evolution and redaction: version 1 registrations read as
/// version 2, and `--redact` leaves no personal data in an export.
@Suite("Users sample: upcasting and redaction")
struct UsersSampleTests {
    typealias F = DemoFixtures

    @Test func version1RegistrationsAreUpcastToVersion2() throws {
        let scratch = F.Scratch()
        let events = Sample.users.events()
        let (log, config) = try F.makeLog(scratch, sample: .users, events: events)
        defer { log.close() }
        let upcaster = try Upcaster(config.upcasters)
        var v1 = 0
        try log.readAll { view in
            guard view.type == "UserRegistered" else { return true }
            let original = try JSONValue.parse(view.data)
            if view.schemaVersion == 1 {
                v1 += 1
                let upcast = try #require(try upcaster.upcast(view))
                #expect(upcast.schemaVersion == 2)
                let data = try JSONValue.parse(upcast.data)
                let name = try #require(original["name"]?.stringValue)
                #expect(data["firstName"]?.stringValue.map { name.hasPrefix($0 + " ") } == true)
                #expect(data["lastName"]?.stringValue.map { name.hasSuffix(" " + $0) } == true)
                #expect(data["email"] == original["email"] && data["phone"] == original["phone"])
                #expect(data["address"]?["country"] == original["country"])
                #expect(data["marketingConsent"] == false && data["name"] == nil)
            } else {
                #expect(view.schemaVersion == 2)
                #expect(try upcaster.upcast(view) == nil)
            }
            return true
        }
        #expect(v1 > 0)
        // The aggregate sees every user with a first name and a country, whatever the version.
        let manager = try SnapshotManager(log: log, config: config)
        for stream in log.streams() {
            let timeline = try manager.timeline(for: stream.name)
            let state = try timeline.state(at: timeline.lastVersion).state
            #expect(state["firstName"]?.stringValue?.isEmpty == false, "\(stream.name)")
            #expect(state["address"]?["country"]?.stringValue?.count == 2, "\(stream.name)")
        }
    }

    @Test func redactedExportHidesEveryPersonalField() throws {
        let scratch = F.Scratch()
        let events = Sample.users.events()
        let (log, config) = try F.makeLog(scratch, sample: .users, events: events)
        defer { log.close() }
        // What must not leak: every e-mail, phone, name, birth date, street and IP in the data.
        var secrets = Set<String>()
        func collect(_ value: JSONValue, under key: String?) {
            switch value {
            case .object(let o): for (k, v) in o { collect(v, under: ["address"].contains(k) ? k : (key ?? k)) }
            case .string(let s): if let key, ["name", "firstName", "lastName", "email", "phone", "dateOfBirth", "address", "ip"].contains(key) { secrets.insert(s) }
            default: break
            }
        }
        for e in events { collect(e.data, under: nil) }
        #expect(secrets.count > 100)

        let rewriter = EventRewriter(redactor: Redactor(config.redaction), upcaster: try Upcaster(config.upcasters))
        var out: [UInt8] = []
        try log.readAll { view in
            out += try rewriter.encodeLine(view)
            out.append(10)
            return true
        }
        let text = String(decoding: out, as: UTF8.self)
        let leaked = secrets.filter { text.contains("\"\($0)\"") }
        #expect(leaked.isEmpty, "leaked: \(leaked.sorted().prefix(5))")
        #expect(text.contains("\"email\":\"[redacted]\""))
        #expect(text.contains("\"address\":\"[redacted]\""))
        // What is not personal stays: types, countries are inside the hidden address, devices are not.
        #expect(text.contains("\"device\":\"") && text.contains("UserRegistered"))
        let lines = try F.parseLines(out)
        #expect(lines.count == events.count)
        #expect(lines.allSatisfy { $0["schemaVersion"] == 2 || $0["type"] != "UserRegistered" })
    }
}
