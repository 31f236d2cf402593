import EventLog
import JSON

/// What `rewind project status` shows of one projection, from its file, its definition and
/// the runner lock; no projection is run or loaded beyond the file's first line.
public struct ProjectionOverview: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        /// No file yet.
        case neverRun = "never run"
        /// Its file says running and a runner holds the projections' lock now.
        case running
        /// Its file says running but no runner holds the lock: the runner was killed. The file
        /// is consistent; the next run resumes from its checkpoint.
        case interrupted
        case stopped
        case faulted
        /// Built by another definition: rebuild it.
        case stale
        /// A file whose projection is no longer defined.
        case orphan
        /// The file cannot be read (it is rebuilt on the next run).
        case unreadable
    }

    public var name: String
    public var state: State
    public var checkpoint: UInt64?
    public var head: UInt64
    public var applied: UInt64?
    public var partitions: Int?
    public var updatedAtMicros: Int64?
    /// The current definition's fingerprint (nil for an orphan) and the one in the file.
    public var fingerprint: String?
    public var savedFingerprint: String?
    public var fault: ProjectionFault?
    public var problem: String?
    public var file: String

    /// head − checkpoint; nil when unknown or past the head.
    public var lagEvents: UInt64? {
        guard let checkpoint, checkpoint <= head else { return nil }
        return head - checkpoint
    }

    /// Every defined projection (or those named), then the orphan files.
    public static func all(log: any EventStore, projections: [ProjectionDefinition], upcasters: [UpcasterDefinition], names: [String] = []) -> [ProjectionOverview] {
        let store = ProjectionStore(logPath: log.path)
        let head = log.head
        let locked = store.isLocked()
        var rows: [ProjectionOverview] = []
        for d in projections where names.isEmpty || names.contains(d.name) {
            var row = ProjectionOverview(name: d.name, state: .neverRun, head: head, fingerprint: d.fingerprint(upcasters: upcasters), file: store.path(of: d.name))
            row.read(store, locked: locked)
            if let saved = row.savedFingerprint, saved != row.fingerprint, row.state != .unreadable {
                row.state = .stale
                row.problem = "the saved state was built by another definition (fingerprint \(saved), now \(row.fingerprint ?? "?")); rebuild it"
            } else if let c = row.checkpoint, c > head, row.state != .unreadable {
                row.state = .stale
                row.problem = "the saved checkpoint \(c) is past the head of the log (\(head)); rebuild it"
            }
            rows.append(row)
        }
        guard names.isEmpty else { return rows }
        let defined = Set(projections.map(\.name))
        for name in store.savedNames() where !defined.contains(name) {
            var row = ProjectionOverview(name: name, state: .orphan, head: head, file: store.path(of: name))
            row.read(store, locked: locked)
            if row.state != .unreadable {
                row.state = .orphan
                row.problem = "no definition in the configuration; define [projections.\(name)] again, or delete \(row.file)"
            }
            rows.append(row)
        }
        return rows
    }

    private mutating func read(_ store: ProjectionStore, locked: Bool) {
        let header: ProjectionRecord?
        do { header = try store.loadHeader(name) } catch {
            state = .unreadable
            problem = error.description
            return
        }
        guard let h = header else { return }
        checkpoint = h.checkpoint
        applied = h.applied
        partitions = h.partitionCount
        updatedAtMicros = h.updatedAtMicros
        savedFingerprint = h.fingerprint
        fault = h.fault
        switch h.status {
        case .running: state = locked ? .running : .interrupted
        case .stopped: state = .stopped
        case .faulted: state = .faulted
        }
    }

    /// `{name, status, checkpoint, head, lagEvents, applied, partitions, updatedAt,
    /// fingerprint, savedFingerprint, fault, problem, file}`.
    public var json: JSONValue {
        func n(_ v: UInt64?) -> JSONValue { v.map { .integer(Int64(clamping: $0)) } ?? .null }
        return .object([
            "name": .string(name),
            "status": .string(state.rawValue),
            "checkpoint": n(checkpoint),
            "head": n(head),
            "lagEvents": n(lagEvents),
            "applied": n(applied),
            "partitions": partitions.map { .integer(Int64($0)) } ?? .null,
            "updatedAt": updatedAtMicros.map { .string(RFC3339.format(microsecondsSinceEpoch: $0, fractionDigits: 3)) } ?? .null,
            "fingerprint": fingerprint.map { .string($0) } ?? .null,
            "savedFingerprint": savedFingerprint.map { .string($0) } ?? .null,
            "fault": fault?.json ?? .null,
            "problem": problem.map { .string($0) } ?? .null,
            "file": .string(file),
        ])
    }
}
