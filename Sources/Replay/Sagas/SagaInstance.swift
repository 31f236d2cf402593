/// One instance of a saga as the fold found it: which steps ran (and the events behind them),
/// which were compensated and in what order, any failure, and the status at the end of the log.
///
/// Memory is bounded by the number of steps: each step and compensation keeps at most
/// `maxEvents` events (and counts the rest), and at most `maxAnomalies` anomalies are kept.
public struct SagaInstance: Sendable, Equatable {
    public static let maxEvents = 4
    public static let maxAnomalies = 4

    /// The stream name or the correlation id.
    public var id: String
    public var status: SagaStatus = .running
    /// One line for people: why the status is what it is.
    public var reason = ""
    /// Per step (the definition's order): the first events that ran it, and how many did.
    public var stepEvents: [[EventRef]]
    public var stepCounts: [Int]
    /// Per step: the first events that compensated it, and how many did.
    public var compensationEvents: [[EventRef]]
    public var compensationCounts: [Int]
    /// Steps in the order their first compensation happened (each once).
    public var compensationOrder: [Int] = []
    /// The first failure event, and how many there were.
    public var failure: EventRef?
    public var failureCount = 0
    /// For a compensated instance whose compensations did not run in reverse order of the
    /// completed steps: the first compensation out of place (nil: in order).
    public var misordered: String?
    /// Steps repeated or out of order, compensations of steps that never ran.
    public var anomalies: [String] = []
    public var anomalyCount = 0
    public var firstPosition: UInt64 = 0
    public var lastPosition: UInt64 = 0
    /// Time of the newest event of the instance.
    public var lastMicros: Int64 = .min
    /// Type of the instance's last event (by position).
    public var lastType = ""
    public var eventCount = 0

    public init(id: String, steps: Int) {
        self.id = id
        stepEvents = Array(repeating: [], count: steps)
        stepCounts = Array(repeating: 0, count: steps)
        compensationEvents = Array(repeating: [], count: steps)
        compensationCounts = Array(repeating: 0, count: steps)
    }

    /// Steps that ran at least once.
    public var stepsDone: Int { stepCounts.filter { $0 > 0 }.count }

    mutating func note(_ anomaly: String) {
        anomalyCount += 1
        if anomalies.count < Self.maxAnomalies, !anomalies.contains(anomaly) { anomalies.append(anomaly) }
    }
}
