import Platform

/// An all-or-nothing import: every append through it is kept only if `commit()` completes.
///
/// Before the first write, `LOG/import.pending` records where the log ended (durably). Commit
/// writes everything, fsyncs once (unless the log is `.noSync`) and removes the marker. If the
/// process dies or `rollback()` is called first, the log is cut back to where it was — at once
/// by `rollback()`, or by the next writer's open. Other appends through the same log are refused
/// while the transaction is open. Not thread-safe: one thread drives a transaction.
public final class ImportTransaction {
    let log: EventLog
    private var finished = false

    init(log: EventLog) {
        self.log = log
    }

    deinit {
        if !finished { try? rollback() }
    }

    /// Queues one batch (no fsync); the expected version is checked now, against everything
    /// before it including this transaction's earlier appends.
    @discardableResult
    public func append(to stream: String, _ events: [NewEvent], expected: ExpectedVersion = .any) throws -> AppendResult {
        guard !finished else { throw EventLogError.invalidArgument("this import transaction has already finished") }
        return try log.append(to: stream, events, expected: expected, transaction: ObjectIdentifier(self))
    }

    /// A handle for appending to `stream` with `append(_:)`: the name is checked once, here.
    public func stream(_ name: String) throws -> ImportStream {
        guard !finished else { throw EventLogError.invalidArgument("this import transaction has already finished") }
        return try log.importStream(name, transaction: ObjectIdentifier(self))
    }

    /// Queues a group of batches (no fsync) under one lock: each run's first version must be its
    /// stream's next one, counting everything before it including this transaction's earlier
    /// appends; when one is not (`wrongExpectedVersion`) or a run is too large, nothing of the
    /// group is queued. Returns the positions the group's events took (nil for an empty group).
    @discardableResult
    public func append(_ group: ImportBatches) throws -> ClosedRange<UInt64>? {
        guard !finished else { throw EventLogError.invalidArgument("this import transaction has already finished") }
        return try log.appendImport(group, transaction: ObjectIdentifier(self))
    }

    /// Makes every queued append durable and the import permanent.
    public func commit() throws {
        guard !finished else { return }
        try log.commitTransaction(ObjectIdentifier(self))
        finished = true
    }

    /// Undoes every append of this transaction: the log is cut back to where it was.
    public func rollback() throws {
        guard !finished else { return }
        finished = true
        try log.rollbackTransaction(ObjectIdentifier(self))
    }
}

/// Where the log ended when an import began: `segment=N length=L head=H`.
struct PendingImportMarker: Equatable {
    var segment: UInt32
    var length: Int
    var head: UInt64

    func encoded() -> [UInt8] { Array("segment=\(segment) length=\(length) head=\(head)\n".utf8) }

    static func decode(_ bytes: [UInt8]) -> PendingImportMarker? {
        var values: [String: String] = [:]
        for field in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = field.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        guard let s = values["segment"].flatMap({ UInt32($0) }), let l = values["length"].flatMap({ Int($0) }),
              let h = values["head"].flatMap({ UInt64($0) }) else { return nil }
        return PendingImportMarker(segment: s, length: l, head: h)
    }
}

extension EventLog {
    /// Starts an atomic import; see `ImportTransaction`.
    public func beginImport() throws -> ImportTransaction {
        monitor.lock()
        defer { monitor.unlock() }
        let w = try writableWriter()
        guard w.transaction == nil else { throw EventLogError.invalidArgument("an import into \(path) is already in progress") }
        // Everything queued becomes durable first, and no prefill may be writing.
        while w.flushing || w.prefillInFlight || !w.batches.isEmpty {
            if !w.flushing && !w.batches.isEmpty {
                try waitDurable(w.issuedTicket, w, sync: w.durability == .fsync)
            } else {
                monitor.wait()
            }
        }
        let marker = PendingImportMarker(segment: w.activeNumber, length: w.writeOffset, head: index.head)
        do {
            try jail.writeAtomically(marker.encoded(), to: LogFormat.pendingImportFile, durable: true)
        } catch {
            throw EventLogError.wrap(error)
        }
        let transaction = ImportTransaction(log: self)
        w.transaction = ObjectIdentifier(transaction)
        w.importStreams = []
        w.importStreamIndex = [:]
        readCap = index.head
        return transaction
    }

    func commitTransaction(_ id: ObjectIdentifier) throws {
        monitor.lock()
        defer { monitor.unlock() }
        guard let w = writer, w.transaction == id else { throw EventLogError.invalidArgument("no such import transaction") }
        try waitDurable(w.issuedTicket, w, sync: false)
        if w.durability == .fsync, let handle = w.activeHandle {
            do { try handle.syncData() } catch {
                w.failure = .writerFailed(reason: "\(error)")
                throw EventLogError.wrap(error)
            }
        }
        do {
            try jail.remove(LogFormat.pendingImportFile)
            if w.durability == .fsync { try jail.syncDirectory() }
        } catch {
            throw EventLogError.wrap(error)
        }
        w.transaction = nil
        w.importStreams = []
        w.importStreamIndex = [:]
        readCap = nil
        monitor.broadcast()
    }

    /// Cuts the log back to the transaction's marker and reloads the index from disk.
    func rollbackTransaction(_ id: ObjectIdentifier) throws {
        monitor.lock()
        defer { monitor.unlock() }
        guard let w = writer, w.transaction == id else { return }
        while w.flushing || w.prefillInFlight { monitor.wait() }
        w.batches = []
        w.pending = ByteWriter()
        w.pendingVersions = [:]
        var report = RecoveryReport()
        try Self.rollBackPendingImport(log: path, report: &report)
        var loaded = try Self.loadSegments(log: path, repair: true, report: &report)
        let fresh = try Self.prepareWriter(log: path, loaded: &loaded, options: WriterOptions(durability: w.durability), report: &report)
        for f in files { f.close() }
        w.activeHandle?.close()
        index = loaded.index
        files = loaded.files
        w.activeHandle = fresh.activeHandle
        w.activeNumber = fresh.activeNumber
        w.writeOffset = fresh.writeOffset
        w.recordedEnd = fresh.recordedEnd
        w.publishedOffset = fresh.writeOffset
        w.zeroedEnd = fresh.writeOffset
        w.nextPosition = index.head + 1
        w.durableTicket = w.issuedTicket
        w.failure = nil
        w.transaction = nil
        w.importStreams = []
        w.importStreamIndex = [:]
        readCap = nil
        monitor.broadcast()
    }

    /// Bytes of whole batches in a segment from `offset` on (not counting the zeros a writer
    /// preallocates after its data, nor a torn tail): what a rollback really removes.
    static func dataBytes(path: String, from offset: Int) -> Int {
        guard let handle = try? SystemFile.open(path, flags: .readOnly), let size = try? handle.size() else { return 0 }
        var reader = BatchReader(chunkSize: 1 << 20)
        let start = max(offset, LogFormat.segmentHeaderSize)
        guard start < size, let (_, end) = try? reader.scan(handle, from: start, limit: size, { _, _, _ in true }) else { return 0 }
        return end - start + (offset < LogFormat.segmentHeaderSize ? LogFormat.segmentHeaderSize - offset : 0)
    }

    /// If an import was interrupted, cuts the log back to where it began (the writer does this
    /// before reading anything).
    static func rollBackPendingImport(log: String, report: inout RecoveryReport) throws {
        let markerPath = log + "/" + LogFormat.pendingImportFile
        guard FileSystem.exists(markerPath) else { return }
        let bytes: [UInt8]
        do { bytes = try FileSystem.readFile(markerPath) } catch { throw EventLogError.wrap(error) }
        guard let marker = PendingImportMarker.decode(bytes) else {
            throw EventLogError.invalidArgument("\(markerPath) is damaged, so an interrupted import cannot be rolled back automatically; inspect the log with 'rewind verify'")
        }
        let numbers = try segmentNumbers(log: log)
        let jail = FileJail(root: log)
        var cut = 0
        do {
            for n in numbers where n > marker.segment {
                cut += dataBytes(path: jail.path(segmentFile(n)), from: 0)
                try jail.remove(segmentFile(n))
            }
            for n in numbers where n >= marker.segment {
                try jail.remove(indexFile(n))
                // The checkpoint of segment N covers at most where the import began (it was
                // written at a clean close before it); those of the segments removed go with them.
                if n > marker.segment { try jail.remove(activeIndexFile(n)) }
            }
            let p = jail.path(segmentFile(marker.segment))
            if FileSystem.exists(p) {
                // The import may have sealed this segment (a final record claiming all of it):
                // the record comes back to where the import began before the bytes go.
                let handle = try jail.open(segmentFile(marker.segment), flags: .readWrite)
                defer { handle.close() }
                try handle.write(CommitRecord(end: marker.length, final: false).encodedBytes, at: CommitRecord.headerOffset)
                try handle.syncData()
                let size = try FileSystem.fileSize(p)
                if size > marker.length {
                    cut += dataBytes(path: p, from: marker.length)
                    try truncateTail(log: log, segment: marker.segment, at: marker.length)
                }
            }
            try jail.syncDirectory(LogFormat.segmentsDirectory)
            try jail.remove(LogFormat.pendingImportFile)
            try jail.syncDirectory()
        } catch let error as IOError {
            throw EventLogError.wrap(error)
        }
        report.rolledBackBytes += cut
        report.messages.append("rolled back an interrupted import: cut \(cut) bytes, the log ends at position \(marker.head) again")
    }
}
