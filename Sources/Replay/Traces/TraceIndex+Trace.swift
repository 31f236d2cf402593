import EventLog

extension TraceIndex {
    /// Most events one part of a trace holds (a hostile log may hang millions on one id).
    public static let defaultLimit = 100_000
    /// Most ancestors followed up from the chosen event.
    public static let maxAncestors = 10_000

    /// Where the event with `id` is (the first, if a hostile log repeats an id).
    public func position(ofEventID id: EventID) throws -> UInt64? {
        try positions(of: .eventID(id), limit: 1).first
    }

    /// The trace of the event at `position`: its causation tree (from the root down, every
    /// descendant) and every event sharing its correlation id. Nil when there is no such event.
    public func trace(of position: UInt64, limit: Int = TraceIndex.defaultLimit) throws -> Trace? {
        guard let chosen = try log.event(at: position) else { return nil }
        var trace = Trace(chosen: position)
        let keys = TraceKeys(metadata: chosen.metadata)

        // Up: follow causation ids to the root. A cycle closes on an event already seen.
        var seen: Set<UInt64> = [position]
        var root = chosen
        var rootKeys = keys
        var steps = 0
        while let cause = rootKeys.causation, steps < Self.maxAncestors {
            steps += 1
            guard let id = EventID(String(decoding: cause, as: UTF8.self)),
                  let parent = try self.position(ofEventID: id) else {
                trace.missingParent = String(decoding: cause, as: UTF8.self)
                break
            }
            if seen.contains(parent) {
                trace.cycle = true
                break
            }
            guard let event = try log.event(at: parent) else { break }
            seen.insert(parent)
            root = event
            rootKeys = TraceKeys(metadata: event.metadata)
        }

        // Down: every descendant of the root, depth first, each event once.
        let base = trace.missingParent == nil ? 0 : 1
        var visited: Set<UInt64> = [root.position]
        var stack: [(position: UInt64, id: EventID, depth: Int)] = [(root.position, root.id, base)]
        while let node = stack.popLast() {
            guard trace.tree.count < limit else {
                trace.truncated = true
                break
            }
            trace.tree.append(Trace.Node(position: node.position, depth: node.depth))
            let children = try positions(of: .causation(Array(node.id.description.utf8)), limit: limit)
                .filter { !visited.contains($0) }
            var pushed: [(UInt64, EventID, Int)] = []
            for p in children {
                guard let child = try log.event(at: p) else { continue }
                visited.insert(p)
                pushed.append((p, child.id, node.depth + 1))
            }
            stack.append(contentsOf: pushed.reversed())  // lowest position on top: shown first
        }

        if let correlation = keys.correlation {
            trace.correlation = String(decoding: correlation, as: UTF8.self)
            trace.correlated = try positions(of: .correlation(correlation), limit: limit + 1)
            if trace.correlated.count > limit {
                trace.correlated.removeLast()
                trace.truncated = true
            }
        }
        return trace
    }

    /// Every event whose correlation id is `correlation`, in global order (the tree is empty).
    public func trace(correlation: String, limit: Int = TraceIndex.defaultLimit) throws -> Trace {
        var trace = Trace()
        trace.correlation = correlation
        trace.correlated = try positions(of: .correlation(Array(correlation.utf8)), limit: limit + 1)
        if trace.correlated.count > limit {
            trace.correlated.removeLast()
            trace.truncated = true
        }
        return trace
    }
}
