extension SnapshotManager {
    /// What `create` did for one stream.
    public struct Creation: Sendable, Equatable {
        public var stream: String
        public var reducer: String
        /// The versions snapshotted, ascending, with their files.
        public var created: [(version: UInt64, file: String)]
        /// The version replay started after (a usable snapshot's, or 0).
        public var startedAfter: UInt64
        /// Events replayed.
        public var replayed: UInt64

        public static func == (a: Creation, b: Creation) -> Bool {
            a.stream == b.stream && a.reducer == b.reducer && a.startedAfter == b.startedAfter && a.replayed == b.replayed
                && a.created.map(\.version) == b.created.map(\.version) && a.created.map(\.file) == b.created.map(\.file)
        }
    }

    /// Takes snapshots of `streams` where `policy` asks for them: at every multiple of
    /// `everyEvents`, and whenever replaying since the previous snapshot (or the start) took
    /// longer than `maxReplayMillis`. Replay starts at the newest usable snapshot (so running
    /// it again only adds what the stream grew by); with `rebuild`, the stream's snapshot files
    /// are deleted first and replay starts at version 0.
    ///
    /// - Throws: `HandlerError`/`UpcastError` when a handler fails (snapshots written before
    ///   the failing event are kept); `JQError`; `IOError` when a file cannot be written.
    public func create(streams: [String], policy: SnapshotPolicy, rebuild: Bool = false) throws -> [Creation] {
        var out: [Creation] = []
        for stream in streams {
            out.append(try create(stream: stream, policy: policy, rebuild: rebuild))
        }
        return out
    }

    private func create(stream: String, policy: SnapshotPolicy, rebuild: Bool) throws -> Creation {
        let identity = try reducerIdentity(for: stream)
        let last = log.version(of: stream)
        guard last > 0 else { throw ReplayError.unknownStream(stream) }
        if rebuild { try store.removeAll(stream: stream) }
        var start: Snapshot?
        if !rebuild { start = store.usable(stream: stream, atOrBelow: last, fingerprint: identity.fingerprint).0 }
        let from = start?.version ?? 0
        var creation = Creation(stream: stream, reducer: identity.name, created: [], startedAfter: from, replayed: 0)
        let every = policy.everyEvents.flatMap { $0 > 0 ? UInt64($0) : nil }
        let maxNanos = policy.maxReplayMillis.flatMap { $0 > 0 ? UInt64($0 * 1e6) : nil }
        guard every != nil || maxNanos != nil else { return creation }
        // Nothing new to take by count, and no time rule: no replay at all.
        if maxNanos == nil, let every, (from / every + 1) * every > last { return creation }

        let timeline = try self.timeline(for: stream)
        var since = TimelineCoreClock.nanos()
        let now = Self.nowMicros()
        try timeline.walk(from: start.map { ($0.version, $0.state) }, through: last, emitAfter: { version in
            if let every, version % every == 0 { return true }
            if let maxNanos, TimelineCoreClock.nanos() - since >= maxNanos { return true }
            return false
        }, emit: { event, state in
            let snapshot = Snapshot(
                stream: stream, version: event.version, position: event.position, reducer: identity.name,
                fingerprint: identity.fingerprint, createdMicros: now, origin: .replay, matchesReplay: true, state: state)
            creation.created.append((event.version, try store.write(snapshot)))
            since = TimelineCoreClock.nanos()
        })
        creation.replayed = last - from
        return creation
    }
}

/// Monotonic time for replay-cost decisions.
enum TimelineCoreClock {
    static func nanos() -> UInt64 { UInt64(MonotonicClock.nanoseconds) }
}

import Platform
