/// A snapshot of one projection inside a running `ProjectionRunner`, for a status line or a
/// dashboard pane. A value: taking it costs a lock and a copy, and it never changes after.
public struct ProjectionProgress: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        /// Compiling and loading its saved state.
        case starting
        /// Applying events; behind the head it is reading towards.
        case catchingUp = "catching-up"
        /// At the head; waiting for new events (following) or about to finish.
        case caughtUp = "caught-up"
        /// The runner stopped; the checkpoint and state are saved.
        case stopped
        /// Stopped at a poison event (see `fault`); the others keep running.
        case faulted
        /// Its saved state was built by another definition; see `message` (rebuild it).
        case stale
        /// The runner itself failed (the log could not be read, a file could not be written).
        case failed
    }

    public var name: String
    public var status: Status
    /// The global position of the last event dealt with (0 = none).
    public var checkpoint: UInt64
    /// The head the runner last saw.
    public var head: UInt64
    /// The checkpoint in the projection's file.
    public var savedCheckpoint: UInt64
    /// Events the handlers ran on since the last rebuild.
    public var applied: UInt64
    /// Partitions held (0 for an unpartitioned projection).
    public var partitions: Int
    /// When the checkpoint last moved (or the projection was loaded), microseconds since the epoch.
    public var lastMovedMicros: Int64?
    /// When the file was last written.
    public var savedAtMicros: Int64?
    public var fault: ProjectionFault?
    /// Why it is stale or failed, or a note such as "rebuilding it from the start".
    public var message: String?

    public init(name: String, status: Status, checkpoint: UInt64 = 0, head: UInt64 = 0, savedCheckpoint: UInt64 = 0, applied: UInt64 = 0,
                partitions: Int = 0, lastMovedMicros: Int64? = nil, savedAtMicros: Int64? = nil, fault: ProjectionFault? = nil, message: String? = nil) {
        self.name = name
        self.status = status
        self.checkpoint = checkpoint
        self.head = head
        self.savedCheckpoint = savedCheckpoint
        self.applied = applied
        self.partitions = partitions
        self.lastMovedMicros = lastMovedMicros
        self.savedAtMicros = savedAtMicros
        self.fault = fault
        self.message = message
    }

    /// head − checkpoint (0 when the checkpoint is at or past the head).
    public var lagEvents: UInt64 { head > checkpoint ? head - checkpoint : 0 }
}
