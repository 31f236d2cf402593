import EventLog

/// Reads a log once and folds it into the instances of every saga given (`SagaFold`).
public enum SagaScan {
    /// One report per definition, in the order given. Only events of each saga's types count;
    /// the newest event time is taken over every event of the log.
    /// - Parameter until: stop at this position (the head when nil).
    /// - Throws: `EventLogError` for a log that cannot be read.
    public static func run(_ definitions: [SagaDefinition], log: any EventStore, until: UInt64? = nil) throws -> [SagaReport] {
        var folds = definitions.map(SagaFold.init)
        var newest = Int64.min
        var globMatches: [[String: Bool]] = Array(repeating: [:], count: definitions.count)
        let head = until ?? log.head
        let needsCorrelation = definitions.contains { $0.instances == .correlation }
        guard head > 0 else { return folds.map { $0.finish(newestMicros: newest) } }
        try log.readAll(from: 1, limit: Int(clamping: head)) { view in
            let micros = view.originalMicros
            newest = max(newest, micros)
            let type = view.type
            var correlation: String??
            for k in folds.indices where folds[k].concerns(type: type) {
                let id: String
                switch definitions[k].instances {
                case .streams(let glob):
                    let stream = view.stream
                    let matches: Bool
                    if let known = globMatches[k][stream] {
                        matches = known
                    } else {
                        matches = StreamGlob.matches(glob, stream)
                        globMatches[k][stream] = matches
                    }
                    guard matches else { continue }
                    id = stream
                case .correlation:
                    if correlation == nil, needsCorrelation {
                        correlation = .some(TraceKeys(metadata: view.metadata).correlationText)
                    }
                    guard let c = correlation ?? nil else { continue }
                    id = c
                }
                folds[k].add(instance: id, EventRef(position: view.position, stream: view.stream, version: view.version, type: type, micros: micros))
            }
            return true
        }
        return folds.map { $0.finish(newestMicros: newest) }
    }
}
