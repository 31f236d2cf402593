import EventLog
import JSON
import Replay

/// The projection debugger, the dashboard at an instant and the diff between two points, as
/// the log worker answers them.
extension LogSource {
    /// The debugger's stop for `move`; a projection that cannot be folded answers with its error.
    func debug(_ name: String, key: String?, from: UInt64, move: DebugMove) throws -> DebugStepView {
        guard let definition = config.projections.first(where: { $0.name == name }) else {
            return DebugStepView(projection: name, error: "no projection named '\(name)' in rewind.toml")
        }
        do {
            let debugger: ProjectionDebugger
            if let d = debuggers[name], d.definition == definition {
                debugger = d
            } else {
                debugger = ProjectionDebugger(timeline: try projectionTimeline(definition))
                debuggers[name] = debugger
            }
            return try debugger.look(move, from: from, key: key)
        } catch let e as EventLogError {
            throw e
        } catch {
            return DebugStepView(projection: name, key: key, head: log.head, error: Self.describe(error))
        }
    }

    /// The dashboard at an instant: the position it means (as `rewind project state --time`
    /// defines it, `ProjectionStateAt.position(atTime:)`), each stream's version then, and each
    /// projection's read model then.
    func instant(micros: Int64?, position: UInt64?) throws -> InstantView {
        let head = log.head
        let p: UInt64
        if let micros { p = try ProjectionStateAt.position(atTime: micros, log: log) } else { p = min(position ?? head, head) }
        var versions: [String: UInt64] = [:]
        var lastMicros: Int64?
        if p > 0 {
            try log.readAll { view in
                guard view.position <= p else { return false }
                versions[view.stream] = view.version
                lastMicros = view.originalMicros
                return true
            }
        }
        var projections: [String: InstantView.ProjectionAt] = [:]
        for definition in config.projections {
            do {
                let r = try projectionTimeline(definition).state(at: p)
                projections[definition.name] = InstantView.ProjectionAt(state: r.state, fault: r.fault)
            } catch let e as EventLogError {
                throw e
            } catch {
                projections[definition.name] = InstantView.ProjectionAt(state: nil, error: Self.describe(error))
            }
        }
        return InstantView(position: p, micros: micros ?? lastMicros, versions: versions, projections: projections)
    }

    /// This source's timeline of `definition` (kept per projection: its cached states make the
    /// next question cheap; in memory only, nothing is written).
    func projectionTimeline(_ definition: ProjectionDefinition) throws -> ProjectionTimeline {
        if let t = projectionTimelines[definition.name], t.definition == definition { return t }
        let t = try ProjectionTimeline(
            log: log, definition: definition, upcasters: config.upcasters, limits: config.limits,
            options: ProjectionTimeline.Options(memoryBudgetBytes: Self.projectionMemoryBudget))
        projectionTimelines[definition.name] = t
        return t
    }

    /// What one projection's cached states may hold in the dashboard (each of two workers keeps
    /// a timeline per projection it was asked about).
    static let projectionMemoryBudget = 32 << 20

    /// The changes from `a` to `b`.
    func diff(from a: DiffPoint, to b: DiffPoint) throws -> DiffView {
        do {
            let old = try value(at: a), new = try value(at: b)
            return DiffView(from: a, to: b, changes: JSONValue.diff(from: old, to: new))
        } catch let e as EventLogError {
            throw e
        } catch {
            return DiffView(from: a, to: b, changes: [], error: Self.describe(error))
        }
    }

    /// What a point holds: a stream's state; at an instant, an object of the stream's state
    /// (`stream NAME`) and every projection's (`projection NAME`), so one diff covers the system.
    private func value(at point: DiffPoint) throws -> JSONValue {
        switch point {
        case .version(let stream, let version):
            let t = try timeline(stream)
            return try t.state(at: min(version, t.lastVersion)).state
        case .instant(let position, let stream):
            var members: [(String, JSONValue)] = []
            if let stream {
                let t = try timeline(stream)
                let v = try t.version(atPosition: position)
                members.append(("stream \(stream)", v == 0 ? .null : try t.state(at: v).state))
            }
            for definition in config.projections {
                let r = try projectionTimeline(definition).state(at: position)
                members.append(("projection \(definition.name)", r.state))
            }
            return .object(JSONObject(uniqueKeysWithValues: members))
        }
    }
}
