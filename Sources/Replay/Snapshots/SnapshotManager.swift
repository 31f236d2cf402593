import EventLog

import Platform

/// Creates, lists, verifies and imports the snapshots of one log with the reducers its
/// configuration gives (`rewind snapshot …` and the dashboard's snapshot pane).
///
/// Each jq aggregate is compiled once and shared by every stream it folds. Not thread-safe
/// (libjq): one thread per instance.
public final class SnapshotManager {
    public let log: any EventStore
    public let config: RewindConfig
    public let store: SnapshotStore
    let upcaster: Upcaster?
    private var aggregates: [String: JQAggregate] = [:]

    /// - Throws: `JQError` when an upcaster does not compile (aggregates compile when first used).
    public init(log: any EventStore, config: RewindConfig, store: SnapshotStore? = nil) throws {
        self.log = log
        self.config = config
        self.store = store ?? SnapshotStore(logPath: log.path)
        upcaster = try ReducerFactory.upcaster(for: config)
    }

    /// A timeline of `stream` with its configured reducer; with `useSnapshots`, loading may
    /// start from this store's usable snapshots.
    public func timeline(for stream: String, useSnapshots: Bool = false, options: StreamTimeline.Options = .init()) throws -> StreamTimeline {
        let store = useSnapshots ? self.store : nil
        if let definition = config.aggregate(for: stream) {
            let reducer = try aggregate(definition)
            return try StreamTimeline(log: log, stream: stream, reducer: reducer, upcaster: upcaster, fingerprint: fingerprint(of: reducer), snapshots: store, options: options)
        }
        let fold = GenericFold(log: log, stream: stream)
        return try StreamTimeline(log: log, stream: stream, reducer: fold, upcaster: upcaster, fingerprint: fingerprint(of: fold), snapshots: store, options: options)
    }

    /// The reducer name and fingerprint snapshots of `stream` must carry.
    public func reducerIdentity(for stream: String) throws -> (name: String, fingerprint: String) {
        if let definition = config.aggregate(for: stream) {
            let reducer = try aggregate(definition)
            return (reducer.name, fingerprint(of: reducer))
        }
        return (GenericFold.displayName, ReducerFactory.fingerprint(reducer: GenericFold.fingerprintValue, upcasters: config.upcasters))
    }

    private func aggregate(_ definition: AggregateDefinition) throws -> JQAggregate {
        if let compiled = aggregates[definition.name] { return compiled }
        let compiled = try JQAggregate(definition, limits: config.limits)
        aggregates[definition.name] = compiled
        return compiled
    }

    private func fingerprint(of reducer: some Reducer) -> String {
        ReducerFactory.fingerprint(reducer: reducer.fingerprint, upcasters: config.upcasters)
    }

    static func nowMicros() -> Int64 { WallClock.nowMicros() }

    // MARK: Listing

    /// Every snapshot file of `streams` (all when nil), with what can be told without a
    /// replay: corrupt (format, checksum), stale (fingerprint), drift already found, or
    /// orphaned (the stream is missing or shorter). `problem` nil means "not known bad".
    public func list(streams: [String]? = nil) -> [SnapshotCheck] {
        let entries = streams.map { $0.flatMap { store.entries(stream: $0) } } ?? store.allEntries()
        var identities: [String: (name: String, fingerprint: String)] = [:]
        return entries.map { entry in
            switch store.read(entry.path) {
            case .failure(let problem):
                return SnapshotCheck(file: entry.path, stream: Self.streamName(in: entry.path), version: entry.version, snapshot: nil, problem: problem)
            case .success(let snapshot):
                var check = SnapshotCheck(file: entry.path, stream: snapshot.stream, version: snapshot.version, snapshot: snapshot, problem: nil)
                let last = log.version(of: snapshot.stream)
                if last == 0 {
                    check.problem = .orphaned("the log has no stream named \(snapshot.stream)")
                } else if snapshot.version > last {
                    check.problem = .orphaned("\(snapshot.stream) has only \(last) events")
                } else if let identity = identities[snapshot.stream] ?? (try? reducerIdentity(for: snapshot.stream)) {
                    identities[snapshot.stream] = identity
                    if snapshot.fingerprint != identity.fingerprint {
                        check.problem = .stale(recorded: "\(snapshot.reducer) \(snapshot.fingerprint)", current: "\(identity.name) \(identity.fingerprint)")
                    } else if !snapshot.matchesReplay {
                        check.problem = .drift([])
                    }
                }
                return check
            }
        }
    }

    /// The stream a file belongs to, from its header when only the header is readable.
    static func streamName(in path: String) -> String {
        guard let bytes = try? FileSystem.readFile(path), case .success(let header) = SnapshotCodec.decodeHeader(bytes),
              let stream = header["stream"]?.stringValue else {
            return "?"
        }
        return stream
    }
}

/// One snapshot file and what is known about it.
public struct SnapshotCheck: Sendable, Equatable {
    public var file: String
    public var stream: String
    public var version: UInt64
    /// The snapshot, when the file could be read.
    public var snapshot: Snapshot?
    /// nil: nothing wrong found.
    public var problem: SnapshotProblem?

    public var isOK: Bool { problem == nil }

    /// "ok", or the problem's label.
    public var status: String { problem?.label ?? "ok" }
}
