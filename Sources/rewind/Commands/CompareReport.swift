import JSON
import Replay
import SafeText

/// What `project compare` prints: the first difference with its event, and the diff at the end,
/// as lines of text (through SafeText) or one JSON object.
struct CompareReport {
    var name: String
    var currentFile: String
    var otherFile: String
    var key: String?
    var result: ProjectionComparison.Result

    /// The end states compared: the partition's with `--key` (null where absent), else the whole.
    private var endStates: (current: JSONValue, other: JSONValue) {
        func pick(_ side: ProjectionComparison.Side) -> JSONValue {
            guard let key else { return side.state }
            return side.isPartitioned ? side.state[key] ?? .null : side.state
        }
        return (pick(result.current), pick(result.other))
    }

    private var endChanges: [JSONChange] { JSONValue.diff(from: endStates.current, to: endStates.other) }

    /// True when the states never differed and both sides ended alike (the same fault or none).
    var identical: Bool {
        result.difference == nil && endChanges.isEmpty && result.current.fault == result.other.fault
    }

    private func changes(_ d: ProjectionComparison.Difference) -> [JSONChange] {
        JSONValue.diff(from: d.current ?? .null, to: d.other ?? .null)
    }

    var lines: [String] {
        var out: [String] = []
        var title = "\(SafeText.escape(name)): \(SafeText.escape(currentFile)) (current) vs \(SafeText.escape(otherFile)) (other), positions 1…\(result.position)"
        if let key { title += " · partition '\(SafeText.escape(key))'" }
        out.append(title)
        if identical {
            out.append("identical: the states never differ up to position \(result.position)")
            if let f = result.current.fault { out.append("both fault on the same event: \(SafeText.escape(f.description))") }
            return out
        }
        if let d = result.difference {
            var line = "first difference at position \(d.position): \(SafeText.escape(d.stream)) v\(d.version) \(SafeText.escape(d.eventType))"
            if let k = d.key { line += " · partition '\(SafeText.escape(k))'" }
            out.append(line)
            if let f = d.currentFault { out.append("  the current definition fails there: \(SafeText.escape(f.description)) (its state stays as before)") }
            if let f = d.otherFault { out.append("  the other definition fails there: \(SafeText.escape(f.description)) (its state stays as before)") }
            let c = changes(d)
            out.append("  current → other: " + DiffOutput.summary(c))
            out += DiffOutput.lines(c, old: "current", new: "other").map { "  " + $0 }
        }
        let c = endChanges
        var end = "at the end (position \(result.position)): current → other: " + DiffOutput.summary(c)
        if let f = result.current.fault?.position { end += " · the current definition stopped at its fault at \(f)" }
        if let f = result.other.fault?.position { end += " · the other definition stopped at its fault at \(f)" }
        out.append(end)
        out += DiffOutput.lines(c, old: "current", new: "other").map { "  " + $0 }
        return out
    }

    var json: JSONValue {
        var object: JSONObject = [
            "projection": .string(name),
            "current": .string(currentFile),
            "other": .string(otherFile),
            "to": .integer(Int64(clamping: result.position)),
            "identical": .bool(identical),
        ]
        if let key { object["key"] = .string(key) }
        if let d = result.difference {
            object["firstDifference"] = [
                "position": .integer(Int64(clamping: d.position)),
                "stream": .string(d.stream),
                "version": .integer(Int64(clamping: d.version)),
                "type": .string(d.eventType),
                "key": d.key.map { .string($0) } ?? .null,
                "currentState": d.current ?? .null,
                "otherState": d.other ?? .null,
                "currentFault": d.currentFault?.json ?? .null,
                "otherFault": d.otherFault?.json ?? .null,
                "changes": DiffOutput.json(changes(d)),
            ]
        } else {
            object["firstDifference"] = .null
        }
        object["end"] = [
            "currentFault": result.current.fault?.json ?? .null,
            "otherFault": result.other.fault?.json ?? .null,
            "changes": DiffOutput.json(endChanges),
        ]
        return .object(object)
    }
}
