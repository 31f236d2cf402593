import EventLog
import JSON

/// A stream's state at one version, kept as a derived file so that loading need not replay
/// from the start. A cache, never the truth: see `SnapshotStore` for when one is used.
public struct Snapshot: Sendable, Equatable {
    /// Who made it.
    public enum Origin: String, Sendable, Equatable {
        /// `rewind snapshot create` (or the dashboard), from a replay.
        case replay
        /// `rewind snapshot import`: a production system's snapshot, checked against a replay.
        case `import`
    }

    public var stream: String
    public var version: UInt64
    /// The global position of the event at `version` (0 for version 0).
    public var position: UInt64
    /// The reducer's name ("generic fold", or the aggregate's).
    public var reducer: String
    /// The reducer's fingerprint (with the upcasters') when it was made.
    public var fingerprint: String
    public var createdMicros: Int64
    public var origin: Origin
    /// False once a replay disagreed with it (drift): such a snapshot is never used.
    public var matchesReplay: Bool
    public var state: JSONValue

    public init(stream: String, version: UInt64, position: UInt64, reducer: String, fingerprint: String, createdMicros: Int64, origin: Origin = .replay, matchesReplay: Bool = true, state: JSONValue) {
        self.stream = stream
        self.version = version
        self.position = position
        self.reducer = reducer
        self.fingerprint = fingerprint
        self.createdMicros = createdMicros
        self.origin = origin
        self.matchesReplay = matchesReplay
        self.state = state
    }
}

/// What is wrong with a snapshot file.
public enum SnapshotProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be read, does not parse, or its checksum fails.
    case corrupt(String)
    /// Made by another version of the reducer (or of the upcasters).
    case stale(recorded: String, current: String)
    /// Its state differs from a replay to its version.
    case drift([JSONChange])
    /// It names a stream or version the log does not have.
    case orphaned(String)

    /// "corrupt", "stale", "drift" or "orphaned".
    public var label: String {
        switch self {
        case .corrupt: return "corrupt"
        case .stale: return "stale"
        case .drift: return "drift"
        case .orphaned: return "orphaned"
        }
    }

    public var description: String {
        switch self {
        case .corrupt(let reason): return "corrupt: \(reason)"
        case .stale(let recorded, let current):
            return "stale: made by reducer \(recorded), the configuration now gives \(current)"
        case .drift(let changes):
            return "drift: \(changes.count) difference\(changes.count == 1 ? "" : "s") from a replay"
        case .orphaned(let reason): return "orphaned: \(reason)"
        }
    }
}

/// A problem met with one snapshot file while loading state (which then did without it).
public struct SnapshotIssue: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var stream: String
    public var version: UInt64
    public var problem: SnapshotProblem

    public var description: String {
        "snapshot of \(stream) at version \(version) was not used: \(problem)"
    }
}

/// The on-disk form: one header line of compact JSON, then exactly `stateBytes` bytes of the
/// state as compact JSON, then a newline:
///
///     {"format":"rewind-snapshot","formatVersion":1,"stream":"account-42","version":1000,
///      "position":52311,"reducer":"account","fingerprint":"…","created":"2026-…Z",
///      "origin":"replay","matchesReplay":true,"stateBytes":57,"checksum":"crc32c:1a2b3c4d"}
///     {"balanceCents":1500,…}
///
/// The CRC32C covers the state bytes; a header that does not parse, a length that does not
/// match, or a checksum that fails makes the file corrupt.
enum SnapshotCodec {
    static let format = "rewind-snapshot"
    static let formatVersion: Int64 = 1

    static func encode(_ snapshot: Snapshot) -> [UInt8] {
        let state = snapshot.state.serializedBytes()
        let crc = Checksum.crc32c(state)
        let header: JSONValue = [
            "format": .string(format), "formatVersion": .integer(formatVersion),
            "stream": .string(snapshot.stream), "version": .integer(Int64(clamping: snapshot.version)),
            "position": .integer(Int64(clamping: snapshot.position)),
            "reducer": .string(snapshot.reducer), "fingerprint": .string(snapshot.fingerprint),
            "created": .string(RFC3339.format(microsecondsSinceEpoch: snapshot.createdMicros)),
            "origin": .string(snapshot.origin.rawValue), "matchesReplay": .bool(snapshot.matchesReplay),
            "stateBytes": .integer(Int64(state.count)), "checksum": .string("crc32c:" + hex(crc)),
        ]
        var out = header.serializedBytes()
        out.append(10)
        out.append(contentsOf: state)
        out.append(10)
        return out
    }

    /// The header alone (for listing); nil reason when it parses.
    static func decodeHeader(_ bytes: [UInt8]) -> Result<JSONObject, SnapshotProblem> {
        guard let newline = bytes.firstIndex(of: 10) else { return .failure(.corrupt("no header line")) }
        guard case .object(let header)? = try? JSONValue.parse(Array(bytes[..<newline])) else {
            return .failure(.corrupt("the header line is not a JSON object"))
        }
        guard header["format"]?.stringValue == format else { return .failure(.corrupt("not a rewind snapshot (format)")) }
        guard header["formatVersion"]?.int64Value == formatVersion else {
            return .failure(.corrupt("unknown snapshot format version \(header["formatVersion"]?.description ?? "?"); a newer rewind wrote it"))
        }
        return .success(header)
    }

    static func decode(_ bytes: [UInt8]) -> Result<Snapshot, SnapshotProblem> {
        let header: JSONObject
        switch decodeHeader(bytes) {
        case .failure(let problem): return .failure(problem)
        case .success(let h): header = h
        }
        guard let newline = bytes.firstIndex(of: 10),
              let stream = header["stream"]?.stringValue,
              let version = header["version"]?.int64Value, version >= 0,
              let position = header["position"]?.int64Value, position >= 0,
              let reducer = header["reducer"]?.stringValue,
              let fingerprint = header["fingerprint"]?.stringValue,
              let created = header["created"]?.stringValue.flatMap(RFC3339.parse),
              let origin = header["origin"]?.stringValue.flatMap(Snapshot.Origin.init(rawValue:)),
              let matches = header["matchesReplay"]?.boolValue,
              let length = header["stateBytes"]?.int64Value, length >= 0,
              let checksum = header["checksum"]?.stringValue, checksum.hasPrefix("crc32c:"),
              let expected = UInt32(checksum.dropFirst(7), radix: 16)
        else { return .failure(.corrupt("the header misses a field or has one of the wrong kind")) }
        let start = newline + 1
        guard bytes.count - start == Int(length) + 1, bytes.last == 10 else {
            return .failure(.corrupt("the state is \(max(0, bytes.count - start - 1)) bytes long, the header says \(length) (a cut or extended file)"))
        }
        let actual = bytes.withUnsafeBytes { Checksum.crc32c(UnsafeRawBufferPointer(rebasing: $0[start..<(start + Int(length))])) }
        guard actual == expected else {
            return .failure(.corrupt("checksum mismatch: the file says crc32c \(hex(expected)), the state bytes give \(hex(actual))"))
        }
        let state: JSONValue
        do {
            state = try bytes.withUnsafeBytes { try JSONValue.parse(UnsafeRawBufferPointer(rebasing: $0[start..<(start + Int(length))])) }
        } catch {
            return .failure(.corrupt("the state is not valid JSON (\(error))"))
        }
        return .success(Snapshot(
            stream: stream, version: UInt64(version), position: UInt64(position), reducer: reducer, fingerprint: fingerprint,
            createdMicros: created, origin: origin, matchesReplay: matches, state: state))
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
