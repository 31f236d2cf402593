import EventLog
import JSON
import Replay
import SafeText

/// Prints saga reports: tables and step lists for people, JSON for scripts. Every text from the
/// log or the configuration goes through SafeText.
struct SagaPrinter {
    var json: Bool
    var printedOne = false

    init(json: Bool) {
        self.json = json
    }

    static func time(_ micros: Int64) -> String {
        micros == .min ? "-" : RFC3339.format(microsecondsSinceEpoch: micros, fractionDigits: 0)
    }

    /// "completed 60 · compensated 14 (1 out of order) · failed 0 · stuck 1 · running 3".
    static func countsLine(_ report: SagaReport) -> String {
        let outOfOrder = report.instances.filter { $0.status == .compensated && $0.misordered != nil }.count
        return report.counts.map { item in
            "\(item.status.rawValue) \(item.count)" + (item.status == .compensated && outOfOrder > 0 ? " (\(outOfOrder) out of order)" : "")
        }.joined(separator: " · ")
    }

    mutating func printList(_ report: SagaReport, status: SagaStatus?) {
        let d = report.definition
        let shown = report.filtered(status)
        if json {
            for i in shown {
                var o: JSONObject = [
                    "saga": .string(d.name), "instance": .string(i.id), "status": .string(i.status.rawValue),
                    "stepsDone": .integer(Int64(i.stepsDone)), "steps": .integer(Int64(d.steps.count)),
                    "lastTime": .string(Self.time(i.lastMicros)), "lastPosition": .integer(Int64(i.lastPosition)),
                    "reason": .string(i.reason),
                ]
                if i.status == .compensated { o["inOrder"] = .bool(i.misordered == nil) }
                if !i.anomalies.isEmpty { o["anomalies"] = .array(i.anomalies.map { .string($0) }) }
                Output.standard.line(bytes: JSONValue.object(o).serializedBytes())
            }
            var counts: JSONObject = [:]
            for item in report.counts { counts[item.status.rawValue] = .integer(Int64(item.count)) }
            counts["outOfOrder"] = .integer(Int64(report.instances.filter { $0.misordered != nil }.count))
            Output.standard.line(bytes: JSONValue.object(["saga": .string(d.name), "instances": .integer(Int64(report.instances.count)), "counts": .object(counts)]).serializedBytes())
            return
        }
        if printedOne { Output.standard.line("") }
        printedOne = true
        Output.standard.line("saga \(SafeText.preview(d.name, columns: 40)) (\(SafeText.preview(d.instances.description, columns: 40)); \(d.steps.count) steps; timeout \(SagaDuration.text(micros: d.timeoutMicros))): \(report.instances.count) instance\(report.instances.count == 1 ? "" : "s")")
        Output.standard.line("  " + Self.countsLine(report))
        guard !shown.isEmpty else {
            Output.standard.line(status.map { "  no instance is \($0.rawValue)" } ?? "  no instance: no event of the saga's types in the log")
            return
        }
        let idWidth = min(40, max(8, shown.map { SafeText.preview($0.id, columns: 40).shownWidth }.max() ?? 8)) + 2
        Output.standard.line("INSTANCE".columnPadded(idWidth) + "STATUS".columnPadded(13) + "STEPS".columnPadded(7) + "LAST EVENT".columnPadded(22) + "REASON")
        for i in shown {
            Output.standard.line(
                SafeText.preview(i.id, columns: idWidth - 2).columnPadded(idWidth) + i.status.rawValue.columnPadded(13)
                    + "\(i.stepsDone)/\(d.steps.count)".columnPadded(7) + Self.time(i.lastMicros).columnPadded(22)
                    + SafeText.escape(i.reason))
        }
    }

    static func eventObject(_ e: EventRef) -> JSONValue {
        .object(["position": .integer(Int64(e.position)), "stream": .string(e.stream), "version": .integer(Int64(e.version)),
                 "type": .string(e.type), "time": .string(time(e.micros))])
    }

    static func eventText(_ e: EventRef) -> String {
        "\(time(e.micros))  @\(e.position) \(SafeText.preview(e.stream, columns: 40)) v\(e.version) \(SafeText.preview(e.type, columns: 40))"
    }

    func printInstance(_ i: SagaInstance, of report: SagaReport) {
        let d = report.definition
        if json {
            var steps: [JSONValue] = []
            for (k, step) in d.steps.enumerated() {
                var o: JSONObject = ["step": .string(step), "count": .integer(Int64(i.stepCounts[k])), "events": .array(i.stepEvents[k].map(Self.eventObject))]
                if let c = d.compensation(ofStep: k) {
                    o["compensation"] = .object(["type": .string(c), "count": .integer(Int64(i.compensationCounts[k])), "events": .array(i.compensationEvents[k].map(Self.eventObject))])
                }
                steps.append(.object(o))
            }
            var o: JSONObject = [
                "saga": .string(d.name), "instance": .string(i.id), "status": .string(i.status.rawValue), "reason": .string(i.reason),
                "steps": .array(steps), "compensationOrder": .array(i.compensationOrder.map { .string(d.steps[$0]) }),
                "lastTime": .string(Self.time(i.lastMicros)),
            ]
            if i.status == .compensated { o["inOrder"] = .bool(i.misordered == nil) }
            if let m = i.misordered { o["misordered"] = .string(m) }
            if let f = i.failure { o["failure"] = Self.eventObject(f) }
            o["anomalies"] = .array(i.anomalies.map { .string($0) })
            Output.standard.line(bytes: JSONValue.object(o).serializedBytes())
            return
        }
        Output.standard.line("saga \(SafeText.preview(d.name, columns: 40)), instance \(SafeText.preview(i.id, columns: 60)): \(i.status.rawValue)")
        Output.standard.line("  " + SafeText.escape(i.reason))
        Output.standard.line("steps")
        let width = min(32, d.steps.map { SafeText.preview($0, columns: 30).shownWidth }.max() ?? 8) + 2
        for (k, step) in d.steps.enumerated() {
            let label = "  \(k + 1). " + SafeText.preview(step, columns: 30).columnPadded(width)
            guard let first = i.stepEvents[k].first else {
                Output.standard.line(label + "not run")
                continue
            }
            Output.standard.line(label + Self.eventText(first) + (i.stepCounts[k] > 1 ? "  (ran \(i.stepCounts[k]) times)" : ""))
            for more in i.stepEvents[k].dropFirst() { Output.standard.line(String(repeating: " ", count: 5) + "".columnPadded(width) + Self.eventText(more)) }
        }
        if let f = i.failure {
            Output.standard.line("failure")
            Output.standard.line("  " + Self.eventText(f) + (i.failureCount > 1 ? "  (\(i.failureCount) failure events)" : ""))
        }
        if !i.compensationOrder.isEmpty {
            Output.standard.line("compensations, in the order they ran" + (i.status == .compensated ? (i.misordered == nil ? " (reverse order: correct)" : " (OUT OF ORDER)") : ""))
            for (n, k) in i.compensationOrder.enumerated() {
                for (m, e) in i.compensationEvents[k].enumerated() {
                    let label = m == 0 ? "  \(n + 1). undoes \(SafeText.preview(d.steps[k], columns: 30))" : ""
                    Output.standard.line(label.columnPadded(width + 12) + Self.eventText(e))
                }
            }
            if let m = i.misordered { Output.standard.line("  first out of place: " + SafeText.escape(m)) }
        }
        if !i.anomalies.isEmpty {
            Output.standard.line("anomalies" + (i.anomalyCount > i.anomalies.count ? " (first \(i.anomalies.count) of \(i.anomalyCount))" : ""))
            for a in i.anomalies { Output.standard.line("  " + SafeText.escape(a)) }
        }
    }
}
