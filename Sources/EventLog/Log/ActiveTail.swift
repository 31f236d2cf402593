import Platform

/// What the bytes after the last whole batch of the last segment mean: not written yet, a torn
/// tail to cut, or damage. The one rule that the writer's recovery, readers and `verify` share
/// (docs/FORMAT.md, "Acknowledged means known").
///
/// With a commit record, whole batches must reach the acknowledged end it records; bytes below
/// it that are damaged or zero are lost acknowledged events, never a torn tail. Above it, a
/// reader cannot tell a write in flight from damage (a concurrent pread can see a later page of
/// a write before an earlier one), so it stops at the last whole batch and waits; the writer
/// opening the log, and `verify` when no writer is running, apply the torn-tail rule there.
/// A final record (sealed, or closed cleanly) leaves no tail at all. Without a record (a log
/// written before records existed) the torn-tail rule applies to the whole tail, as before.
enum ActiveTail {
    /// Who is looking.
    enum Role {
        /// A reader: repairs nothing; what is not whole yet is waited for.
        case reader
        /// The writer opening the log: may cut a torn tail.
        case writer
        /// `verify`: reports; `writerRunning` says a live process holds the writer lock.
        case verifier(writerRunning: Bool)

        /// Reads without the lock, so a writer may change the file while it looks.
        var mayRaceAWriter: Bool {
            if case .writer = self { return false }
            return true
        }
    }

    enum Verdict: Equatable {
        /// Whole batches end at the scan's stop; nothing after them is data (yet).
        case readable
        /// The bytes from `offset` to the end are not data: the writer cuts them. `torn` is
        /// false when they are all zeros (preallocated space: cut without a word).
        case cut(offset: Int, torn: Bool)
        case damaged(EventLogError)
    }

    /// Judges the tail of the last segment.
    /// - Parameters:
    ///   - record: the commit record read from the header *before* the file's size was taken
    ///     (whatever it claims was written before it, so a reader's scan sees it).
    ///   - wholeEnd: where the whole, valid batches end (the scan's stop offset).
    ///   - head: the last position of those batches.
    ///   - recheck: reads the record again; a change means a writer opened the log meanwhile.
    static func judge(
        record: CommitRecord.Field, stop: BatchReader.Stop, wholeEnd: Int, size: Int, head: UInt64,
        handle: SystemFile, reader: inout BatchReader, role: Role, recheck: () -> CommitRecord.Field
    ) throws -> Verdict {
        let verdict = try judgeOnce(record: record, stop: stop, wholeEnd: wholeEnd, size: size, head: head, handle: handle, reader: &reader, role: role)
        // A writer that opened the log (or rolled back an import) since the record was read
        // rewrote it before changing any byte: what we saw may be its work in progress, so a
        // reader looks again later instead of reporting damage.
        if case .damaged = verdict, role.mayRaceAWriter, recheck() != record { return .readable }
        return verdict
    }

    private static func judgeOnce(
        record: CommitRecord.Field, stop: BatchReader.Stop, wholeEnd: Int, size: Int, head: UInt64,
        handle: SystemFile, reader: inout BatchReader, role: Role
    ) throws -> Verdict {
        if case .record(let r) = record {
            if wholeEnd < r.acknowledgedEnd {
                return .damaged(lostAcknowledged(segment: handle.path, offset: wholeEnd, acknowledgedEnd: r.acknowledgedEnd, stop: stop))
            }
            if case .end = stop { return .readable }
            if r.isFinal {
                // Zeros are no data (a copy or a tool extended the file); anything else is.
                if try reader.isZeroFilled(handle, from: wholeEnd, limit: size) {
                    if case .reader = role { return .readable }
                    return .cut(offset: wholeEnd, torn: false)
                }
                return .damaged(.corrupt(segment: handle.path, offset: wholeEnd, reason: "\(size - wholeEnd) bytes follow the last batch of a segment whose writer closed it cleanly (or sealed it), so they are damage, not a torn tail — \(describe(stop))"))
            }
            switch role {
            case .reader, .verifier(writerRunning: true): return .readable
            case .writer, .verifier(writerRunning: false): break
            }
        } else if case .end = stop {
            return .readable
        }
        // The torn-tail rule: all zeros is preallocated space; damage that valid later batches
        // follow is corruption; anything else is a write that never completed.
        if try reader.isZeroFilled(handle, from: wholeEnd, limit: size) {
            if case .reader = role { return .readable }
            return .cut(offset: wholeEnd, torn: false)
        }
        if try reader.validBatchExists(handle, after: wholeEnd, limit: size, beyond: head) {
            return .damaged(EventLog.corruption(for: stop, segment: handle.path, sealed: false))
        }
        if case .reader = role { return .readable }
        return .cut(offset: wholeEnd, torn: true)
    }

    /// The error for acknowledged data that is gone or damaged.
    static func lostAcknowledged(segment: String, offset: Int, acknowledgedEnd: Int, stop: BatchReader.Stop) -> EventLogError {
        .corrupt(segment: segment, offset: offset, reason: "LOST ACKNOWLEDGED EVENTS: the segment's commit record says its first \(acknowledgedEnd) bytes were acknowledged as durable, but whole batches end at offset \(offset) (\(describe(stop))); a writer will not open this log until the segment is restored")
    }

    static func describe(_ stop: BatchReader.Stop) -> String {
        switch stop {
        case .end: return "the file ends there"
        case .incomplete: return "a batch there runs past the end of the file"
        case .unwritten: return "zeros follow"
        case .invalid(_, let reason): return reason
        }
    }

    /// Reads the commit record of a segment from its header (`.none` when unreadable).
    static func readRecord(_ handle: SystemFile) -> CommitRecord.Field {
        guard let bytes = try? handle.read(count: LogFormat.segmentHeaderSize, at: 0) else { return .none }
        return CommitRecord.decode(header: bytes)
    }

    /// Writes a commit record into a segment's header (no sync: the caller's next fdatasync
    /// makes it durable together with whatever it covers).
    static func writeRecord(_ record: CommitRecord, to handle: SystemFile) throws {
        do { try handle.write(record.encodedBytes, at: CommitRecord.headerOffset) } catch { throw EventLogError.wrap(error) }
    }
}
