/// The file log is the embedded event store: every requirement is one of its own methods.
extension EventLog: EventStore {
    /// The log directory, where it also keeps its derived data.
    public var location: String { path }

    /// nil: the file-only features (verify, segment files) work on this log.
    public var fileOnlyRefusal: String? { nil }
}
