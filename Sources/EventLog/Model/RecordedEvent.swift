/// An event as stored: owned copies of every field. See `EventView` for the zero-copy form.
public struct RecordedEvent: Sendable, Equatable {
    public var stream: String
    public var version: UInt64
    public var position: UInt64
    public var id: EventID
    public var type: String
    public var recordedMicros: Int64
    public var originalMicros: Int64
    public var schemaVersion: UInt32
    public var contentType: ContentType
    public var metadata: [UInt8]
    public var data: [UInt8]

    /// The category of the stream: the part before the first "-" ("account-42" → "account").
    public var category: String { StreamName.category(of: stream) }
}

/// A borrowed view of one stored event: valid only inside the closure it was passed to.
/// Reading through views allocates nothing per event (scans run at memory speed); call
/// `materialize()` to keep an event.
public struct EventView {
    public let stream: String
    public let version: UInt64
    public let position: UInt64
    /// The bytes of the batch body this event lives in, and where the event starts in it.
    let body: UnsafeRawBufferPointer
    let offset: Int

    public var id: EventID { EventID(bytes: body, at: offset) }
    public var recordedMicros: Int64 { body.i64(at: offset + 16) }
    public var originalMicros: Int64 { body.i64(at: offset + 24) }
    public var schemaVersion: UInt32 { body.u32(at: offset + 32) }
    public var contentType: ContentType { ContentType(rawValue: body[offset + 36]) ?? .binary }
    var typeLength: Int { Int(body.u16(at: offset + 38)) }
    var metadataLength: Int { Int(body.u32(at: offset + 40)) }
    var dataLength: Int { Int(body.u32(at: offset + 44)) }

    public var typeBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: body[(offset + 48)..<(offset + 48 + typeLength)])
    }
    public var type: String { String(decoding: typeBytes, as: UTF8.self) }
    public var metadata: UnsafeRawBufferPointer {
        let start = offset + 48 + typeLength
        return UnsafeRawBufferPointer(rebasing: body[start..<(start + metadataLength)])
    }
    public var data: UnsafeRawBufferPointer {
        let start = offset + 48 + typeLength + metadataLength
        return UnsafeRawBufferPointer(rebasing: body[start..<(start + dataLength)])
    }

    public func materialize() -> RecordedEvent {
        RecordedEvent(
            stream: stream, version: version, position: position, id: id, type: type,
            recordedMicros: recordedMicros, originalMicros: originalMicros,
            schemaVersion: schemaVersion, contentType: contentType,
            metadata: Array(metadata), data: Array(data))
    }
}

/// A stream's summary, as `rewind streams` lists it.
public struct StreamInfo: Sendable, Equatable {
    public var name: String
    public var category: String
    /// The number of events, which is also the last version (versions start at 1, no gaps).
    public var count: UInt64
    public var lastVersion: UInt64 { count }
    public var lastPosition: UInt64
    public var lastRecordedMicros: Int64
    /// True for a stream its store has archived (Marten's `is_archived`): still readable, no
    /// longer written. A file log never archives.
    public var isArchived: Bool = false

    public init(
        name: String, category: String, count: UInt64, lastPosition: UInt64,
        lastRecordedMicros: Int64, isArchived: Bool = false
    ) {
        self.name = name
        self.category = category
        self.count = count
        self.lastPosition = lastPosition
        self.lastRecordedMicros = lastRecordedMicros
        self.isArchived = isArchived
    }
}

/// Rules for stream names.
public enum StreamName {
    /// The part before the first "-", or the whole name when it has none.
    public static func category(of stream: String) -> String {
        guard let dash = stream.firstIndex(of: "-") else { return stream }
        return String(stream[..<dash])
    }

    /// nil when valid, else why not.
    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "a stream name cannot be empty" }
        if name.utf8.count > LogFormat.maxStreamNameBytes {
            return "a stream name is at most \(LogFormat.maxStreamNameBytes) bytes (this one is \(name.utf8.count))"
        }
        // C0 controls and DEL are single bytes in UTF-8 (every byte of a longer sequence is
        // 0x80 or more), so the bytes say it without decoding scalars: this runs per event.
        let control = name.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.contains { $0 < 0x20 || $0 == 0x7F }
        } ?? name.utf8.contains { $0 < 0x20 || $0 == 0x7F }
        if control { return "a stream name cannot contain control characters" }
        return nil
    }
}
