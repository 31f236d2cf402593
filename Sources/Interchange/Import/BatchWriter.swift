import EventLog

/// Queues an import's events in groups (`ImportBatches`): consecutive events of one stream make
/// a batch, and each group of batches is one call into the transaction.
struct BatchWriter {
    /// Events and bytes of a group: a bank file interleaves its accounts, so a group holds
    /// thousands of one-event batches.
    static let groupEvents = 4096
    let transaction: ImportTransaction
    let maxBytes: Int
    private var group: ImportBatches
    /// The transaction's handle of each stream, by the planner's stream index.
    private var handles: [ImportStream?] = []
    private(set) var written = 0
    private(set) var firstPosition: UInt64 = 0
    private(set) var lastPosition: UInt64 = 0

    init(transaction: ImportTransaction, maxEvents: Int, maxBytes: Int) {
        self.transaction = transaction
        self.maxBytes = maxBytes
        group = ImportBatches(maxRunEvents: maxEvents, maxRunBytes: maxBytes)
    }

    mutating func add(_ event: consuming NewEvent, stream name: String, at place: ImportPlanner.Placement) throws {
        let s = Int(place.stream)
        if s >= handles.count { handles.append(contentsOf: repeatElement(nil, count: s + 1 - handles.count)) }
        let handle: ImportStream
        if let known = handles[s] {
            handle = known
        } else {
            handle = try transaction.stream(name)
            handles[s] = handle
        }
        group.append(event, to: handle, version: place.version)
        written += 1
        if group.count >= Self.groupEvents || group.bytes >= maxBytes { try flush() }
    }

    mutating func flush() throws {
        guard !group.isEmpty else { return }
        if let positions = try transaction.append(group) {
            if firstPosition == 0 { firstPosition = positions.lowerBound }
            lastPosition = positions.upperBound
        }
        group.removeAll()
    }
}
