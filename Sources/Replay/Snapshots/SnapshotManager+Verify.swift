import EventLog

extension SnapshotManager {
    /// Checks every snapshot of `streams` (all when nil) against the log: its checksum, its
    /// reducer's fingerprint, and its state against a replay to its version (which must be
    /// equal as JSON: numbers by value, key order ignored). A snapshot found to drift is
    /// marked in its file, so that loading never uses it again.
    ///
    /// - Parameter progress: called with (snapshots checked, total).
    /// - Throws: a handler's or an upcaster's error when the replay itself fails (the message
    ///   names the event); `EventLogError` when the log cannot be read.
    public func verify(streams: [String]? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> [SnapshotCheck] {
        let listed = list(streams: streams)
        var checks: [SnapshotCheck] = []
        var done = 0
        // One timeline per stream, visiting its snapshots in ascending version (one replay).
        var order: [String] = []
        var byStream: [String: [SnapshotCheck]] = [:]
        for check in listed {
            if byStream[check.stream] == nil { order.append(check.stream) }
            byStream[check.stream, default: []].append(check)
        }
        for stream in order {
            let group = (byStream[stream] ?? []).sorted { $0.version < $1.version }
            var timeline: StreamTimeline?
            for var check in group {
                defer {
                    done += 1
                    progress?(done, listed.count)
                }
                guard check.problem == nil || check.problem == .drift([]), let snapshot = check.snapshot else {
                    checks.append(check)
                    continue
                }
                if timeline == nil { timeline = try self.timeline(for: stream) }
                guard let timeline else { continue }
                let replayed = try timeline.state(at: snapshot.version).state
                if replayed == snapshot.state {
                    check.problem = nil
                    if !snapshot.matchesReplay { try restore(check.file) }
                } else {
                    check.problem = .drift(JSONValue.diff(from: replayed, to: snapshot.state))
                    try store.markDrift(check.file)
                }
                checks.append(check)
            }
        }
        return checks
    }

    /// A snapshot marked drift that now matches (the reducer was fixed under the same
    /// fingerprint, e.g. a non-deterministic handler) may be used again.
    private func restore(_ path: String) throws {
        guard case .success(var snapshot) = store.read(path) else { return }
        snapshot.matchesReplay = true
        try store.write(snapshot)
    }

    // MARK: Import

    /// Why an import file was refused as a whole.
    public struct ImportError: Error, Sendable, CustomStringConvertible {
        public var file: String
        public var errors: [String]

        public var description: String {
            var text = "\(file): \(errors.count) line\(errors.count == 1 ? "" : "s") cannot be imported; nothing was imported:"
            for e in errors.prefix(20) { text += "\n" + e }
            if errors.count > 20 { text += "\n… and \(errors.count - 20) more" }
            return text
        }
    }

    /// Imports snapshots from JSON Lines, one `{"stream": S, "version": N, "state": {…}}` per
    /// line (a production system's snapshots), and checks each against a replay to its
    /// version. Each becomes a snapshot file (origin "import") carrying the current reducer's
    /// fingerprint; one that differs from the replay is kept (for `list`) but marked drift and
    /// never used. All or nothing: any bad line (not an object, a missing field, an unknown
    /// stream, a version beyond the stream) refuses the whole file.
    ///
    /// - Returns: one check per line, in file order: ok, or drift with the differences
    ///   (from the replay to the imported state).
    public func importSnapshots(file: String) throws -> [SnapshotCheck] {
        struct Line {
            var number: Int
            var stream: String
            var version: UInt64
            var state: JSONValue
        }
        let handle = try SystemFile.open(file, flags: .readOnly)
        defer { handle.close() }
        var reader = LineReader(handle: handle)
        var lines: [Line] = []
        var errors: [String] = []
        try reader.forEachLine { bytes, number, _ in
            if bytes.isEmpty { return true }
            guard case .object(let object)? = try? JSONValue.parse(bytes) else {
                errors.append("line \(number): not a JSON object")
                return true
            }
            guard let stream = object["stream"]?.stringValue, !stream.isEmpty else {
                errors.append("line \(number): missing \"stream\" (a string)")
                return true
            }
            guard let version = object["version"]?.int64Value, version >= 1 else {
                errors.append("line \(number): missing \"version\" (a whole number ≥ 1)")
                return true
            }
            guard let state = object["state"] else {
                errors.append("line \(number): missing \"state\"")
                return true
            }
            let last = log.version(of: stream)
            if last == 0 {
                errors.append("line \(number): the log has no stream named '\(stream)'")
            } else if UInt64(version) > last {
                errors.append("line \(number): \(stream) has \(last) events; version \(version) is beyond its end")
            } else {
                lines.append(Line(number: number, stream: stream, version: UInt64(version), state: state))
            }
            return true
        }
        guard errors.isEmpty else { throw ImportError(file: file, errors: errors) }

        var results = [SnapshotCheck?](repeating: nil, count: lines.count)
        var timelines: [String: StreamTimeline] = [:]
        let now = Self.nowMicros()
        // Ascending versions per stream, so each stream replays once.
        let order = lines.indices.sorted { (lines[$0].stream, lines[$0].version, $0) < (lines[$1].stream, lines[$1].version, $1) }
        for i in order {
            let line = lines[i]
            let timeline = try timelines[line.stream] ?? self.timeline(for: line.stream)
            timelines[line.stream] = timeline
            let replayed = try timeline.state(at: line.version)
            let identity = try reducerIdentity(for: line.stream)
            let matches = replayed.state == line.state
            let snapshot = Snapshot(
                stream: line.stream, version: line.version, position: replayed.event?.position ?? 0, reducer: identity.name,
                fingerprint: identity.fingerprint, createdMicros: now, origin: .import, matchesReplay: matches, state: line.state)
            let path = try store.write(snapshot)
            results[i] = SnapshotCheck(
                file: path, stream: line.stream, version: line.version, snapshot: snapshot,
                problem: matches ? nil : .drift(JSONValue.diff(from: replayed.state, to: line.state)))
        }
        return results.compactMap { $0 }
    }
}

import JSON
import Platform
