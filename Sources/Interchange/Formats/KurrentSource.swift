import Platform
import JSON

/// KurrentDB / EventStoreDB exports (`--format kurrent`), in any framing (`JSONRecordFramer`:
/// JSON Lines, pretty-printed documents one after another, or a JSON array of them). Each
/// record is a gRPC-shaped event (kept in file order in JSON Lines), an AtomPub feed
/// (`GET /streams/NAME?embed=body`), or an array of entries or feeds.
/// A feed lists its entries newest first, and pages may come in any order: entries from feeds
/// are imported oldest first — each stream by event number, streams interleaved by time.
/// A feed read without `?embed=body` is one error saying which address to fetch again. Link
/// events are ignored once the whole input is read, with a reason that says whether the input
/// holds the event they point to (see `KurrentLink`). See `KurrentEvent` for the fields.
struct KurrentSource: EventSource {
    let file: InputFile
    let mapper: KurrentEvent
    var totalBytes: Int { file.size }

    init(path: String, options: ImportOptions) throws {
        try ImportFormat.kurrent.check(options)
        mapper = KurrentEvent(options: options)
        file = try InputFile(path: path, framing: options.framing)
    }

    func scan(_ visit: (SourceRecord, Int) throws -> Void) throws {
        var found = Found()
        try file.forEachJSONRecord(visit) { value, start in
            let events = split(value, at: start, into: &found)
            // Outside JSON Lines, events are put in order like a feed's (an array of entries
            // lists them newest first).
            if start.byLine { return events }
            found.fromFeeds += events
            return []
        }
        for record in Self.oldestFirst(found.fromFeeds) {
            if case .event(let e) = record { found.held.insert(e) }
            try visit(record, file.size)
        }
        for link in found.links { try visit(link.record(inputHolds: found.held.contains(link)), file.size) }
    }

    /// What the records read so far left for the end: feeds' entries (put in order once all are
    /// read), links (resolved once every event is known), and the events seen.
    private struct Found {
        var fromFeeds: [SourceRecord] = []
        var links: [KurrentLink] = []
        var held = KurrentHeldEvents()
    }

    /// The records of one top-level value to visit now: an event on its own is returned (and
    /// remembered as held); a feed's entries and an array's items are set aside in `found`.
    private func split(_ value: JSONValue, at start: RecordStart, into found: inout Found) -> [SourceRecord] {
        let here = start.byLine ? "line \(start.line)" : "the document on line \(start.line)"
        if value["entries"] != nil {
            entries(of: value, feed: "the feed on line \(start.line)", into: &found)
        } else if case .array(let items) = value {
            for (i, item) in items.enumerated() {
                if item["entries"] != nil {
                    entries(of: item, feed: "feed \(i + 1) of \(here)", into: &found)
                } else {
                    switch mapper.read(item, SourceLocation(line: nil, record: "item \(i + 1) of \(here)")) {
                    case .record(let record): found.fromFeeds.append(record)
                    case .link(let link): found.links.append(link)
                    }
                }
            }
        } else {
            switch mapper.read(value, start.location) {
            case .record(let record):
                if case .event(let e) = record { found.held.insert(e) }
                return [record]
            case .link(let link): found.links.append(link)
            }
        }
        return []
    }

    /// A feed's entries, set aside in `found`. Entries read without their body (the feed was
    /// fetched without `?embed=body`) make one error for the feed that says what to fetch.
    private func entries(of feed: JSONValue, feed name: String, into found: inout Found) {
        let location = SourceLocation(line: nil, record: name)
        guard let items = feed["entries"]?.arrayValue else {
            found.fromFeeds.append(.invalid(RecordError(location, "\"entries\" must be an array of events")))
            return
        }
        var bodiless: [JSONValue] = []
        for (i, item) in items.enumerated() {
            if Self.lacksBody(item) {
                bodiless.append(item)
                continue
            }
            switch mapper.read(item, SourceLocation(line: nil, record: "entry \(i + 1) of \(name)")) {
            case .record(let record): found.fromFeeds.append(record)
            case .link(let link): found.links.append(link)
            }
        }
        if !bodiless.isEmpty {
            found.fromFeeds.append(.invalid(RecordError(location, Self.noBodyAdvice(feed, bodiless, of: items.count))))
        }
    }

    /// True for an entry of a feed read without `?embed=body`: no event fields at all (no
    /// `?embed`), or a JSON event's fields without its data (`?embed=rich`). Links (`$>`) and
    /// non-JSON events are not: a feed never carries a non-JSON event's data.
    static func lacksBody(_ entry: JSONValue) -> Bool {
        if KurrentEvent.isBareEntry(entry) { return entry["summary"]?.stringValue != "$>" }
        guard case .object(let o) = entry, o["isJson"]?.boolValue == true, o["content"] == nil else { return false }
        return !KurrentEvent.dataKeys.contains { o[$0] != nil }
    }

    /// What to fetch again: the feed's own address with `?embed=body`.
    static func noBodyAdvice(_ feed: JSONValue, _ bodiless: [JSONValue], of total: Int) -> String {
        let example = bodiless.first.map { e -> String in
            let title = e["title"]?.stringValue ?? "?"
            let type = (e["eventType"] ?? e["summary"])?.stringValue ?? "?"
            return " (e.g. \(title), \(type))"
        } ?? ""
        var url = feed["id"]?.stringValue
            ?? feed["links"]?.arrayValue?.first(where: { $0["relation"]?.stringValue == "self" })?["uri"]?.stringValue
        if let u = url, let q = u.firstIndex(of: "?") { url = String(u[..<q]) }
        let stream = feed["streamId"]?.stringValue ?? "STREAM"
        let address = (url ?? "http://localhost:2113/streams/\(stream)") + "?embed=body"
        let count = total == 1 ? "its one entry names its event" : bodiless.count == total ? "its \(total) entries name their events" : "\(bodiless.count) of its \(total) entries name their events"
        return "this feed was read without ?embed=body: \(count)\(example) but \(total == 1 ? "carries" : "carry") no data; fetch it again with its bodies: "
            + "curl -H 'Accept: application/vnd.eventstore.atom+json' '\(address)' (and each page it links to the same way)"
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
