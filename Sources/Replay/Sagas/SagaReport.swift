/// The instances of one saga with their statuses, as `rewind sagas` and the dashboard show them.
public struct SagaReport: Sendable, Equatable {
    public var definition: SagaDefinition
    /// In the order of their first event.
    public var instances: [SagaInstance]
    /// The newest event time in the log, which timeouts are measured against (Int64.min: an empty log).
    public var newestMicros: Int64

    public init(definition: SagaDefinition, instances: [SagaInstance], newestMicros: Int64) {
        self.definition = definition
        self.instances = instances
        self.newestMicros = newestMicros
    }

    /// How many instances have each status, in `SagaStatus.allCases` order.
    public var counts: [(status: SagaStatus, count: Int)] {
        SagaStatus.allCases.map { status in (status, instances.filter { $0.status == status }.count) }
    }

    public func count(_ status: SagaStatus) -> Int { instances.filter { $0.status == status }.count }

    /// The instance with id `id`.
    public func instance(_ id: String) -> SagaInstance? { instances.first { $0.id == id } }

    /// Instances with `status` (all when nil).
    public func filtered(_ status: SagaStatus?) -> [SagaInstance] {
        guard let status else { return instances }
        return instances.filter { $0.status == status }
    }

    public static func == (a: SagaReport, b: SagaReport) -> Bool {
        a.definition == b.definition && a.instances == b.instances && a.newestMicros == b.newestMicros
    }
}
