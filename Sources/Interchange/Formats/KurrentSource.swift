import Platform
import JSON

/// KurrentDB / EventStoreDB exports (`--format kurrent`), recognised per file:
/// - JSON Lines (the first line is a whole JSON value): one gRPC-shaped event a line, kept in
///   file order; a line may also hold a whole AtomPub feed;
/// - otherwise one or more JSON documents (pretty-printed, concatenated, or a JSON array of
///   them): AtomPub feeds (`GET /streams/NAME?embed=body`), arrays of entries, or events.
/// A feed lists its entries newest first, and pages may come in any order: entries from feeds
/// are imported oldest first — each stream by event number, streams interleaved by time.
/// See `KurrentEvent` for the fields.
struct KurrentSource: EventSource {
    let file: InputFile
    let mapper: KurrentEvent
    var totalBytes: Int { file.size }

    init(path: String, options: ImportOptions) throws {
        try ImportFormat.kurrent.check(options)
        mapper = KurrentEvent(options: options)
        file = try InputFile(path: path)
    }

    func scan(_ visit: (SourceRecord, Int) throws -> Void) throws {
        var fromFeeds: [SourceRecord] = []
        if try isJSONLines() {
            try file.forEachJSONLine(visit) { value, location in
                split(value, at: location.line ?? 0, into: &fromFeeds, inLines: true)
            }
        } else {
            let bytes = try file.readAll()
            for span in JSONDocumentSplitter.split(bytes) {
                let parsed = bytes[span.range].withUnsafeBytes { raw in
                    Result { () throws(JSONParseError) -> JSONValue in try JSONValue.parse(raw) }
                }
                switch parsed {
                case .success(let value):
                    for record in split(value, at: span.line, into: &fromFeeds, inLines: false) { try visit(record, span.range.upperBound) }
                case .failure(let error):
                    try visit(.invalid(RecordError(.line(span.line + error.line - 1), "invalid JSON at column \(error.column): \(error.reason)")), span.range.upperBound)
                }
            }
        }
        for record in Self.oldestFirst(fromFeeds) { try visit(record, file.size) }
    }

    /// The records of one top-level value: a feed's entries and an array's items are set aside
    /// in `fromFeeds` (to be put in order at the end); an event on its own is returned.
    private func split(_ value: JSONValue, at line: Int, into fromFeeds: inout [SourceRecord], inLines: Bool) -> [SourceRecord] {
        let here = inLines ? "line \(line)" : "the document on line \(line)"
        if value["entries"] != nil {
            fromFeeds += entries(of: value, feed: "the feed on line \(line)")
        } else if case .array(let items) = value {
            for (i, item) in items.enumerated() {
                if item["entries"] != nil {
                    fromFeeds += entries(of: item, feed: "feed \(i + 1) of \(here)")
                } else {
                    fromFeeds.append(mapper.record(item, SourceLocation(line: nil, record: "item \(i + 1) of \(here)")))
                }
            }
        } else {
            return [mapper.record(value, .line(line))]
        }
        return []
    }

    /// True when the first non-blank line is a whole JSON value.
    private func isJSONLines() throws -> Bool {
        var answer = false
        var decided = false
        let handle = try InputFile.open(file.path)
        defer { handle.close() }
        var reader = LineReader(handle: handle, chunkSize: file.chunkSize)
        try reader.forEachLine { bytes, _, _ in
            if bytes.allSatisfy({ $0 == 32 || $0 == 9 }) { return true }
            answer = (try? JSONValue.parse(bytes)) != nil
            decided = true
            return false
        }
        return decided && answer
    }

    private func entries(of feed: JSONValue, feed name: String) -> [SourceRecord] {
        guard let items = feed["entries"]?.arrayValue else {
            return [.invalid(RecordError(SourceLocation(line: nil, record: name), "\"entries\" must be an array of events"))]
        }
        return items.enumerated().map { i, item in mapper.record(item, SourceLocation(line: nil, record: "entry \(i + 1) of \(name)")) }
    }

    /// Problems first, then events: each stream by version, streams interleaved by time (ties
    /// in the order streams first appear).
    static func oldestFirst(_ records: [SourceRecord]) -> [SourceRecord] {
        var out: [SourceRecord] = []
        var streams: [String: Int] = [:]
        var queues: [[SourceEvent]] = []
        for record in records {
            guard case .event(let e) = record else { out.append(record); continue }
            if let s = streams[e.stream] {
                queues[s].append(e)
            } else {
                streams[e.stream] = queues.count
                queues.append([e])
            }
        }
        for s in queues.indices {
            queues[s] = queues[s].enumerated().sorted { a, b in
                (a.element.version ?? .max, a.offset) < (b.element.version ?? .max, b.offset)
            }.map(\.element)
        }
        var heads = [Int](repeating: 0, count: queues.count)
        while true {
            var best: Int?
            for s in queues.indices where heads[s] < queues[s].count {
                let t = queues[s][heads[s]].event.originalMicros ?? .max
                if let b = best, (queues[b][heads[b]].event.originalMicros ?? .max) <= t { continue }
                best = s
            }
            guard let s = best else { break }
            out.append(.event(queues[s][heads[s]]))
            heads[s] += 1
        }
        return out
    }
}
