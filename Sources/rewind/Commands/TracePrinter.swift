import EventLog
import Interchange
import JSON
import Replay
import SafeText

/// Prints a `Trace`: an indented tree and a list for people, JSON Lines for scripts. Every text
/// from the log goes through SafeText.
struct TracePrinter {
    let log: any EventStore
    var json: Bool
    var width: Int? = Output.terminalWidth

    init(log: any EventStore, json: Bool) {
        self.log = log
        self.json = json
    }

    mutating func print(_ trace: Trace) throws {
        if !trace.tree.isEmpty || trace.missingParent != nil {
            if !json { Output.standard.line("causation tree") }
            if let missing = trace.missingParent {
                if json {
                    line(["part": "tree", "depth": .integer(0), "id": .string(missing), "missing": .bool(true)])
                } else {
                    Output.standard.line("  ? " + SafeText.preview(missing, columns: 60) + "  (missing parent: no event in the log has this id)")
                }
            }
            for (k, node) in trace.tree.enumerated() {
                try withEvent(at: node.position) { e in
                    let keys = TraceKeys(metadata: e.metadata)
                    let chosen = node.position == trace.chosen
                    if json {
                        var o = GenericEventLine.object(e)
                        o["part"] = "tree"
                        o["depth"] = .integer(Int64(node.depth))
                        o["parent"] = keys.causationText.map { .string($0) } ?? .null
                        if chosen { o["chosen"] = .bool(true) }
                        if k == 0 && trace.cycle { o["cycle"] = .bool(true) }
                        line(o)
                    } else {
                        let note = k == 0 && trace.cycle ? "  (causation cycle: its cause is below it)" : ""
                        row(e, marker: chosen ? ">" : " ", indent: node.depth, suffix: note)
                    }
                }
            }
        }
        guard let correlation = trace.correlation else {
            if !json && trace.chosen != nil { Output.standard.line("no correlation id") }
            return
        }
        if !json {
            Output.standard.line("correlation " + SafeText.preview(correlation, columns: 60) + ": \(trace.correlated.count) event\(trace.correlated.count == 1 ? "" : "s")")
        }
        for p in trace.correlated {
            try withEvent(at: p) { e in
                if json {
                    var o = GenericEventLine.object(e)
                    o["part"] = "correlation"
                    if p == trace.chosen { o["chosen"] = .bool(true) }
                    line(o)
                } else {
                    row(e, marker: p == trace.chosen ? ">" : " ", indent: 0, suffix: "")
                }
            }
        }
    }

    private func withEvent(at position: UInt64, _ body: (EventView) throws -> Void) throws {
        try log.readAll(from: position, limit: 1) { view in
            if view.position == position { try body(view) }
            return false
        }
    }

    private func line(_ object: JSONObject) {
        Output.standard.line(bytes: JSONValue.object(object).serializedBytes())
    }

    /// `> @12       account-1          v3     TransferSent   2026-…`, the stream indented by depth.
    private func row(_ e: EventView, marker: String, indent: Int, suffix: String) {
        let time = RFC3339.format(microsecondsSinceEpoch: e.originalMicros, fractionDigits: 3)
        let pad = String(repeating: "  ", count: min(indent, 20))
        let text = marker + " " + ("@" + String(e.position)).columnPadded(10)
            + (pad + SafeText.preview(e.stream, columns: 28)).columnPadded(30) + ("v" + String(e.version)).columnPadded(8)
            + SafeText.preview(e.type, columns: 28).columnPadded(30) + time + suffix
        Output.standard.line(width.map { SafeText.preview(text, columns: max(20, $0)) } ?? text)
    }
}
