import EventLog

/// What `rewind find` and the dashboard's `:find` look through, besides the predicate.
public struct FindOptions: Sendable, Equatable {
    /// A shell glob over stream names (`StreamGlob`); nil is every stream.
    public var streamGlob: String?
    /// Event types to keep; empty is every type.
    public var types: [String]
    /// Original-time bounds (the `time` field), microseconds since the epoch: since inclusive,
    /// until exclusive.
    public var sinceMicros: Int64?
    public var untilMicros: Int64?
    /// Stop after this many matches.
    public var limit: Int
    /// Look at the stored bytes before jq, and let a database store filter rows itself (false
    /// runs jq on every event: for tests that compare).
    public var prefilter: Bool

    public init(streamGlob: String? = nil, types: [String] = [], sinceMicros: Int64? = nil, untilMicros: Int64? = nil, limit: Int = .max, prefilter: Bool = true) {
        self.streamGlob = streamGlob
        self.types = types
        self.sinceMicros = sinceMicros
        self.untilMicros = untilMicros
        self.limit = limit
        self.prefilter = prefilter
    }
}

/// How a search went.
public struct FindSummary: Sendable, Equatable {
    /// Events that matched (and were handed on).
    public var matches = 0
    /// Events looked at (past the stream filter).
    public var scanned = 0
    /// Events that went to jq (those skipped by the prefilter did not).
    public var evaluated = 0
    /// Events on which the predicate failed (a runtime error: not a match), and the first message.
    public var errors = 0
    public var firstError: String?
    /// The position the search reached (the last looked at), and whether it was stopped early.
    public var reached: UInt64 = 0
    public var cancelled = false

    public init() {}
}

/// Searches a log for the events a jq predicate holds for, in global order.
///
/// The predicate is compiled once (`.` is the event object of `EventJV`); events are skipped as
/// early and as cheaply as possible: whole batches by stream (from the batch header), then by
/// type and time (fixed fields of the event header), then by what `PredicateAnalysis` found the
/// predicate requires of the raw bytes; only the rest are turned into jq values. A predicate
/// that fails on an event does not match it; failures are counted.
///
/// Not thread-safe: the compiled program must stay on the thread that made the finder.
public final class EventFinder {
    public let predicate: String
    public let options: FindOptions
    public let analysis: PredicateAnalysis.Result
    /// nil when the analysis decides the predicate exactly (`.type == "T"`, `.stream == "S"`
    /// and their `and`/`or`): jq never runs then, and libjq's compile (its builtins are parsed
    /// again on every compile: about a tenth of the CPU of such a search over a million events)
    /// is not paid. Such a predicate is one the analysis parsed whole, so jq would compile it.
    private let program: JQProgram?
    private let keys = EventJVKeys()
    private let typeBytes: [[UInt8]]
    /// What a database store is asked to check itself (`FilteringEventStore`): the options and
    /// the simple parts of the predicate, a necessary condition, so every check below still runs.
    public let storeFilter: StoreFilter?
    private var globCache: [String: Bool] = [:]

    /// Compiles `predicate`.
    /// - Throws: `JQError` with libjq's message when it does not compile.
    public init(predicate: String, options: FindOptions = FindOptions(), limits: JQLimits = .standard) throws {
        self.predicate = predicate
        self.options = options
        analysis = options.prefilter ? PredicateAnalysis.analyse(predicate) : .init(requirement: .anything, exact: false)
        program = analysis.exact ? nil : try JQProgram(predicate, bindsEvent: false, limits: limits)
        typeBytes = options.types.map { Array($0.utf8) }
        storeFilter = StoreFilterAnalysis.filter(predicate: predicate, options: options)
    }

    /// Walks `log` from position `from`, calling `match` for each matching event in order
    /// (return false to stop) and `progress` now and then with the position reached (return
    /// false to cancel).
    /// - Throws: what reading the log throws, `JQInterrupted`, or what `match` throws.
    public func run(
        _ log: any EventStore, from position: UInt64 = 1,
        progress: (_ position: UInt64) -> Bool = { _ in true },
        match: (EventView) throws -> Bool
    ) throws -> FindSummary {
        var summary = FindSummary()
        guard options.limit > 0 else { return summary }
        let requirement = analysis.requirement
        let checkRequirement = !requirement.isAnything
        let exact = analysis.exact
        var sinceProgress = 0
        func visit(_ view: EventView) throws -> Bool {
            summary.scanned += 1
            summary.reached = view.position
            sinceProgress += 1
            if sinceProgress >= 16_384 {
                sinceProgress = 0
                if !progress(view.position) { summary.cancelled = true; return false }
            }
            if !typeBytes.isEmpty && !Self.typeIn(view.typeBytes, typeBytes) { return true }
            if let since = options.sinceMicros, view.originalMicros < since { return true }
            if let until = options.untilMicros, view.originalMicros >= until { return true }
            if checkRequirement && !requirement.admits(view) { return true }
            let matched: Bool
            if !exact { summary.evaluated += 1 }
            do {
                // Built even when the requirement decides: data that is not JSON fails the
                // predicate (jq never sees the event) whatever its type.
                let input = try EventJV.make(view, keys: keys)
                if let program {
                    matched = try program.anyTruthy(input: input)
                } else {
                    matched = true
                }
            } catch let error as JQError {
                summary.errors += 1
                if summary.firstError == nil { summary.firstError = "\(view.stream)@\(view.version): \(error.message)" }
                return true
            }
            if !matched { return true }
            summary.matches += 1
            guard try match(view) else { return false }
            return summary.matches < options.limit
        }
        let streams = { [self] (stream: String) in wants(stream: stream) }
        if let storeFilter, let filtering = log as? any FilteringEventStore {
            try filtering.readAll(from: position, limit: .max, filter: storeFilter, streams: streams, visit)
        } else {
            try log.readAll(from: position, limit: .max, streams: streams, visit)
        }
        return summary
    }

    private func wants(stream: String) -> Bool {
        guard let glob = options.streamGlob else { return true }
        if let known = globCache[stream] { return known }
        if globCache.count > 100_000 { globCache.removeAll(keepingCapacity: true) }
        let answer = StreamGlob.matches(glob, stream)
        globCache[stream] = answer
        return answer
    }

    private static func typeIn(_ bytes: UnsafeRawBufferPointer, _ types: [[UInt8]]) -> Bool {
        for t in types where t.count == bytes.count && t.withUnsafeBytes({ bytes.elementsEqual($0) }) { return true }
        return false
    }
}
