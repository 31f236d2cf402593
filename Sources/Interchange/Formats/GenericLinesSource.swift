import JSON
import SafeText

/// Rewind's generic JSON Lines (`--format jsonl`, what `rewind export` writes); see
/// `GenericEventLine` for the shape.
///
/// Records may come in any framing (`JSONRecordFramer`). A record without an id gets one
/// derived from where it starts (its line in JSON Lines) and its bytes, so that importing the
/// same file twice imports nothing the second time.
struct GenericLinesSource: EventSource {
    let file: InputFile
    var totalBytes: Int { file.size }

    init(path: String, options: ImportOptions) throws {
        try ImportFormat.jsonl.check(options)
        file = try InputFile(path: path, framing: options.framing)
    }

    func scan(_ visit: (SourceRecord, Int) throws -> Void) throws {
        var copier = JSONCompactCopier()
        var types = RecentStrings()
        try file.forEachRecord { framed in
            try visit(Self.record(framed, copier: &copier, types: &types), framed.bytesRead)
        }
    }

    static func record(_ framed: JSONRecordFramer.Record, copier: inout JSONCompactCopier, types: inout RecentStrings) -> SourceRecord {
        let start = framed.start
        if let problem = framed.problem { return .invalid(RecordError(start.location, problem + " (" + JSONRecordFramer.hint + ")")) }
        let bytes = framed.bytes
        if let decoded = GenericEventLine.decodeFast(bytes, copier: &copier, types: &types) { return event(decoded, start, bytes) }
        let value: JSONValue
        do throws(JSONParseError) { value = try JSONValue.parse(bytes) } catch {
            let e = start.invalidJSON(error)
            return .invalid(RecordError(e.location, e.reason + hint(bytes)))
        }
        do throws(GenericEventLine.LineError) {
            return event(try GenericEventLine.decode(value, line: start.line), start, bytes)
        } catch {
            return .invalid(RecordError(start.location, error.reason + hint(bytes)))
        }
    }

    private static func event(_ decoded: consuming GenericEventLine.Decoded, _ start: RecordStart, _ bytes: UnsafeRawBufferPointer) -> SourceRecord {
        var event = decoded.event
        if !decoded.hasExplicitID {
            let place = start.byLine ? String(start.line) : "\(start.line):\(start.column)"
            event.id = .nameBased([Array("jsonl".utf8), Array(place.utf8), Array(bytes)])
        }
        return .event(SourceEvent(stream: decoded.stream, version: decoded.version, event: event, location: start.location))
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
