import EventLog

/// Where a record sits in its input, for messages: "line 12", "record 3 (line 5)",
/// "record 3 (line 5, column 3)", "feed 2, entry 4 (line 40)".
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line the record starts on, when the input has lines.
    public var line: Int?
    /// The 1-based column the record starts at, when a line can hold more than one record.
    public var column: Int?
    /// How the format counts records ("record 3", "entry 4"), when lines alone do not say it.
    public var record: String?

    public init(line: Int?, column: Int? = nil, record: String? = nil) {
        self.line = line
        self.column = column
        self.record = record
    }

    public static func line(_ n: Int) -> SourceLocation { SourceLocation(line: n) }

    public var description: String {
        let at = line.map { l in column.map { "line \(l), column \($0)" } ?? "line \(l)" }
        switch (record, at) {
        case let (r?, l?): return "\(r) (\(l))"
        case let (r?, nil): return r
        case let (nil, l?): return l
        case (nil, nil): return "a record"
        }
    }
}

/// Why a record cannot be imported.
public struct RecordError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var reason: String
    /// The options that would let the record be read (every one it lacks, not just the first).
    public var needs: [NeededOption]

    public init(_ location: SourceLocation, _ reason: String, needs: [NeededOption] = []) {
        self.location = location
        self.reason = reason
        self.needs = needs
    }

    public var description: String { "\(location): \(reason)" }
}

/// The intermediate event every format produces: what Rewind stores, plus the version the
/// source claims (an expected version: it must be the stream's next one) and where it came from.
public struct SourceEvent: Sendable, Equatable {
    public var stream: String
    /// The stream version the source gives (1-based), or nil to take the stream's next one.
    public var version: UInt64?
    public var event: NewEvent
    public var location: SourceLocation

    public init(stream: String, version: UInt64?, event: NewEvent, location: SourceLocation) {
        self.stream = stream
        self.version = version
        self.event = event
        self.location = location
    }

    /// What makes the event unstorable whatever its format, or nil.
    func problem() -> String? {
        if let p = StreamName.problem(with: stream) { return "bad stream name '\(stream)': \(p)" }
        if event.type.isEmpty { return "the event type is empty" }
        if event.type.utf8.count > LogFormat.maxTypeBytes {
            return "the event type is longer than \(LogFormat.maxTypeBytes) bytes"
        }
        return nil
    }
}

/// One record of an input, as a source reads it.
public enum SourceRecord: Sendable, Equatable {
    /// An event to import.
    case event(SourceEvent)
    /// A record that is not an event (a database update or delete, a Kafka tombstone, a system
    /// event): reported with its reason, never an error.
    case ignored(SourceLocation, reason: String)
    /// A record that should be an event but cannot be read.
    case invalid(RecordError)
}

/// A reader of one input format. `EventImporter` calls `scan` once and checks and queues each
/// record as it arrives.
public protocol EventSource {
    /// The size of the input in bytes (for progress).
    var totalBytes: Int { get }
    /// Visits every record from the start, with the bytes of input consumed so far.
    func scan(_ visit: (SourceRecord, _ bytesRead: Int) throws -> Void) throws
}
