import JSON

/// A structural diff of two read-model states with many fields (issue 11, "Speed"):
/// `JSONValue.diff` (what `rewind state --diff`, `project diff` and the dashboard's changed-field
/// marks use) and the `--json` output of the change list (`DiffOutput.json`'s shape, serialized).
enum StateDiffWorkload {
    /// `fields` top-level fields, a third numbers, a third strings, a third small objects.
    static func state(fields: Int, variant: Int) -> JSONValue {
        var object = JSONObject()
        object.reserveCapacity(fields)
        for i in 0..<fields {
            let key = "field-\(i)"
            // variant 1 changes every 10th field, drops every 100th and adds as many new ones;
            // variant 2 changes every field.
            if variant == 1, i % 100 == 99 { continue }
            let bump = variant == 2 || (variant == 1 && i % 10 == 3) ? 1 : 0
            switch i % 3 {
            case 0: object[key] = .integer(Int64(i * 7 + bump))
            case 1: object[key] = .string("value \(i + bump) of the read model")
            default: object[key] = .object(["count": .integer(Int64(i + bump)), "status": .string(i % 2 == 0 ? "open" : "closed"), "tags": .array([.string("a"), .integer(Int64(i))])])
            }
        }
        if variant == 1 { for i in 0..<(fields / 100) { object["added-\(i)"] = .bool(true) } }
        return .object(object)
    }

    /// The change list as `project diff --json` prints it.
    static func json(_ changes: [JSONChange]) -> [UInt8] {
        JSONChange.report(changes).serializedBytes()
    }

    static func run(fields: Int, runs: Int) throws -> [WorkloadResult] {
        let old = state(fields: fields, variant: 0)
        let cases: [(name: String, label: String, new: JSONValue)] = [
            ("identical", "identical states (built apart)", state(fields: fields, variant: 0)),
            ("tenth", "a tenth of the fields changed, 1% removed, 1% added", state(fields: fields, variant: 1)),
            ("all", "every field changed", state(fields: fields, variant: 2)),
        ]
        var results: [WorkloadResult] = []
        for c in cases {
            var diffMicros: [Double] = []
            var printMicros: [Double] = []
            var changes: [JSONChange] = []
            var printed = 0
            for _ in 0..<max(3, runs) {
                let t0 = monotonicNanos()
                changes = JSONValue.diff(from: old, to: c.new)
                diffMicros.append(Double(monotonicNanos() - t0) / 1000)
                let t1 = monotonicNanos()
                printed = json(changes).count
                printMicros.append(Double(monotonicNanos() - t1) / 1000)
            }
            progress("  state-diff \(c.name): \(changes.count) changes, diff \(Format.fixed((Stats.median(diffMicros) ?? 0) / 1000, 2)) ms, json \(Format.fixed((Stats.median(printMicros) ?? 0) / 1000, 2)) ms")
            var r = WorkloadResult(name: "state-diff-\(c.name)", title: "diff of two \(Format.count(fields))-field states: \(c.label)")
            r.set("changes", "changes found", Double(changes.count), .count)
            r.set("diff_ms", "JSONValue.diff (median)", Stats.median(diffMicros).map { $0 / 1000 }, .millis)
            r.set("json_ms", "the --json change list, built and serialized (median)", Stats.median(printMicros).map { $0 / 1000 }, .millis)
            r.set("json_bytes", "its size", Double(printed), .bytes)
            r.notes = "Two states built apart (no shared storage) with \(Format.count(fields)) top-level fields, a third numbers, a third " +
                "strings, a third objects of 3 fields; \(max(3, runs)) runs, median."
            results.append(r)
        }
        return results
    }
}
