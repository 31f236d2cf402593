/// One event as a list shows it and a jump opens it: a saga's step, compensation or failure, or a
/// `find` match. Where it is (position, stream, version), its type, and when it happened.
public struct EventRef: Sendable, Equatable {
    public var position: UInt64
    public var stream: String
    public var version: UInt64
    public var type: String
    /// The event's time (its original time, microseconds since the epoch).
    public var micros: Int64

    public init(position: UInt64, stream: String, version: UInt64, type: String, micros: Int64) {
        self.position = position
        self.stream = stream
        self.version = version
        self.type = type
        self.micros = micros
    }
}
