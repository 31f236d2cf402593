import EventLog
import JSON

/// The reducer for streams that no aggregate in `rewind.toml` claims, so that any log shows
/// something useful with no configuration.
///
/// The state starts as `{}`. An event whose data is a JSON object merges its top-level members
/// into the state: a key keeps the position where it first appeared and takes the latest
/// value (later events overwrite; nested objects are replaced, not merged). An event whose data
/// is not an object (an array, a string, a number, malformed JSON, or binary data) is stored
/// whole under the event's type: JSON as its value, malformed JSON as a string, binary data as
/// a base64 string. Empty data changes nothing.
///
/// It is built for speed (millions of events per second): applying an event scans its bytes
/// for top-level keys and remembers, per key, which event holds the latest value and where;
/// no JSON value is built. `json(of:)` re-reads those few events. Blame is free: per key, the
/// version that last set it (`blame(of:)`).
///
/// Not thread-safe: one thread per instance (it reuses a scratch buffer).
public final class GenericFold: Reducer {
    public typealias State = GenericFoldState

    /// Changes when the fold's rules change, making older snapshots stale.
    public static let fingerprintValue = Fingerprint.of("rewind generic fold v1")

    /// The name states and snapshots show.
    public static let displayName = "generic fold"

    public var name: String { Self.displayName }
    public var fingerprint: String { Self.fingerprintValue }
    /// The log and stream whose events `json(of:)` re-reads.
    public let log: any EventStore
    public let stream: String

    private var members: UnsafeMutablePointer<TopLevelScanner.Member>
    private var capacity = 64

    public init(log: any EventStore, stream: String) {
        self.log = log
        self.stream = stream
        members = .allocate(capacity: capacity)
    }

    deinit {
        members.deallocate()
    }

    public func initialState() -> GenericFoldState {
        GenericFoldState()
    }

    public func apply(_ state: inout GenericFoldState, _ event: EventView, data: UnsafeRawBufferPointer? = nil, schemaVersion: UInt32? = nil) {
        let version = event.version
        let bytes = data ?? event.data
        let owned = data != nil
        defer { state.version = version }
        if !owned && event.contentType != .json {
            setWhole(&state, event, bytes: bytes, owned: false, source: .binary)
            return
        }
        if bytes.isEmpty { return }
        var count = 0
        var scratch = members
        var room = capacity
        let isObject = TopLevelScanner.scanObject(bytes) { member in
            if count == room {
                growScratch()
                scratch = members
                room = capacity
            }
            scratch[count] = member
            count += 1
        }
        guard isObject, let base = bytes.baseAddress else {
            setWhole(&state, event, bytes: bytes, owned: owned, source: .wholeData)
            return
        }
        let size = bytes.count
        for k in 0..<count {
            let m = scratch[k]
            let keyStart = Int(m.keyStart)
            let index: Int
            if m.keyEscaped {
                index = slotForEscapedKey(&state, UnsafeRawBufferPointer(start: base + keyStart - 1, count: Int(m.keyLength) + 2))
            } else {
                index = state.slotIndex(key: base + keyStart, length: Int(m.keyLength), readable: size - keyStart, ordinal: k)
            }
            if owned {
                state.setInline(index, version: version, json: Array(UnsafeRawBufferPointer(start: base + Int(m.valueStart), count: Int(m.valueLength))))
            } else {
                state.set(index, version: version, source: .member, start: Int(m.valueStart), length: Int(m.valueLength))
            }
        }
    }

    /// Data that is not an object goes under the event's type.
    private func setWhole(_ state: inout GenericFoldState, _ event: EventView, bytes: UnsafeRawBufferPointer, owned: Bool, source: GenericFoldState.Source) {
        let index = state.slotIndex(key: event.typeBytes)
        if owned {
            state.setInline(index, version: event.version, json: Array(bytes))
        } else {
            state.set(index, version: event.version, source: source, start: 0, length: bytes.count)
        }
    }

    /// A key written with escapes (`"a\u0062"`) is stored under its decoded name (`ab`).
    private func slotForEscapedKey(_ state: inout GenericFoldState, _ quoted: UnsafeRawBufferPointer) -> Int {
        let name = Array((try? JSONValue.parse(quoted))?.stringValue?.utf8 ?? String(decoding: quoted, as: UTF8.self).utf8)
        return name.withUnsafeBytes { state.slotIndex(key: $0) }
    }

    private func growScratch() {
        let bigger = UnsafeMutablePointer<TopLevelScanner.Member>.allocate(capacity: capacity * 2)
        bigger.update(from: members, count: capacity)
        members.deallocate()
        members = bigger
        capacity *= 2
    }

    // MARK: Materializing

    /// The state as a JSON object, re-reading the events that hold its values (nearby ones in
    /// one read).
    ///
    /// A member value that does not parse (the scan checks structure, not every detail of the
    /// grammar) appears as a string of its raw text.
    /// - Throws: `EventLogError` when the log cannot be read, or `ReplayError.missingEvent`
    ///   when an event the state refers to is not in the log any more.
    public func json(of state: GenericFoldState) throws -> JSONValue {
        var values = [JSONValue?](repeating: nil, count: state.slots.count)
        var wanted: [(version: UInt64, slot: Int)] = []
        for (i, slot) in state.slots.enumerated() {
            if slot.source == .inline {
                let bytes = slot.inlineIndex >= 0 ? state.inline[Int(slot.inlineIndex)] : []
                values[i] = bytes.withUnsafeBytes { Self.decode($0) }
            } else {
                wanted.append((slot.version, i))
            }
        }
        if !wanted.isEmpty {
            wanted.sort { $0.version < $1.version }
            try readValues(wanted, state: state, into: &values)
        }
        var object = JSONObject(minimumCapacity: state.slots.count)
        let keys = state.keys
        for i in 0..<keys.count {
            object[keys[i]] = values[i] ?? .null
        }
        return .object(object)
    }

    /// Reads the events in `wanted` (sorted by version), grouping versions less than
    /// `clusterGap` apart into one read.
    private func readValues(_ wanted: [(version: UInt64, slot: Int)], state: GenericFoldState, into values: inout [JSONValue?]) throws {
        let clusterGap: UInt64 = 256
        var i = 0
        while i < wanted.count {
            var j = i
            while j + 1 < wanted.count, wanted[j + 1].version - wanted[j].version < clusterGap { j += 1 }
            let first = wanted[i].version, last = wanted[j].version
            var k = i
            try log.readStream(stream, from: first, limit: Int(last - first + 1)) { view in
                while k <= j, wanted[k].version == view.version {
                    let slot = state.slots[wanted[k].slot]
                    values[wanted[k].slot] = Self.value(of: slot, in: view)
                    k += 1
                }
                return k <= j
            }
            if k <= j {
                throw ReplayError.missingEvent(stream: stream, version: wanted[k].version)
            }
            i = j + 1
        }
    }

    private static func value(of slot: GenericFoldState.Slot, in view: EventView) -> JSONValue {
        let data = view.data
        switch slot.source {
        case .binary:
            return .string(Base64.encode(data))
        case .wholeData:
            return decode(data)
        case .member, .inline:
            let start = Int(slot.valueStart), end = start + Int(slot.valueLength)
            guard end <= data.count else { return .null }
            return decode(UnsafeRawBufferPointer(rebasing: data[start..<end]))
        }
    }

    /// Parses JSON text; text that does not parse becomes a string of itself.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> JSONValue {
        if let value = try? JSONValue.parse(bytes) { return value }
        return .string(String(decoding: bytes, as: UTF8.self))
    }

    /// Restores a state from its JSON (a snapshot): every value is kept inline, and which event
    /// set each key is unknown (`blame` reports nil).
    /// - Throws: `ReplayError.notAnObject` when `json` is not an object.
    public func state(from json: JSONValue) throws -> GenericFoldState {
        guard case .object(let members) = json else { throw ReplayError.notAnObject(reducer: name, kind: json.kindName) }
        var state = GenericFoldState()
        for (key, value) in members {
            var key = key
            let index = key.withUTF8 { state.slotIndex(key: UnsafeRawBufferPointer($0)) }
            state.setInline(index, version: 0, json: value.serializedBytes(), restored: true)
        }
        return state
    }

    /// Per top-level key, in state order, the version of the event that last set it; nil for
    /// keys restored from a snapshot (the event is unknown).
    public func blame(of state: GenericFoldState) -> [(key: String, version: UInt64?)] {
        let keys = state.keys
        return keys.indices.map { (keys[$0], state.slots[$0].restored ? nil : state.slots[$0].version) }
    }
}

/// Failures of replay that are not a handler's or the log's.
public enum ReplayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A state refers to an event the log does not hold.
    case missingEvent(stream: String, version: UInt64)
    /// A state to restore must be an object.
    case notAnObject(reducer: String, kind: String)
    /// The stream has no events.
    case unknownStream(String)
    /// A version past the stream's last.
    case versionBeyondStream(stream: String, version: UInt64, last: UInt64)

    public var description: String {
        switch self {
        case .missingEvent(let stream, let version):
            return "event \(version) of \(stream) is not in the log any more; the log was replaced under this reader: reopen it"
        case .notAnObject(let reducer, let kind):
            return "a \(reducer) state must be a JSON object, not \(kind == "array" || kind == "object" ? "an" : "a") \(kind)"
        case .unknownStream(let stream):
            return "no stream named '\(stream)' in the log; 'rewind streams LOG' lists them"
        case .versionBeyondStream(let stream, let version, let last):
            return "\(stream) has \(last) event\(last == 1 ? "" : "s"); version \(version) is beyond its end (use 0…\(last))"
        }
    }
}
