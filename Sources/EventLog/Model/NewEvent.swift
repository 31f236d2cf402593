/// An event to append: everything the caller chooses. The log assigns version and position.
public struct NewEvent: Sendable, Equatable {
    public var id: EventID
    public var type: String
    public var data: [UInt8]
    public var metadata: [UInt8]
    public var contentType: ContentType
    public var schemaVersion: UInt32
    /// When the event originally happened, for imported copies; nil means "now" (the recorded time).
    public var originalMicros: Int64?

    public init(
        id: EventID = .random(), type: String, data: [UInt8], metadata: [UInt8] = [],
        contentType: ContentType = .json, schemaVersion: UInt32 = 1, originalMicros: Int64? = nil
    ) {
        self.id = id
        self.type = type
        self.data = data
        self.metadata = metadata
        self.contentType = contentType
        self.schemaVersion = schemaVersion
        self.originalMicros = originalMicros
    }

    /// Bytes this event takes inside a batch body.
    var encodedSize: Int { LogFormat.eventHeaderSize + type.utf8.count + metadata.count + data.count }
}

/// The version a stream must be at for an append to go through (optimistic concurrency).
public enum ExpectedVersion: Sendable, Equatable, CustomStringConvertible {
    /// Append whatever the stream's version.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream must exist and be exactly at this version.
    case exact(UInt64)

    /// Parses the CLI forms "any", "no-stream" and a number (0 means no-stream).
    public init?(_ text: String) {
        switch text {
        case "any": self = .any
        case "no-stream", "nostream", "none": self = .noStream
        default:
            guard let n = UInt64(text) else { return nil }
            self = n == 0 ? .noStream : .exact(n)
        }
    }

    func accepts(current: UInt64) -> Bool {
        switch self {
        case .any: return true
        case .noStream: return current == 0
        case .exact(let v): return current == v
        }
    }

    public var description: String {
        switch self {
        case .any: return "any"
        case .noStream: return "no-stream"
        case .exact(let v): return String(v)
        }
    }
}

/// What an acknowledged append reports: the stream, its new last version and the global
/// positions the events took.
public struct AppendResult: Sendable, Equatable {
    public var stream: String
    public var firstVersion: UInt64
    public var lastVersion: UInt64
    public var firstPosition: UInt64
    public var lastPosition: UInt64

    public init(stream: String, firstVersion: UInt64, lastVersion: UInt64, firstPosition: UInt64, lastPosition: UInt64) {
        self.stream = stream
        self.firstVersion = firstVersion
        self.lastVersion = lastVersion
        self.firstPosition = firstPosition
        self.lastPosition = lastPosition
    }
}
