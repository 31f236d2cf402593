/// Where one saga instance stands at the end of the log.
public enum SagaStatus: String, Sendable, Equatable, CaseIterable, Codable {
    /// Every step ran, no failure, nothing compensated.
    case completed
    /// A failure (or a compensation) happened and every completed step that has a compensation
    /// was compensated; `SagaInstance.misordered` says whether in reverse order.
    case compensated
    /// A failure happened and some completed step was left uncompensated for longer than the
    /// timeout, or the failure came before anything needed compensating.
    case failed
    /// Not finished, and no event for longer than the timeout.
    case stuck
    /// Not finished, within the timeout (still going, or still compensating).
    case running
}
