/// Encodes and checks batches: the byte grammar of `LogFormat`, in code.
enum BatchCodec {
    /// The fixed part of a decoded batch; `bodyStart` is where the body starts in the buffer
    /// it was checked in.
    struct Header {
        var stream: String
        var eventCount: Int
        var firstPosition: UInt64
        var firstVersion: UInt64
        var bodyStart: Int
        var bodyLength: Int
        /// Offset of the first event, relative to the start of the body.
        var eventsStart: Int
        /// Offset of the last event, relative to the start of the body (its header is whole).
        var lastEventStart: Int
        var frameLength: Int { bodyLength + LogFormat.batchFrameOverhead }
        /// In range for a checked header: `check` refuses positions and versions past `LogFormat.maxPosition`.
        var lastPosition: UInt64 { firstPosition + UInt64(eventCount) - 1 }
        var lastVersion: UInt64 { firstVersion + UInt64(eventCount) - 1 }

        /// `recordedMicros` of the batch's last event (all events of one append share it).
        func lastRecordedMicros(in buffer: UnsafeRawBufferPointer) -> Int64 {
            buffer.i64(at: bodyStart + lastEventStart + 16)
        }
    }

    enum Check {
        case valid(Header)
        /// The frame runs past the bytes available: `needed` bytes from its start would hold it.
        case incomplete(needed: Int)
        /// A zero length field: space the writer has zeroed ahead of itself, nothing written yet.
        case unwritten
        case invalid(reason: String)
    }

    /// Bytes a framed batch of these events takes.
    static func frameSize(stream: String, events: ArraySlice<NewEvent>) -> Int {
        var size = LogFormat.batchFrameOverhead + LogFormat.batchBodyHeaderSize + stream.utf8.count
        for e in events { size += e.encodedSize }
        return size
    }

    /// Appends one framed batch to `out`. The caller has validated sizes and names.
    ///
    /// The frame's bytes are reserved at once and written through a pointer: appending field by
    /// field was most of an import's encoding cost (one append per field, about 15 per event).
    /// Plain static helpers write the fields: nested functions updating a captured offset paid
    /// a runtime exclusivity check per field.
    static func encode(
        stream: String, firstPosition: UInt64, firstVersion: UInt64, events: ArraySlice<NewEvent>,
        recordedMicros: Int64, into out: inout ByteWriter
    ) {
        let start = out.bytes.count
        let size = frameSize(stream: stream, events: events)
        let bodyLength = size - LogFormat.batchFrameOverhead
        out.appendZeros(size)
        out.bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            var o = start
            put(UInt32(bodyLength), base, &o)
            put(LogFormat.batchKindEvents, base, &o)
            put(UInt8(0), base, &o)
            put(UInt16(stream.utf8.count), base, &o)
            put(UInt32(events.count), base, &o)
            put(firstPosition, base, &o)
            put(firstVersion, base, &o)
            put(text: stream, base, &o)
            for e in events {
                put(e.id.high.byteSwapped, base, &o)  // UUID bytes in network order
                put(e.id.low.byteSwapped, base, &o)
                put(recordedMicros, base, &o)
                put(e.originalMicros ?? recordedMicros, base, &o)
                put(e.schemaVersion, base, &o)
                put(e.contentType.rawValue, base, &o)
                put(UInt8(0), base, &o)
                put(UInt16(e.type.utf8.count), base, &o)
                put(UInt32(e.metadata.count), base, &o)
                put(UInt32(e.data.count), base, &o)
                put(text: e.type, base, &o)
                let at = o
                e.metadata.withUnsafeBytes { copy($0, to: base + at) }
                o += e.metadata.count
                let dataAt = o
                e.data.withUnsafeBytes { copy($0, to: base + dataAt) }
                o += e.data.count
            }
            assert(o == start + 4 + bodyLength, "frameSize and encode disagree")
            put(UInt32(0), base, &o)  // crc, patched below
            put(UInt32(bodyLength), base, &o)
            let prefixAndBody = UnsafeRawBufferPointer(rebasing: raw[start..<(start + 4 + bodyLength)])
            let suffix = UnsafeRawBufferPointer(rebasing: raw[(start + 8 + bodyLength)..<(start + 12 + bodyLength)])
            let crc = Checksum.crc32c(suffix, extending: Checksum.crc32c(prefixAndBody))
            raw.storeBytes(of: crc.littleEndian, toByteOffset: start + 4 + bodyLength, as: UInt32.self)
        }
    }

    @inline(__always)
    private static func put<T: FixedWidthInteger>(_ v: T, _ base: UnsafeMutableRawPointer, _ o: inout Int) {
        (base + o).storeBytes(of: v.littleEndian, as: T.self)
        o += MemoryLayout<T>.size
    }

    @inline(__always)
    private static func put(text: String, _ base: UnsafeMutableRawPointer, _ o: inout Int) {
        let at = o
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { copy(UnsafeRawBufferPointer($0), to: base + at) }
        if done == nil { Array(text.utf8).withUnsafeBytes { copy($0, to: base + at) } }
        o += text.utf8.count
    }

    @inline(__always)
    private static func copy(_ bytes: UnsafeRawBufferPointer, to target: UnsafeMutableRawPointer) {
        if let from = bytes.baseAddress, bytes.count > 0 { target.copyMemory(from: from, byteCount: bytes.count) }
    }

    /// Checks the frame that starts at `offset` in `buffer`: lengths, CRC and the body's structure.
    /// Never reads outside `buffer` and never allocates for a corrupt length.
    static func check(_ buffer: UnsafeRawBufferPointer, at offset: Int) -> Check {
        let available = buffer.count - offset
        if available < 4 { return .incomplete(needed: 4) }
        let bodyLength = Int(buffer.u32(at: offset))
        if bodyLength == 0 { return .unwritten }
        if bodyLength < LogFormat.batchBodyHeaderSize || bodyLength > LogFormat.maxBatchBodyBytes {
            return .invalid(reason: "batch length field \(bodyLength) is out of range")
        }
        let frame = bodyLength + LogFormat.batchFrameOverhead
        if available < frame { return .incomplete(needed: frame) }
        let suffix = Int(buffer.u32(at: offset + 8 + bodyLength))
        if suffix != bodyLength {
            return .invalid(reason: "batch length prefix \(bodyLength) and suffix \(suffix) differ")
        }
        let stored = buffer.u32(at: offset + 4 + bodyLength)
        let prefixAndBody = UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + 4 + bodyLength)])
        let suffixBytes = UnsafeRawBufferPointer(rebasing: buffer[(offset + 8 + bodyLength)..<(offset + 12 + bodyLength)])
        let crc = Checksum.crc32c(suffixBytes, extending: Checksum.crc32c(prefixAndBody))
        if crc != stored {
            return .invalid(reason: "batch checksum mismatch (stored \(hex(stored)), computed \(hex(crc)))")
        }
        let body = UnsafeRawBufferPointer(rebasing: buffer[(offset + 4)..<(offset + 4 + bodyLength)])
        return decodeBody(body, bodyStart: offset + 4)
    }

    /// Walks a checksummed body so that later reads of any field stay inside it.
    private static func decodeBody(_ body: UnsafeRawBufferPointer, bodyStart: Int) -> Check {
        guard body[0] == LogFormat.batchKindEvents else { return .invalid(reason: "unknown batch kind \(body[0])") }
        let streamLength = Int(body.u16(at: 2))
        let count = Int(body.u32(at: 4))
        let firstPosition = body.u64(at: 8)
        let firstVersion = body.u64(at: 16)
        guard count >= 1, count <= LogFormat.maxEventsPerBatch else {
            return .invalid(reason: "batch event count \(count) is out of range")
        }
        guard LogFormat.rangeIsValid(first: firstPosition, count: count) else {
            return .invalid(reason: "batch positions \(firstPosition) + \(count) events are out of range (expected 1 to \(LogFormat.maxPosition))")
        }
        guard LogFormat.rangeIsValid(first: firstVersion, count: count) else {
            return .invalid(reason: "batch versions \(firstVersion) + \(count) events are out of range (expected 1 to \(LogFormat.maxPosition))")
        }
        var cursor = LogFormat.batchBodyHeaderSize + streamLength
        guard streamLength >= 1, cursor <= body.count else { return .invalid(reason: "batch stream name overruns the batch") }
        // The writer never stores a longer name; a longer one (invalid UTF-8 triples when decoded)
        // would not fit the u16 name length of the index file rebuilt from this batch.
        guard streamLength <= LogFormat.maxStreamNameBytes else {
            return .invalid(reason: "batch stream name is \(streamLength) bytes (at most \(LogFormat.maxStreamNameBytes))")
        }
        let stream = String(decoding: UnsafeRawBufferPointer(rebasing: body[LogFormat.batchBodyHeaderSize..<cursor]), as: UTF8.self)
        let eventsStart = cursor
        var lastEventStart = cursor
        for _ in 0..<count {
            guard cursor + LogFormat.eventHeaderSize <= body.count else {
                return .invalid(reason: "event header overruns the batch")
            }
            lastEventStart = cursor
            let variable = Int(body.u16(at: cursor + 38)) + Int(body.u32(at: cursor + 40)) + Int(body.u32(at: cursor + 44))
            cursor += LogFormat.eventHeaderSize + variable
            guard cursor <= body.count else { return .invalid(reason: "event payload overruns the batch") }
        }
        guard cursor == body.count else { return .invalid(reason: "\(body.count - cursor) stray bytes after the last event") }
        return .valid(Header(
            stream: stream, eventCount: count, firstPosition: firstPosition, firstVersion: firstVersion,
            bodyStart: bodyStart, bodyLength: body.count, eventsStart: eventsStart, lastEventStart: lastEventStart))
    }

    /// Calls `body` with a view of each event of a checked batch, in order; stops when it returns false.
    @discardableResult
    static func forEachEvent(
        of header: Header, in buffer: UnsafeRawBufferPointer, _ visit: (EventView) throws -> Bool
    ) rethrows -> Bool {
        let body = UnsafeRawBufferPointer(rebasing: buffer[header.bodyStart..<(header.bodyStart + header.bodyLength)])
        var cursor = header.eventsStart
        for i in 0..<header.eventCount {
            let view = EventView(
                stream: header.stream, version: header.firstVersion + UInt64(i),
                position: header.firstPosition + UInt64(i), body: body, offset: cursor)
            if try !visit(view) { return false }
            cursor += LogFormat.eventHeaderSize + view.typeLength + view.metadataLength + view.dataLength
        }
        return true
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - s.count) + s
    }
}
