/// A saga (a long-running process across events): how its instances are found, its steps in
/// order, which event type compensates which step, which types mark a failure and how long an
/// instance may go without an event before it counts as stuck.
///
///     [sagas.fulfilment]
///     correlation = true            # one instance per correlation id (or streams = "order-*")
///     steps = ["StockReserved", "PaymentCharged", "ShipmentDispatched", "CustomerNotified"]
///     failed = ["PaymentDeclined", "ShipmentFailed"]
///     timeout = "12h"
///     [sagas.fulfilment.compensations]
///     StockReleased = "StockReserved"
///     PaymentRefunded = "PaymentCharged"
public struct SagaDefinition: Sendable, Equatable {
    /// How the events of one instance are told apart.
    public enum Instances: Sendable, Equatable, CustomStringConvertible {
        /// One instance per stream whose name matches the glob.
        case streams(String)
        /// One instance per correlation id, among events of the saga's types (any stream).
        case correlation

        public var description: String {
            switch self {
            case .streams(let glob): return "streams \(glob)"
            case .correlation: return "correlation"
            }
        }
    }

    public var name: String
    public var instances: Instances
    /// Event types, in the order the process runs them.
    public var steps: [String]
    /// Compensating event type → the step (an entry of `steps`) it undoes, in file order.
    public var compensations: [(type: String, step: String)]
    /// Event types that mark the instance as failed.
    public var failed: [String]
    /// How long (microseconds) an unfinished instance may go without an event before it is
    /// stuck, measured against the newest event time in the log.
    public var timeoutMicros: Int64

    public static let defaultTimeoutMicros: Int64 = 15 * 60 * 1_000_000

    public init(name: String, instances: Instances, steps: [String], compensations: [(type: String, step: String)] = [],
                failed: [String] = [], timeoutMicros: Int64 = SagaDefinition.defaultTimeoutMicros) {
        self.name = name
        self.instances = instances
        self.steps = steps
        self.compensations = compensations
        self.failed = failed
        self.timeoutMicros = timeoutMicros
    }

    public static func == (a: SagaDefinition, b: SagaDefinition) -> Bool {
        a.name == b.name && a.instances == b.instances && a.steps == b.steps && a.failed == b.failed
            && a.timeoutMicros == b.timeoutMicros
            && a.compensations.map(\.type) == b.compensations.map(\.type) && a.compensations.map(\.step) == b.compensations.map(\.step)
    }

    /// The compensating type of step `index`, if it has one.
    public func compensation(ofStep index: Int) -> String? {
        guard steps.indices.contains(index) else { return nil }
        return compensations.first { $0.step == steps[index] }?.type
    }
}
