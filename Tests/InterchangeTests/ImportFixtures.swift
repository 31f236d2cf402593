import EventLog
import Foundation
import Replay
import Interchange
import JSON

/// Files, sources and logs for the import tests.
final class ImportScratch: Sendable {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "rewind-import-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to a file and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let p = path + "/" + name
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    /// Every record `format` reads from `text`.
    func records(_ format: ImportFormat, _ text: String, options: ImportOptions = ImportOptions()) throws -> [SourceRecord] {
        let source = try format.source(path: try write("input-\(UUID().uuidString.prefix(6))", text), options: options)
        var out: [SourceRecord] = []
        try source.scan { record, _ in out.append(record) }
        return out
    }

    /// A fresh log opened as writer (closed when the scratch directory goes).
    func log(_ name: String = "log") throws -> EventLog {
        let p = path + "/" + name
        if !FileManager.default.fileExists(atPath: p + "/rewind-log.json") { try EventLog.create(at: p) }
        return try EventLog.openWriter(at: p, options: .init(durability: .noSync))
    }
}

extension SourceRecord {
    var event: SourceEvent? {
        if case .event(let e) = self { return e }
        return nil
    }

    var error: RecordError? {
        if case .invalid(let e) = self { return e }
        return nil
    }

    var ignoredReason: String? {
        if case .ignored(_, let reason) = self { return reason }
        return nil
    }
}

extension SourceEvent {
    var data: JSONValue? { try? JSONValue.parse(event.data) }
    var metadata: JSONValue { event.metadata.isEmpty ? .object([:]) : ((try? JSONValue.parse(event.metadata)) ?? .null) }
    var type: String { event.type }
    var id: EventID { event.id }
    var time: String? { event.originalMicros.map { RFC3339.format(microsecondsSinceEpoch: $0, fractionDigits: 3) } }
}

extension ImportOptions {
    /// Options from `--…-from` texts, for tests.
    static func with(stream: String? = nil, type: String? = nil, id: String? = nil, data: String? = nil, version: String? = nil, time: String? = nil) throws -> ImportOptions {
        var o = ImportOptions()
        o.stream = try stream.map(FieldSpec.init)
        o.type = try type.map(FieldSpec.init)
        o.id = try id.map(FieldSpec.init)
        o.data = try data.map(FieldSpec.init)
        o.version = try version.map(FieldSpec.init)
        o.time = try time.map(FieldSpec.init)
        return o
    }
}
