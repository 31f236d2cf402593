import JSON
import SafeText

/// Rewind's generic JSON Lines (`--format jsonl`, what `rewind export` writes); see
/// `GenericEventLine` for the shape.
///
/// A line without an id gets one derived from its line number and its bytes, so that importing
/// the same file twice imports nothing the second time.
struct GenericLinesSource: EventSource {
    let file: InputFile
    var totalBytes: Int { file.size }

    init(path: String, options: ImportOptions) throws {
        try ImportFormat.jsonl.check(options)
        file = try InputFile(path: path)
    }

    func scan(_ visit: (SourceRecord, Int) throws -> Void) throws {
        try file.forEachLine { bytes, number, bytesRead in
            let record: SourceRecord
            do throws(GenericEventLine.LineError) {
                let decoded = try GenericEventLine.decode(bytes, line: number)
                var event = decoded.event
                if !decoded.hasExplicitID {
                    event.id = .nameBased([Array("jsonl".utf8), Array(String(number).utf8), Array(bytes)])
                }
                record = .event(SourceEvent(stream: decoded.stream, version: decoded.version, event: event, location: .line(number)))
            } catch {
                record = .invalid(RecordError(.line(error.line), error.reason + Self.hint(bytes)))
            }
            try visit(record, bytesRead)
        }
    }

    /// When a line that is not Rewind's looks like another format's, which `--format` to use.
    static func hint(_ bytes: UnsafeRawBufferPointer) -> String {
        guard let value = try? JSONValue.parse(bytes) else {
            let text = String(decoding: bytes.prefix(64), as: UTF8.self)
            if text.hasPrefix("seq_id,") || text.contains(",stream_id,") { return " (this looks like Marten's CSV: use --format marten)" }
            if text.trimmed() == "{" || text.trimmed() == "[" {
                return " (JSON Lines hold one event a line; a pretty-printed document such as a KurrentDB feed needs --format kurrent)"
            }
            return ""
        }
        guard value["stream"] == nil else { return "" }
        let format: String
        if value["topic"] != nil && value["offset"] != nil {
            format = "kcat -J output: use --format kcat"
        } else if value["op"] != nil || (value["payload"]?["op"]) != nil {
            format = "a Debezium change event: use --format debezium"
        } else if value["entries"] != nil || value["eventType"] != nil || value["streamId"] != nil || value["stream_id"] != nil {
            format = "KurrentDB's export: use --format kurrent"
        } else {
            return ""
        }
        return " (this looks like \(format))"
    }
}
