import EventLog
import JSON

/// What `LOG/projections/NAME.json` holds: a projection's checkpoint and the state that covers
/// exactly the events up to it, saved together in one atomic write.
///
/// The file is one JSON object whose first line carries every field but the state, so that
/// `lag` and `project status` read a few hundred bytes instead of every partition:
///
///     {"format":1,"name":"balances","fingerprint":"…","checkpoint":1200,"updatedAt":"…",
///      "status":"running","applied":800,"partitionCount":2,"fault":null,"definition":{…},
///     "partitions":{
///     "account-1":1500,
///     "account-2":-200
///     }}
///
/// (the first two lines above are one line in the file). An unpartitioned projection has
/// `"state":VALUE` in place of `"partitions"`. See docs/PROJECTIONS.md.
public struct ProjectionRecord: Sendable, Equatable {
    public static let formatVersion: Int64 = 1

    /// The runner's state when it wrote the file.
    public enum Status: String, Sendable, Equatable {
        /// Saved in the course of a run. A file that still says so after its runner was killed
        /// is just as valid: the checkpoint and state match; the runner simply did not finish.
        case running
        /// Saved by a runner that stopped cleanly (caught up, or asked to stop).
        case stopped
        /// Stopped at a poison event; see `fault`.
        case faulted
    }

    /// The folded state: one value, or one value per partition key.
    public enum Body: Sendable, Equatable {
        case state(JSONValue)
        case partitions(JSONObject)
    }

    public var name: String
    /// The definition's fingerprint (`ProjectionDefinition.fingerprint(upcasters:)`) when the
    /// state was built; a different current fingerprint means the state is stale.
    public var fingerprint: String
    /// The global position of the last event the projection applied or skipped (0 = none).
    public var checkpoint: UInt64
    /// When the file was written (microseconds since the epoch, UTC).
    public var updatedAtMicros: Int64
    public var status: Status
    public var fault: ProjectionFault?
    /// Events the handlers ran on since the last rebuild.
    public var applied: UInt64
    public var partitionCount: Int
    /// The definition that built the state, for people reading the file.
    public var definition: JSONValue
    /// nil when only the first line was read (`ProjectionStore.loadHeader`).
    public var body: Body?

    public init(name: String, fingerprint: String, checkpoint: UInt64, updatedAtMicros: Int64, status: Status, fault: ProjectionFault? = nil,
                applied: UInt64 = 0, partitionCount: Int = 0, definition: JSONValue = .null, body: Body? = nil) {
        self.name = name
        self.fingerprint = fingerprint
        self.checkpoint = checkpoint
        self.updatedAtMicros = updatedAtMicros
        self.status = status
        self.fault = fault
        self.applied = applied
        self.partitionCount = partitionCount
        self.definition = definition
        self.body = body
    }

    /// The state as one JSON value: the single state, or an object of partition → state.
    public var stateValue: JSONValue? {
        switch body {
        case .state(let s): return s
        case .partitions(let p): return .object(p)
        case nil: return nil
        }
    }

    // MARK: Encoding

    /// The first line: every field but the body, ending with the comma before it.
    func headerLine() -> [UInt8] {
        let header: JSONValue = .object([
            "format": .integer(Self.formatVersion),
            "name": .string(name),
            "fingerprint": .string(fingerprint),
            "checkpoint": .integer(Int64(clamping: checkpoint)),
            "updatedAt": .string(RFC3339.format(microsecondsSinceEpoch: updatedAtMicros, fractionDigits: 3)),
            "status": .string(status.rawValue),
            "applied": .integer(Int64(clamping: applied)),
            "partitionCount": .integer(Int64(partitionCount)),
            "fault": fault?.json ?? .null,
            "definition": definition,
        ])
        var bytes = header.serializedBytes()
        // `{…}` → `{…,` then a newline: the body follows on the next lines.
        bytes.removeLast()
        bytes.append(UInt8(ascii: ","))
        bytes.append(10)
        return bytes
    }

    /// The whole file for a record that carries its body.
    public func encoded() -> [UInt8] {
        var out = headerLine()
        switch body {
        case .state(let s)?:
            out += Array("\"state\":".utf8) + s.serializedBytes() + [UInt8(ascii: "}"), 10]
        case .partitions(let p)?:
            let entries = p.keys.sorted().map { key in (key, p[key] ?? .null) }
            ProjectionRecord.appendPartitions(entries.lazy.map { ($0.0, $0.1.serializedBytes()) }, to: &out)
        case nil:
            out += Array("\"state\":null}\n".utf8)
        }
        return out
    }

    /// `"partitions":{` + one `"key":state` per line + `}}`.
    static func appendPartitions<S: Sequence>(_ entries: S, to out: inout [UInt8]) where S.Element == (String, [UInt8]) {
        out += Array("\"partitions\":{".utf8)
        var first = true
        for (key, state) in entries {
            out.append(first ? 10 : UInt8(ascii: ","))
            if !first { out.append(10) }
            first = false
            out += JSONValue.string(key).serializedBytes()
            out.append(UInt8(ascii: ":"))
            out += state
        }
        out += Array("\n}}\n".utf8)
    }

    // MARK: Decoding

    /// Why a projection file could not be read.
    public struct DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Reads a whole file.
    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> ProjectionRecord {
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch { throw DecodeError(message: "not valid JSON (\(error))") }
        return try decode(value, withBody: true)
    }

    /// Reads the first line only (see the type's comment); nil when the file does not have
    /// that layout (hand-written, or the header line longer than `prefix`), so the caller
    /// reads the whole file instead.
    static func decodeHeader(prefix: [UInt8]) throws(DecodeError) -> ProjectionRecord? {
        guard let newline = prefix.firstIndex(of: 10), newline > 1, prefix[newline - 1] == UInt8(ascii: ",") else { return nil }
        var line = Array(prefix[..<newline])
        line[line.count - 1] = UInt8(ascii: "}")
        guard let value = try? JSONValue.parse(line) else { return nil }
        return try decode(value, withBody: false)
    }

    private static func decode(_ value: JSONValue, withBody: Bool) throws(DecodeError) -> ProjectionRecord {
        guard case .object(let o) = value else { throw DecodeError(message: "expected a JSON object") }
        guard let format = o["format"]?.int64Value else { throw DecodeError(message: "missing \"format\"") }
        guard format == formatVersion else {
            throw DecodeError(message: "format \(format) is not supported (this rewind reads format \(formatVersion)); rebuild the projection")
        }
        func field<T>(_ key: String, _ read: (JSONValue) -> T?) throws(DecodeError) -> T {
            guard let v = o[key], let t = read(v) else { throw DecodeError(message: "missing or invalid \"\(key)\"") }
            return t
        }
        let name = try field("name") { $0.stringValue }
        let fingerprint = try field("fingerprint") { $0.stringValue }
        let checkpoint = try field("checkpoint") { $0.int64Value.flatMap { UInt64(exactly: $0) } }
        let updatedAt = try field("updatedAt") { $0.stringValue.flatMap(RFC3339.parse) }
        let status = try field("status") { $0.stringValue.flatMap(Status.init(rawValue:)) }
        let applied = o["applied"]?.int64Value.flatMap { UInt64(exactly: $0) } ?? 0
        let partitionCount = o["partitionCount"]?.int64Value.map { Int(clamping: $0) } ?? 0
        var fault: ProjectionFault?
        if let f = o["fault"], !f.isNull {
            guard let parsed = ProjectionFault(json: f) else { throw DecodeError(message: "invalid \"fault\"") }
            fault = parsed
        }
        var body: Body?
        if withBody {
            if let p = o["partitions"] {
                guard case .object(let partitions) = p else { throw DecodeError(message: "\"partitions\" is not an object") }
                body = .partitions(partitions)
            } else if let s = o["state"] {
                body = .state(s)
            } else {
                throw DecodeError(message: "missing \"state\" or \"partitions\"")
            }
        }
        return ProjectionRecord(
            name: name, fingerprint: fingerprint, checkpoint: checkpoint, updatedAtMicros: updatedAt, status: status, fault: fault,
            applied: applied, partitionCount: partitionCount, definition: o["definition"] ?? .null, body: body)
    }
}
