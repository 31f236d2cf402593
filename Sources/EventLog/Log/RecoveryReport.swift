/// What opening a log found and repaired: a writer truncates a torn tail, rolls back an
/// interrupted import and rebuilds damaged indexes, and says so here. Readers repair nothing
/// but report what they had to work around.
public struct RecoveryReport: Sendable, Equatable {
    /// Bytes cut from the end of the last segment (a torn, never-acknowledged write).
    public var bytesCut: Int = 0
    /// Segment numbers whose persisted index was missing or damaged and was rebuilt.
    public var rebuiltIndexes: [UInt32] = []
    /// Bytes removed because an import was interrupted before it committed.
    public var rolledBackBytes: Int = 0
    /// For a reader: events of the active segment taken from its index checkpoint
    /// (`index/NNNNNNNNNNNN.part`) instead of scanned; 0 when there was none it could use. Not
    /// news for the user (a checkpoint that does not hold up costs a scan, nothing else).
    public var activeCheckpointEvents: Int = 0
    /// One sentence per thing done, for the user.
    public var messages: [String] = []

    public var isClean: Bool { messages.isEmpty }
}
