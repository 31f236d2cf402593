/// Builds `EventView`s for events that do not come from a segment (rows of a database), so
/// every reader keeps one zero-copy visitor type.
///
/// Why: the file log hands out views into its batch buffers and the whole read side is
/// written against `EventView`; a store that reads rows lays each one out in the same event
/// grammar (docs/FORMAT.md, "Event") in a buffer reused from row to row. That costs one copy of
/// the row's bytes, small next to the network and the decoding, and leaves the file log's hot
/// paths untouched.
///
/// Not thread-safe: one encoder per reading thread.
public struct EventViewEncoder {
    private var buffer: [UInt8] = []

    public init() {}

    /// Calls `body` with a view of the event described; the view is valid only inside `body`.
    /// A type longer than 65,535 bytes is cut there (the grammar's limit; no store should
    /// hold one, and a hostile one must not trap).
    public mutating func withView<Metadata: Collection, Data: Collection, R>(
        stream: String, version: UInt64, position: UInt64, id: EventID, type: String,
        recordedMicros: Int64, originalMicros: Int64, schemaVersion: UInt32 = 1, contentType: ContentType = .json,
        metadata: Metadata, data: Data, _ body: (EventView) throws -> R
    ) rethrows -> R where Metadata.Element == UInt8, Data.Element == UInt8 {
        let typeBytes = type.utf8.prefix(Int(UInt16.max))
        var out = ByteWriter(capacity: 0)
        swap(&out.bytes, &buffer)
        out.bytes.removeAll(keepingCapacity: true)
        out.u64BigEndian(id.high)
        out.u64BigEndian(id.low)
        out.i64(recordedMicros)
        out.i64(originalMicros)
        out.u32(schemaVersion)
        out.u8(contentType.rawValue)
        out.u8(0)
        out.u16(UInt16(typeBytes.count))
        out.u32(UInt32(clamping: metadata.count))
        out.u32(UInt32(clamping: data.count))
        out.raw(typeBytes)
        out.raw(metadata)
        out.raw(data)
        defer { swap(&out.bytes, &buffer) }
        return try out.bytes.withUnsafeBytes { raw in
            try body(EventView(stream: stream, version: version, position: position, body: raw, offset: 0))
        }
    }

    /// `withView` for an owned event.
    public mutating func withView<R>(of e: RecordedEvent, _ body: (EventView) throws -> R) rethrows -> R {
        try withView(
            stream: e.stream, version: e.version, position: e.position, id: e.id, type: e.type,
            recordedMicros: e.recordedMicros, originalMicros: e.originalMicros, schemaVersion: e.schemaVersion,
            contentType: e.contentType, metadata: e.metadata, data: e.data, body)
    }
}
