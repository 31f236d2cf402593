/// One event behind a saga step, compensation or failure: where it is and when it happened.
public struct SagaEventRef: Sendable, Equatable {
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
