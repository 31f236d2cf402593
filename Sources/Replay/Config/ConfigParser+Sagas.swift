import TOMLSupport

/// `[sagas.NAME]`: a process across events (see `SagaDefinition`, docs/CONFIG.md and docs/SAGAS.md).
extension ConfigParser {
    static let sagaKeys = ["streams", "correlation", "steps", "compensations", "failed", "timeout"]

    func saga(_ name: String, _ value: TOMLNode) throws(ConfigError) -> SagaDefinition {
        let path = ["sagas", name]
        let section = "[sagas.\(TOMLKeyPath.part(name))]"
        let table = try requireTable(value, at: path, fix: "write \(section) with correlation = true (or streams = \"order-*\") and steps = [\"StockReserved\", \"PaymentCharged\"]")
        var streams: String?
        var correlation = false
        var steps: [String]?
        var compensationNode: TOMLNode?
        var failed: [String] = []
        var timeout = SagaDefinition.defaultTimeoutMicros
        for (key, member) in table.members {
            switch key {
            case "streams":
                let glob = try requireString(member, at: path + [key], fix: "write a glob over stream names, one instance per stream: streams = \"order-*\"")
                guard !glob.isEmpty else {
                    throw error(.invalidValue, path + [key], "the glob is empty", fix: "write a glob over stream names: streams = \"order-*\"")
                }
                streams = glob
            case "correlation":
                guard let flag = member.bool else {
                    throw error(.wrongType, path + [key], "expected true or false, found \(describe(member))", fix: "write correlation = true (one instance per correlation id)")
                }
                correlation = flag
            case "steps":
                steps = try typeList(member, at: path + [key], example: "steps = [\"StockReserved\", \"PaymentCharged\", \"ShipmentDispatched\"]")
            case "compensations":
                compensationNode = member
            case "failed":
                failed = try typeList(member, at: path + [key], example: "failed = [\"PaymentDeclined\"]")
            case "timeout":
                let fix = "write a duration such as timeout = \"15m\" (units s, m, h, d; \"1h30m\" works too)"
                let text = try requireString(member, at: path + [key], fix: fix)
                guard let micros = SagaDuration.micros(text) else {
                    throw error(.invalidValue, path + [key], "'\(text)' is not a duration (whole numbers with a unit, more than 0 and at most 366d)", fix: fix)
                }
                timeout = micros
            default:
                throw unknownKey(key, at: path, known: Self.sagaKeys, what: "a saga", knownText: "steps (required), correlation or streams (one of them), compensations, failed, timeout")
            }
        }
        let instances: SagaDefinition.Instances
        switch (streams, correlation) {
        case (let glob?, false): instances = .streams(glob)
        case (nil, true): instances = .correlation
        case (.some, true):
            throw error(.invalidValue, path, "the saga has both streams and correlation = true", fix: "keep one: streams = \"order-*\" (one instance per stream) or correlation = true (one per correlation id)")
        case (nil, false):
            throw error(.missingKey, path, "the saga does not say how its instances are found", fix: "add correlation = true (one instance per correlation id) or streams = \"order-*\" (one per stream) under \(section)")
        }
        guard let steps else {
            throw error(.missingKey, path, "the saga has no steps", fix: "add steps = [\"StockReserved\", \"PaymentCharged\"] (event types in the order they run) under \(section)")
        }
        guard !steps.isEmpty else {
            throw error(.invalidValue, path + ["steps"], "the list of steps is empty", fix: "name the event types in the order they run: steps = [\"StockReserved\", \"PaymentCharged\"]")
        }
        if let repeated = Self.firstRepeated(steps) {
            throw error(.invalidValue, path + ["steps"], "the step '\(repeated)' is listed twice", fix: "list each event type once, in the order the steps run")
        }
        for type in failed where steps.contains(type) {
            throw error(.invalidValue, path + ["failed"], "'\(type)' is both a step and a failure", fix: "a failure is an event type of its own, e.g. PaymentDeclined")
        }
        var compensations: [(type: String, step: String)] = []
        if let compensationNode {
            compensations = try compensationTable(compensationNode, at: path + ["compensations"], steps: steps, failed: failed)
        }
        return SagaDefinition(name: name, instances: instances, steps: steps, compensations: compensations, failed: failed, timeoutMicros: timeout)
    }

    /// `[sagas.NAME.compensations]`: compensating type = "the step it undoes".
    private func compensationTable(_ value: TOMLNode, at path: [String], steps: [String], failed: [String]) throws(ConfigError) -> [(type: String, step: String)] {
        let example = "StockReleased = \"\(steps.first ?? "StockReserved")\""
        let table = try requireTable(value, at: path, fix: "write [\(TOMLKeyPath.display(path))] and under it one line per compensating event type: \(example)")
        var out: [(type: String, step: String)] = []
        for (type, member) in table.members {
            let fix = "name the step it undoes, one of \(steps.joined(separator: ", ")): \(example)"
            guard !type.isEmpty else {
                throw error(.invalidValue, path + [type], "an event type cannot be empty", fix: fix)
            }
            let step = try requireString(member, at: path + [type], fix: fix)
            guard steps.contains(step) else {
                let hint = NameSuggestion.closest(to: step, in: steps).map { " (did you mean '\($0)'?)" } ?? ""
                throw error(.invalidValue, path + [type], "'\(step)' is not a step of the saga\(hint)", fix: fix)
            }
            guard !steps.contains(type), !failed.contains(type) else {
                throw error(.invalidValue, path + [type], "'\(type)' is a step or a failure of the saga, so it cannot also compensate", fix: "a compensation is an event type of its own, e.g. StockReleased")
            }
            if let other = out.first(where: { $0.step == step }) {
                throw error(.invalidValue, path + [type], "the step '\(step)' already has a compensation, \(other.type)", fix: "give each step one compensating event type")
            }
            out.append((type, step))
        }
        return out
    }

    /// A non-empty list of non-empty strings (event types).
    private func typeList(_ value: TOMLNode, at path: [String], example: String) throws(ConfigError) -> [String] {
        guard let array = value.array else {
            throw error(.wrongType, path, "expected an array of event types, found \(describe(value))", fix: "write " + example)
        }
        var out: [String] = []
        for element in array {
            guard let type = element.string, !type.isEmpty else {
                throw error(.wrongType, path, "every event type must be a non-empty string, found \(element.kind == .string ? "an empty string" : describe(element))", fix: "write " + example)
            }
            out.append(type)
        }
        return out
    }

    static func firstRepeated(_ list: [String]) -> String? {
        var seen: Set<String> = []
        for s in list where !seen.insert(s).inserted { return s }
        return nil
    }
}
