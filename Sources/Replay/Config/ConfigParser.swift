import Collections
import SafeText
import TOMLSupport

extension RewindConfig {
    /// Parses the text of a `rewind.toml` and compiles every jq expression in it (then drops
    /// the compiled programs), so that any mistake is reported now, with its key and line,
    /// rather than on the first event that reaches it. See docs/CONFIG.md for the format.
    ///
    /// - Parameters:
    ///   - path: the file the text came from, named in errors and kept in `path`.
    ///   - compilingJQ: false checks everything but jq's own syntax (for the `config` fuzz
    ///     target: a compile costs 16 ms, which would hold the fuzzer to 60 inputs a second,
    ///     and jq's parser is libjq's to fuzz, not Rewind's). Every command passes true.
    /// - Throws: `ConfigError`.
    ///
    /// Each expression is compiled in a `jq_state` of its own, released before returning, so
    /// this may run on any thread.
    public static func parse(_ text: String, path: String, compilingJQ: Bool = true) throws -> RewindConfig {
        try parse(bytes: Array(text.utf8), path: path, compilingJQ: compilingJQ)
    }

    /// Parses the bytes of a `rewind.toml` (any bytes: text that is not UTF-8 or not TOML is a
    /// `ConfigError` with its line, never a crash); see `parse(_:path:compilingJQ:)`.
    public static func parse(bytes: [UInt8], path: String, compilingJQ: Bool = true) throws -> RewindConfig {
        let document = try TOMLDocument(bytes: bytes, file: path, syntaxFix: syntaxHint)
        var config = try ConfigParser(document: document, compilesJQ: compilingJQ).parse(document.root)
        config.path = path
        return config
    }
}

/// What to suggest for a TOML syntax error on `line` (1-based): the usual mistake is a jq
/// expression left unquoted.
private func syntaxHint(_ text: String, line: Int) -> String? {
    let jqHint = "quote every jq expression, preferably in single quotes so jq's own double quotes need no escaping: MoneyDeposited = '.balanceCents += $e.data.amountCents'"
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard line >= 1, line <= lines.count, let equals = lines[line - 1].firstIndex(of: "=") else {
        return "see docs/CONFIG.md for the format: sections are [aggregates.NAME], [upcasters.TYPE], [projections.NAME], [redact], [snapshots], [limits], [sagas.NAME], [source]; " + jqHint
    }
    let value = lines[line - 1][lines[line - 1].index(after: equals)...].drop { $0 == " " || $0 == "\t" }
    if let first = value.first, "\"'[{+-0123456789tfin".contains(first) == false {
        return jqHint
    }
    return "check the value's TOML syntax (strings are quoted, arrays are [\"a\", \"b\"]); " + jqHint
}

/// Turns a parsed TOML document into a `RewindConfig`, checking every section and key.
struct ConfigParser {
    let document: TOMLDocument
    /// False skips compiling jq expressions (see `RewindConfig.parse(_:path:compilingJQ:)`).
    var compilesJQ = true

    static let sections = ["aggregates", "upcasters", "projections", "redact", "snapshots", "limits", "sagas", "source"]
    static let sectionForms = "[aggregates.NAME], [upcasters.TYPE], [projections.NAME], [redact], [snapshots], [limits], [sagas.NAME], [source]"
    static let aggregateKeys = ["streams", "init", "on"]
    static let projectionKeys = ["from", "partition", "init", "on"]
    static let redactKeys = ["fields"]
    static let snapshotKeys = ["every", "maxReplayMillis"]

    func parse(_ root: TOMLNode.Table) throws(ConfigError) -> RewindConfig {
        var config = RewindConfig()
        let top = root.members
        for (section, value) in top {
            switch section {
            case "aggregates":
                let table = try requireTable(value, at: [section], fix: "write one table per aggregate: [aggregates.account]")
                for (name, body) in table.members {
                    config.aggregates.append(try aggregate(name, body))
                }
            case "upcasters":
                let table = try requireTable(value, at: [section], fix: "write one table per event type: [upcasters.UserRegistered]")
                for (type, body) in table.members {
                    config.upcasters.append(try upcaster(type, body))
                }
            case "projections":
                let table = try requireTable(value, at: [section], fix: "write one table per projection: [projections.balances]")
                for (name, body) in table.members {
                    config.projections.append(try projection(name, body))
                }
            case "sagas":
                let table = try requireTable(value, at: [section], fix: "write one table per saga: [sagas.fulfilment]")
                for (name, body) in table.members {
                    config.sagas.append(try saga(name, body))
                }
            case "redact":
                config.redaction = try redaction(value)
            case "snapshots":
                config.snapshots = try snapshots(value)
            case "limits":
                config.limits = try limits(value)
            case "source":
                config.source = try source(value)
            default:
                throw unknownKey(section, at: [], known: Self.sections, what: "", knownText: Self.sectionForms)
            }
        }
        return config
    }

    // MARK: Sections

    func aggregate(_ name: String, _ value: TOMLNode) throws(ConfigError) -> AggregateDefinition {
        let path = ["aggregates", name]
        let table = try requireTable(value, at: path, fix: "write [aggregates.\(TOMLKeyPath.part(name))] with streams = \"\(name)-*\" and an [aggregates.\(TOMLKeyPath.part(name)).on] table of handlers")
        var streams: String?
        var initExpression = "{}"
        var handlers = OrderedDictionary<String, String>()
        for (key, member) in table.members {
            switch key {
            case "streams":
                let glob = try requireString(member, at: path + [key], fix: "write a glob over stream names: streams = \"\(name)-*\"")
                guard !glob.isEmpty else {
                    throw error(.invalidValue, path + [key], "the glob is empty", fix: "write a glob over stream names: streams = \"\(name)-*\"")
                }
                streams = glob
            case "init":
                initExpression = try jqExpression(member, at: path + [key], role: .initial, example: "'{balanceCents: 0}'")
            case "on":
                handlers = try handlerTable(member, at: path + [key])
            default:
                throw unknownKey(key, at: path, known: Self.aggregateKeys, what: "an aggregate", knownText: "streams (required), init, on")
            }
        }
        guard let streams else {
            throw error(.missingKey, path, "the aggregate has no streams (the glob of the streams it folds)",
                        fix: "add streams = \"\(name)-*\" under [aggregates.\(TOMLKeyPath.part(name))]")
        }
        return AggregateDefinition(name: name, streams: streams, initExpression: initExpression, handlers: handlers)
    }

    func projection(_ name: String, _ value: TOMLNode) throws(ConfigError) -> ProjectionDefinition {
        let path = ["projections", name]
        let table = try requireTable(value, at: path, fix: "write [projections.\(TOMLKeyPath.part(name))] with from = \"all\" and an [projections.\(TOMLKeyPath.part(name)).on] table of handlers")
        // The same check `project run` makes, so a name `config check` accepts is one it runs.
        if let problem = ProjectionDefinition.problem(withName: name) {
            throw error(.invalidValue, path, problem, fix: "the name is also a file name (its checkpoint): use letters, digits, '-', '_' and '.', e.g. [projections.balances]")
        }
        var from: ProjectionSource?
        var partition: String?
        var initExpression = "null"
        var handlers = OrderedDictionary<String, String>()
        let fromFix = "write from = \"all\", from = \"category:account\" (streams named account-…) or from = \"stream:orders\""
        for (key, member) in table.members {
            switch key {
            case "from":
                let text = try requireString(member, at: path + [key], fix: fromFix)
                guard let source = ProjectionSource(text) else {
                    throw error(.invalidValue, path + [key], "'\(text)' is not a source", fix: fromFix)
                }
                if case .category(let category) = source, category.contains("-") {
                    throw error(.invalidValue, path + [key], "the category '\(category)' holds a '-', so no stream can be in it (a stream's category is the part of its name before the first '-')",
                                fix: "write from = \"category:\(category.prefix { $0 != "-" })\", or from = \"stream:\(category)\" for one stream")
                }
                from = source
            case "partition":
                partition = try jqExpression(member, at: path + [key], role: .partition, example: "'$e.stream'")
            case "init":
                initExpression = try jqExpression(member, at: path + [key], role: .initial, example: "'0'")
            case "on":
                handlers = try handlerTable(member, at: path + [key])
            default:
                throw unknownKey(key, at: path, known: Self.projectionKeys, what: "a projection", knownText: "from (required), partition, init, on")
            }
        }
        guard let from else {
            throw error(.missingKey, path, "the projection has no from (where it reads)", fix: "add under [projections.\(TOMLKeyPath.part(name))]: " + fromFix.dropFirst(6))
        }
        return ProjectionDefinition(name: name, from: from, partition: partition, initExpression: initExpression, handlers: handlers)
    }

    func upcaster(_ type: String, _ value: TOMLNode) throws(ConfigError) -> UpcasterDefinition {
        let path = ["upcasters", type]
        let stepFix = "key each step by the schema version it upgrades from: 1 = '. + {email: null}' turns version 1 data into version 2"
        let table = try requireTable(value, at: path, fix: "write [upcasters.\(TOMLKeyPath.part(type))] and under it " + stepFix)
        var steps: [UInt32: String] = [:]
        for (key, member) in table.members {
            guard !key.isEmpty, key.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let version = UInt32(key) else {
                throw error(.invalidValue, path + [key], "'\(key)' is not a schema version (a whole number)", fix: stepFix)
            }
            guard steps[version] == nil else {
                throw error(.invalidValue, path + [key], "schema version \(version) has two upcasters", fix: "keep one step per schema version (1 and 01 are the same)")
            }
            steps[version] = try jqExpression(member, at: path + [key], role: .upcaster, example: "'. + {email: null}'")
        }
        return UpcasterDefinition(eventType: type, steps: steps)
    }

    func redaction(_ value: TOMLNode) throws(ConfigError) -> RedactionRules {
        let path = ["redact"]
        let fix = "write [redact] and under it fields = [\"email\", \"ssn\"]"
        let table = try requireTable(value, at: path, fix: fix)
        var rules = RedactionRules()
        for (key, member) in table.members {
            guard key == "fields" else {
                throw unknownKey(key, at: path, known: Self.redactKeys, what: "[redact]", knownText: "fields")
            }
            guard let array = member.array else {
                throw error(.wrongType, path + [key], "expected an array of field names, found \(describe(member))", fix: "write fields = [\"email\", \"ssn\"]")
            }
            for element in array {
                guard let name = element.string, !name.isEmpty else {
                    throw error(.wrongType, path + [key], "every field name must be a non-empty string, found \(element.kind == .string ? "an empty string" : describe(element))", fix: "write fields = [\"email\", \"ssn\"]")
                }
                rules.fields.append(name)
            }
        }
        return rules
    }

    func snapshots(_ value: TOMLNode) throws(ConfigError) -> SnapshotPolicy {
        let path = ["snapshots"]
        let table = try requireTable(value, at: path, fix: "write [snapshots] and under it every = 1000")
        var policy = SnapshotPolicy()
        for (key, member) in table.members {
            switch key {
            case "every":
                guard let n = member.int, n >= 0 else {
                    throw error(member.kind == .integer ? .invalidValue : .wrongType, path + [key], "expected a whole number of events, 0 or more, found \(describe(member))",
                                fix: "write every = 1000 (a snapshot every 1000 events of a stream; 0 turns counting off)")
                }
                policy.everyEvents = n == 0 ? nil : n
            case "maxReplayMillis":
                let millis = member.double ?? member.int.map(Double.init)
                guard let millis, millis > 0, millis.isFinite else {
                    throw error(member.kind == .integer || member.kind == .float ? .invalidValue : .wrongType, path + [key],
                                "expected a positive number of milliseconds, found \(describe(member))", fix: "write maxReplayMillis = 50")
                }
                policy.maxReplayMillis = millis
            default:
                throw unknownKey(key, at: path, known: Self.snapshotKeys, what: "[snapshots]", knownText: "every, maxReplayMillis")
            }
        }
        return policy
    }

    // MARK: Values

    /// `[….on]`: event type → handler, in the order written.
    func handlerTable(_ value: TOMLNode, at path: [String]) throws(ConfigError) -> OrderedDictionary<String, String> {
        let table = try requireTable(value, at: path, fix: "write a table of handlers, one per event type: [\(TOMLKeyPath.display(path))] then MoneyDeposited = '.balanceCents += $e.data.amountCents'")
        var handlers = OrderedDictionary<String, String>()
        for (type, member) in table.members {
            guard !type.isEmpty else {
                throw error(.invalidValue, path + [type], "an event type cannot be empty", fix: "name the event type the handler is for, or \"$any\" for all others")
            }
            handlers[type] = try jqExpression(member, at: path + [type], role: .handler, example: "'.count += 1'")
        }
        return handlers
    }

    /// What a jq expression is for, which says what `.` and `$e` are in it.
    enum JQRole {
        case initial, handler, partition, upcaster

        var bindsEvent: Bool { self != .initial }

        var context: String {
            switch self {
            case .initial: return "its input is null and $e is not defined there"
            case .handler: return "`.` is the state, `$e` the event"
            case .partition: return "`$e` is the event; give a string or a number"
            case .upcaster: return "`.` is the event's data, `$e` the event"
            }
        }
    }

    /// A string holding a jq expression that compiles.
    func jqExpression(_ value: TOMLNode, at path: [String], role: JQRole, example: String) throws(ConfigError) -> String {
        let bindsEvent = role.bindsEvent
        let fix = "write a jq expression in quotes, e.g. \(TOMLKeyPath.part(path.last ?? "")) = \(example) (\(role.context))"
        let expression = try requireString(value, at: path, fix: fix)
        guard expression.contains(where: { !$0.isWhitespace }) else {
            throw error(.invalidValue, path, "the jq expression is empty", fix: fix)
        }
        guard compilesJQ else { return expression }
        do {
            // Kept for the handler sets built next on this thread, so nothing compiles twice.
            JQCompileCache.deposit(try JQProgram(expression, bindsEvent: bindsEvent))
        } catch {
            throw self.error(.jq, path, "jq cannot compile \(Self.quote(expression)): \(Self.jqMessage(error, expression: expression))", fix: fix)
        }
        return expression
    }

    func requireTable(_ value: TOMLNode, at path: [String], fix: String) throws(ConfigError) -> TOMLNode.Table {
        guard let table = value.table else {
            throw error(.wrongType, path, "expected a table, found \(describe(value))", fix: fix)
        }
        return table
    }

    func requireString(_ value: TOMLNode, at path: [String], fix: String) throws(ConfigError) -> String {
        guard let text = value.string else {
            throw error(.wrongType, path, "expected a string, found \(describe(value))", fix: fix)
        }
        return text
    }

    // MARK: Errors

    func error(_ kind: ConfigError.Kind, _ path: [String], _ problem: String, fix: String?) -> ConfigError {
        document.error(kind, path, problem, fix: fix)
    }

    func unknownKey(_ key: String, at parent: [String], known: [String], what: String, knownText: String) -> ConfigError {
        let problem = parent.isEmpty ? "unknown section '\(key)'" : "unknown key '\(key)' in \(what)"
        return document.unknownKey(key, at: parent, known: known, problem: problem, fix: "the known ones are: \(knownText)",
                                   suggestionFormat: { parent.isEmpty ? "[\($0)]" : $0 })
    }

    func describe(_ value: TOMLNode) -> String {
        switch value {
        case .string: return "a string"
        case .dateTime: return "a date"
        default: return value.described
        }
    }

    /// libjq's compile message, with its line numbers counted in the user's expression (the
    /// program libjq sees wraps it in one extra line) and without its "jq: 1 compile error"
    /// trailer.
    static func jqMessage(_ error: any Error, expression: String) -> String {
        let text = (error as? JQError)?.message ?? "\(error)"
        let expressionLines = max(1, expression.split(separator: "\n", omittingEmptySubsequences: false).count)
        var parts: [String] = []
        for part in text.split(separator: "; ") {
            let trimmed = part.trimmed()
            if trimmed.hasPrefix("jq: "), trimmed.hasSuffix("compile error") || trimmed.hasSuffix("compile errors") { continue }
            parts.append(relabelLine(trimmed, expressionLines: expressionLines))
        }
        let joined = parts.joined(separator: "; ")
        return joined.split(separator: "\n").map { $0.trimmed() }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// "… at <top-level>, line 3:" → "… at line 2 of the expression:".
    static func relabelLine(_ message: String, expressionLines: Int) -> String {
        let marker = "at <top-level>, line "
        guard let range = message.firstRange(of: marker) else { return message }
        let digits = message[range.upperBound...].prefix { $0.isNumber }
        guard let programLine = Int(digits) else { return message }
        let line = programLine - 1
        let place: String
        if line < 1 { place = "at the start of the expression" } else if line > expressionLines { place = "at the end of the expression" } else { place = expressionLines == 1 ? "in the expression" : "at line \(line) of the expression" }
        // libjq quotes the offending line after the colon; outside the user's lines that is
        // the wrapper's text, which would only confuse.
        let rest = message[message.index(range.upperBound, offsetBy: digits.count)...]
        let inside = line >= 1 && line <= expressionLines
        var head = String(message[..<range.lowerBound])
        if line > expressionLines {
            // The line after the user's holds only the wrapper's closing parenthesis.
            head = head.replacing("unexpected ')'", with: "unexpected end")
        }
        return head + place + (inside ? String(rest) : "")
    }

    static func quote(_ expression: String) -> String {
        let oneLine = expression.split(whereSeparator: { $0.isNewline }).map { $0.trimmed() }.joined(separator: " ")
        return oneLine.count > 60 ? "'\(oneLine.prefix(57))…'" : "'\(oneLine)'"
    }
}
