import CJQ
import EventLog
import JSON

/// The byte format of one derived projection checkpoint file,
/// `LOG/cache/project-state/NAME/<position, 20 digits>.ckpt` (docs/FORMAT.md, "Projection state
/// cache"). Writer and reader are both here.
///
///     file   := header "\n" state "\n" trailer "\n"
///     header := one line of JSON: {"format":"rewind-projection-checkpoint","version":1,
///               "projection":NAME,"fingerprint":F,"position":P,"applied":A,"partitioned":BOOL,
///               "firstEvent":UUID,"event":UUID}
///     state  := one line of JSON: the single state, or an object of partition key → state
///     trailer:= "crc32c=" 8 lowercase hex digits: CRC32C of every byte before it
///
/// `firstEvent` and `event` are the ids of the events at positions 1 and P when the file was
/// made: the log's identity, so a file made against another log (a copy re-imported, a log
/// cut and rewritten past P) is stale even when the positions still exist. The file holds no
/// state past P and no fault (a fold that faults keeps no checkpoint at or after the fault).
struct ProjectionCheckpointFile: Equatable {
    static let format = "rewind-projection-checkpoint"
    static let version = 1
    static let suffix = ".ckpt"
    static let crcPrefix = Array("crc32c=".utf8)

    var projection: String
    var fingerprint: String
    var position: UInt64
    var applied: UInt64
    var partitioned: Bool
    var firstEvent: EventID
    var event: EventID

    /// The file name of the checkpoint at `position`: 20 digits, so names sort by position.
    static func fileName(_ position: UInt64) -> String {
        let digits = String(position)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + suffix
    }

    /// The position a file name stands for, or nil for any other name (temporaries, strays).
    static func position(ofFileName name: String) -> UInt64? {
        guard name.hasSuffix(suffix), name.utf8.count == 20 + suffix.utf8.count else { return nil }
        let digits = name.dropLast(suffix.count)
        guard digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return UInt64(digits)
    }

    /// The whole file: this header, `state` (already serialized) and the trailer.
    func encoded(state: [UInt8]) -> [UInt8] {
        let header: JSONValue = .object([
            "format": .string(Self.format), "version": .integer(Int64(Self.version)), "projection": .string(projection),
            "fingerprint": .string(fingerprint), "position": .integer(Int64(clamping: position)),
            "applied": .integer(Int64(clamping: applied)), "partitioned": .bool(partitioned),
            "firstEvent": .string(firstEvent.description), "event": .string(event.description),
        ])
        var bytes = header.serializedBytes()
        bytes.append(UInt8(ascii: "\n"))
        bytes += state
        bytes.append(UInt8(ascii: "\n"))
        let crc = Checksum.crc32c(bytes)
        bytes += Self.crcPrefix
        bytes += Array(Self.hex(crc).utf8)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Why a file cannot be read (damage, not staleness).
    struct Damage: Error {
        var reason: String
    }

    /// The header and the state's bytes of a whole file, after checking its CRC and shape.
    static func decode(_ bytes: [UInt8]) throws(Damage) -> (file: ProjectionCheckpointFile, state: ArraySlice<UInt8>) {
        // The trailer: "crc32c=" + 8 hex + "\n" at the very end.
        let trailerCount = crcPrefix.count + 9
        guard bytes.count > trailerCount, bytes.last == UInt8(ascii: "\n") else { throw Damage(reason: "it is cut short") }
        let bodyEnd = bytes.count - trailerCount
        guard Array(bytes[bodyEnd..<(bodyEnd + crcPrefix.count)]) == crcPrefix,
              let stored = UInt32(String(decoding: bytes[(bodyEnd + crcPrefix.count)..<(bytes.count - 1)], as: UTF8.self), radix: 16)
        else { throw Damage(reason: "it has no checksum line") }
        let crc = bytes.withUnsafeBytes { Checksum.crc32c(UnsafeRawBufferPointer(rebasing: $0[..<bodyEnd])) }
        guard crc == stored else { throw Damage(reason: "its checksum does not match (\(hex(crc)), stored \(hex(stored)))") }
        guard let newline = bytes[..<bodyEnd].firstIndex(of: UInt8(ascii: "\n")), bodyEnd > newline + 1,
              bytes[bodyEnd - 1] == UInt8(ascii: "\n")
        else { throw Damage(reason: "it does not have a header line and a state line") }
        let header: JSONValue
        do { header = try JSONValue.parse(Array(bytes[..<newline])) } catch { throw Damage(reason: "its header is not JSON (\(error))") }
        guard header["format"]?.stringValue == format else { throw Damage(reason: "it is not a projection checkpoint") }
        guard header["version"]?.int64Value == Int64(version) else { throw Damage(reason: "its format version is not \(version)") }
        guard let projection = header["projection"]?.stringValue, let fingerprint = header["fingerprint"]?.stringValue,
              let position = header["position"]?.int64Value, position >= 0, let applied = header["applied"]?.int64Value, applied >= 0,
              case .bool(let partitioned)? = header["partitioned"],
              let first = header["firstEvent"]?.stringValue.flatMap(EventID.init), let event = header["event"]?.stringValue.flatMap(EventID.init)
        else { throw Damage(reason: "its header lacks a field") }
        let file = ProjectionCheckpointFile(
            projection: projection, fingerprint: fingerprint, position: UInt64(position), applied: UInt64(applied),
            partitioned: partitioned, firstEvent: first, event: event)
        return (file, bytes[(newline + 1)..<(bodyEnd - 1)])
    }

    /// The checkpoint a decoded file holds, its state parsed by libjq (nil when the state line
    /// is not JSON, or not an object for a partitioned projection).
    func checkpoint(state: ArraySlice<UInt8>) -> ProjectorCheckpoint? {
        let parsed = state.withUnsafeBytes { JVConvert.parse($0) }
        defer { jv_free(parsed) }
        switch jv_get_kind(parsed) {
        case JV_KIND_INVALID:
            return nil
        case JV_KIND_OBJECT where partitioned:
            var partitions: [(key: String, value: jv)] = []
            var it = jv_object_iter(parsed)
            while jv_object_iter_valid(parsed, it) != 0 {
                let key = OwnedJV(jv_object_iter_key(parsed, it))
                partitions.append((JVConvert.string(key.borrow), jv_object_iter_value(parsed, it)))
                it = jv_object_iter_next(parsed, it)
            }
            defer { for p in partitions { jv_free(p.value) } }
            return ProjectorCheckpoint(position: position, applied: applied, single: nil, partitions: partitions)
        default:
            guard !partitioned else { return nil }
            return ProjectorCheckpoint(position: position, applied: applied, single: parsed, partitions: [])
        }
    }

    static func hex(_ crc: UInt32) -> String {
        let digits = String(crc, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
