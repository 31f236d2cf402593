import EventLog
import JSON

/// Marten's `mt_events` table as CSV with a header, as `COPY (select … from mt_events order by
/// seq_id) TO STDOUT WITH CSV HEADER` (or psql's `\copy`) writes it.
///
/// Columns are found by their header names, in any order, and extra columns are allowed
/// (reach them with `column:NAME`):
/// - stream: `stream_id` · version: `version` (Marten's are 1-based, as Rewind's) · type: `type`
///   (Marten's snake_case alias, e.g. `money_deposited`; `--type-case pascal` or
///   `--rename-type` map it) · data: `data` (jsonb text) · id: `id` · time: `timestamp`
///   (timestamptz text, e.g. `2026-01-15 10:00:00.123456+00`);
/// - metadata: `correlation_id`, `causation_id`, the `headers` object's members, and
///   `marten`: `seqId`, `tenantId`, `dotnetType` (and `archived` when true).
struct MartenSource: EventSource {
    let file: InputFile
    let options: ImportOptions
    var totalBytes: Int { file.size }

    init(path: String, options: ImportOptions) throws {
        try ImportFormat.marten.check(options)
        self.options = options
        file = try InputFile(path: path)
    }

    func scan(_ visit: (SourceRecord, Int) throws -> Void) throws {
        let handle = try InputFile.open(file.path)
        defer { handle.close() }
        var columns: Header?
        var number = 0
        var tenants = TenantCheck()
        try CSVReader(handle: handle, chunkSize: file.chunkSize).forEachRecord { record, bytesRead in
            guard let header = columns else {
                columns = try header(record)
                return
            }
            number += 1
            let location = SourceLocation(line: record.line, record: "record \(number)")
            switch record.fields {
            case .failure(let problem):
                try visit(.invalid(RecordError(location, problem.description)), bytesRead)
            case .success(let fields):
                try visit(event(fields, header, location, &tenants), bytesRead)
            }
        }
        if columns == nil {
            throw EventLogError.invalidArgument("\(file.path) is empty: a Marten export starts with a CSV header line (COPY … TO STDOUT WITH CSV HEADER)")
        }
    }

    /// The columns of the header line, by name.
    struct Header {
        var positions: [String: Int]
        var count: Int
    }

    /// The header's column positions; refuses a header without the columns the import needs.
    private func header(_ record: CSVReader.Record) throws -> Header {
        guard case .success(let names) = record.fields else {
            throw EventLogError.invalidArgument("\(file.path): the CSV header line is malformed; export with COPY (select …) TO STDOUT WITH CSV HEADER")
        }
        var columns: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            if let name, columns[name] == nil { columns[name] = i }
        }
        let listed = names.compactMap { $0 }
        var missing: [String] = []
        var needs: [NeededOption] = []
        let defaults: [(String, FieldSpec?, String, [String])] = [
            ("--stream-from", options.stream, "stream_id", ["stream", "aggregate"]),
            ("--type-from", options.type, "type", ["type", "kind", "event"]),
            ("--data-from", options.data, "data", ["data", "body", "payload", "json"]),
        ]
        for (option, spec, fallback, hints) in defaults {
            if let spec {
                for case .column(let c) in spec.parts where columns[c] == nil { missing.append("'\(c)' (needed by \(option) \(spec))") }
            } else if columns[fallback] == nil {
                missing.append("'\(fallback)' (Marten's mt_events)")
                let guess = FieldGuess.name(in: listed, hints: hints).map { "column:\($0)" } ?? "column:NAME"
                needs.append(NeededOption(option, guess, because: "the header has no '\(fallback)' column"))
            }
        }
        for (option, spec) in [("--id-from", options.id), ("--version-from", options.version), ("--time-from", options.time)] {
            guard let spec else { continue }
            for case .column(let c) in spec.parts where columns[c] == nil { missing.append("'\(c)' (needed by \(option) \(spec))") }
        }
        if !missing.isEmpty {
            var message = "\(file.path): the CSV header has no column \(missing.joined(separator: ", ")); it has: \(listed.joined(separator: ","))."
            message += " Export with: COPY (select * from mt_events order by seq_id) TO STDOUT WITH CSV HEADER"
            if let advice = NeededOption.advice(needs) { message += "\n" + advice }
            throw EventLogError.invalidArgument(message)
        }
        return Header(positions: columns, count: names.count)
    }

    private func event(_ fields: [String?], _ header: Header, _ location: SourceLocation, _ tenants: inout TenantCheck) -> SourceRecord {
        func invalid(_ reason: String) -> SourceRecord { .invalid(RecordError(location, reason)) }
        guard fields.count == header.count else {
            return invalid("the record has \(fields.count) fields, but the header has \(header.count) columns (a field with a comma or newline must be in double quotes)")
        }
        func column(_ name: String) -> String? {
            guard let i = header.positions[name] else { return nil }
            return fields[i]
        }
        let dataText = column("data")
        let data = dataText.flatMap(SourceValues.parseEmbedded)
        let lookup: (FieldSpec.Part) -> JSONValue? = { part in
            switch part {
            case .column(let c): return column(c).map(JSONValue.string)
            case .field(let path): return data?.value(at: path)
            default: return nil
            }
        }
        func text(_ spec: FieldSpec?, _ fallback: String) -> Result<String?, FieldProblem> {
            guard let spec else { return .success(column(fallback)) }
            return spec.text(lookup).map { $0 }
        }

        guard case .success(let streamText) = text(options.stream, "stream_id"), let streamID = streamText, !streamID.isEmpty else {
            return invalid("no stream: \(options.stream.map { "\($0) is empty" } ?? "column stream_id is empty")")
        }
        let tenant = column("tenant_id").flatMap { $0.isEmpty ? nil : $0 }
        let streamType = column("stream_type").flatMap { $0.isEmpty ? nil : $0 }
        let stream = options.stream == nil ? MartenStreamName.name(id: streamID, type: streamType, tenant: tenant) : streamID
        if options.stream != nil, let tenant, let other = tenants.other(than: tenant, in: stream) {
            return invalid("stream '\(stream)' holds events of tenants '\(other)' and '\(tenant)': with Marten's conjoined tenancy each tenant has its own stream of that id, and their versions clash; leave out --stream-from to name them TENANT/STREAM, or write --stream-from '{column:tenant_id}/{column:stream_id}'")
        }
        guard case .success(let typeText) = text(options.type, "type"), let type = typeText, !type.isEmpty else {
            return invalid("no event type: \(options.type.map { "\($0) is empty" } ?? "column type is empty")")
        }
        var version: UInt64?
        if case .success(let v?) = text(options.version, "version") {
            guard let n = UInt64(v), n >= 1 else { return invalid("version '\(v)' is not a whole number from 1") }
            version = n
        }
        let payload: [UInt8]
        if let spec = options.data {
            guard let value = spec.single.flatMap(lookup) else { return invalid("no data: \(spec) is missing") }
            payload = SourceValues.jsonData(value)
        } else {
            guard let dataText else { return invalid("column data is NULL (an event's data is a JSON document)") }
            guard let data else { return invalid("column data is not JSON: \(Self.preview(dataText))") }
            payload = data.serializedBytes()
        }
        var id: EventID
        switch text(options.id, "id") {
        case .success(let t?): id = EventID(t) ?? .nameBased("marten-id", t)
        default: id = .nameBased("marten", stream, version.map { String($0) } ?? (column("seq_id") ?? ""))
        }
        var time: Int64?
        if case .success(let t?) = text(options.time, "timestamp") {
            guard let micros = SourceValues.micros(text: t) else {
                return invalid("timestamp '\(t)' is not a time (Postgres writes e.g. 2026-01-15 10:00:00.123456+00)")
            }
            time = micros
        }

        var metadata = MetadataBuilder()
        if let headers = column("headers") {
            guard let value = SourceValues.parseEmbedded(headers) else { return invalid("column headers is not JSON: \(Self.preview(headers))") }
            metadata.merge(value)
        }
        metadata.set(correlation: column("correlation_id").map(JSONValue.string))
        metadata.set(causation: column("causation_id").map(JSONValue.string))
        var marten = JSONObject()
        if let seq = column("seq_id") { marten["seqId"] = Int64(seq).map(JSONValue.integer) ?? .string(seq) }
        if let tenant = column("tenant_id") { marten["tenantId"] = .string(tenant) }
        if stream != streamID { marten["streamId"] = .string(streamID) }
        if let streamType { marten["streamType"] = .string(streamType) }
        if let dotnet = column("mt_dotnet_type") { marten["dotnetType"] = .string(dotnet) }
        if let archived = column("is_archived"), archived == "t" || archived == "true" { marten["archived"] = true }
        if !marten.isEmpty { metadata.set("marten", .object(marten)) }
        let event = NewEvent(id: id, type: type, data: payload, metadata: metadata.bytes, originalMicros: time)
        return .event(SourceEvent(stream: stream, version: version, event: event, location: location))
    }

    /// Remembers each stream's tenant when `--stream-from` names streams without it, to refuse
    /// two tenants' events in one stream (one entry a stream; nothing without the option).
    struct TenantCheck {
        private var tenants: [String: String] = [:]

        /// The other tenant already seen in `stream`, or nil (and `tenant` is remembered).
        mutating func other(than tenant: String, in stream: String) -> String? {
            if let seen = tenants[stream] { return seen == tenant ? nil : seen }
            tenants[stream] = tenant
            return nil
        }
    }

    static func preview(_ text: String) -> String {
        text.count > 60 ? "'\(text.prefix(60))…'" : "'\(text)'"
    }
}
