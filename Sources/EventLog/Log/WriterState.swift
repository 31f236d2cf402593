import Platform
/// The writer's side of an open log. Guarded by `EventLog.monitor`, except the fields marked
/// "leader only", which only the thread currently flushing (`flushing == true`) touches.
final class WriterState {
    /// An encoded batch waiting in `pending` for the next group write.
    struct PendingBatch {
        var stream: String
        var firstPosition: UInt64
        var firstVersion: UInt64
        var count: Int
        var recordedMicros: Int64
        var start: Int
        var length: Int
        var ticket: UInt64
        /// The batch's stream in `importStreams` when an import transaction queued it, else -1.
        var importStream: Int32 = -1
    }

    /// A stream an import transaction appends to, known by its place in `importStreams`.
    struct ImportStreamState {
        var name: String
        /// The stream's version including the transaction's queued batches.
        var version: UInt64
        /// The stream's id in the index, or -1 until its first batch is indexed.
        var indexID: Int32
    }

    let durability: EventLog.Durability
    var pending = ByteWriter(capacity: 1 << 16)
    var batches: [PendingBatch] = []
    /// Emptied queues of the last group write, kept (up to `spareLimit` bytes) for the next one.
    var spareBytes: [UInt8] = []
    var spareBatches: [PendingBatch] = []
    static let spareLimit = 16 << 20
    /// The position the next enqueued event gets.
    var nextPosition: UInt64
    /// Versions of streams with enqueued, not yet durable appends (including them).
    var pendingVersions: [String: UInt64] = [:]
    var flushing = false
    var issuedTicket: UInt64 = 0
    var durableTicket: UInt64 = 0
    /// Set when a write or fsync failed: every later append is refused.
    var failure: EventLogError?
    /// The open import transaction, if any: only it may append.
    var transaction: ObjectIdentifier?
    /// The streams of the open import transaction (`ImportTransaction.stream(_:)`); its
    /// batches' versions are kept here instead of in `pendingVersions`.
    var importStreams: [ImportStreamState] = []
    var importStreamIndex: [String: Int32] = [:]
    /// The background walk of the sealed segments (`SealedSegmentCheck`): appends wait for it.
    var sealedCheck: SealedSegmentCheck.Status = .passed

    // Preallocation (see `Prefiller`): the active segment's bytes [0, zeroedEnd) are written,
    // data or zeros; a prefill in flight owns [zeroedEnd, its end) until it finishes.
    var zeroedEnd: Int
    var prefillInFlight = false
    /// The end of the data, as the leader last published it.
    var publishedOffset: Int

    /// Written by the leader under the monitor (the prefiller reads it there); read by the leader
    /// without it.
    var activeHandle: SystemFile?

    // Leader only.
    var activeNumber: UInt32
    var writeOffset: Int
    /// What the active segment's commit record says was acknowledged (see `CommitRecord`).
    var recordedEnd = 0
    /// When the record was last written (monotonic nanoseconds), and how often it may be
    /// rewritten while appends arrive back to back (`WriterOptions.commitRecordInterval`).
    var recordWrittenAt: Int64 = 0
    var recordIntervalNanos: Int64 = 0

    init(durability: EventLog.Durability, nextPosition: UInt64, activeHandle: SystemFile, activeNumber: UInt32, writeOffset: Int) {
        self.durability = durability
        self.nextPosition = nextPosition
        self.activeHandle = activeHandle
        self.activeNumber = activeNumber
        self.writeOffset = writeOffset
        self.zeroedEnd = writeOffset
        self.publishedOffset = writeOffset
    }
}
