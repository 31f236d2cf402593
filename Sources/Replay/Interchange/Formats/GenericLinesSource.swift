import EventLog

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
                record = .invalid(RecordError(.line(error.line), error.reason))
            }
            try visit(record, bytesRead)
        }
    }
}
