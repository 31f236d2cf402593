import Replay

/// The rows of the sagas overlay: every instance of every saga, in report order, that has the
/// status filtered on (all when nil).
struct SagaRows {
    struct Row: Equatable {
        var report: Int
        var instance: Int
    }

    static func rows(_ reports: [SagaReport], filter: SagaStatus?) -> [Row] {
        var out: [Row] = []
        for (r, report) in reports.enumerated() {
            for (i, instance) in report.instances.enumerated() where filter == nil || instance.status == filter {
                out.append(Row(report: r, instance: i))
            }
        }
        return out
    }

    /// The next filter of the cycle all → completed → compensated → failed → stuck → running → all.
    static func nextFilter(after filter: SagaStatus?) -> SagaStatus? {
        guard let filter else { return SagaStatus.allCases.first }
        guard let i = SagaStatus.allCases.firstIndex(of: filter), i + 1 < SagaStatus.allCases.count else { return nil }
        return SagaStatus.allCases[i + 1]
    }

    /// The event whose trace stands for the instance: its first step, else its failure, else
    /// its first compensation.
    static func anchor(of instance: SagaInstance) -> EventRef? {
        let candidates = instance.stepEvents.compactMap(\.first) + [instance.failure].compactMap { $0 } + instance.compensationEvents.compactMap(\.first)
        return candidates.min { $0.position < $1.position }
    }
}
