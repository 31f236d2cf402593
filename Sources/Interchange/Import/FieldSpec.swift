import JSON
/// Where an event's stream, type, id, data, version or time comes from in a source record:
/// `key`, `header:NAME`, `field:PATH` (dot-separated), `column:NAME`, Kafka's `topic`,
/// `partition` and `offset`, a constant `const:TEXT`, or a template joining them, e.g.
/// `{column:aggregatetype}-{column:aggregateid}` or `{topic}-{partition}`.
///
/// Which forms apply depends on the format (a Kafka key exists only for kcat); each source
/// says which it accepts with `check(allowed:option:)`. A constant fits every format: it is
/// how a topic without a type header gets one type (`--type-from const:OrderPlaced`).
public struct FieldSpec: Sendable, Equatable, CustomStringConvertible {
    public enum Part: Sendable, Equatable {
        case literal(String)
        /// The Kafka message key.
        case key
        case header(String)
        case field([String])
        case column(String)
        /// `const:TEXT`: the same text for every record.
        case constant(String)
        /// The Kafka topic, partition and offset of the message.
        case topic, partition, offset

        var kind: Kind? {
            switch self {
            case .literal, .constant: return nil
            case .topic: return .topic
            case .partition: return .partition
            case .offset: return .offset
            case .key: return .key
            case .header: return .header
            case .field: return .field
            case .column: return .column
            }
        }
    }

    public enum Kind: String, Sendable, CaseIterable {
        case key, header, field, column, topic, partition, offset

        var syntax: String {
            switch self {
            case .topic: return "{topic}"
            case .partition: return "{partition}"
            case .offset: return "{offset}"
            case .key: return "key"
            case .header: return "header:NAME"
            case .field: return "field:PATH"
            case .column: return "column:NAME"
            }
        }
    }

    public var parts: [Part]
    public let text: String

    public var description: String { text }

    /// The single placeholder of a plain spec (not a template), or nil.
    public var single: Part? { parts.count == 1 ? parts[0] : nil }

    /// The same text for every record (`const:TEXT`, alone or with literal text around it).
    public var isConstant: Bool {
        parts.allSatisfy { $0.kind == nil } && parts.contains { if case .constant = $0 { return true } else { return false } }
    }

    /// Parses the text of an option; the error says what forms exist.
    public init(_ text: String) throws(ImportUsageError) {
        self.text = text
        if text.contains("{") {
            var parts: [Part] = []
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "{") {
                if open > rest.startIndex { parts.append(.literal(String(rest[..<open]))) }
                guard let close = rest[open...].firstIndex(of: "}") else {
                    throw Self.usage(text, "a '{' has no matching '}'")
                }
                parts.append(try Self.placeholder(String(rest[rest.index(after: open)..<close]), in: text))
                rest = rest[rest.index(after: close)...]
            }
            if !rest.isEmpty { parts.append(.literal(String(rest))) }
            self.parts = parts
        } else {
            parts = [try Self.placeholder(text, in: text)]
        }
    }

    private static func placeholder(_ p: String, in text: String) throws(ImportUsageError) -> Part {
        switch p {
        case "key": return .key
        case "topic": return .topic
        case "partition": return .partition
        case "offset": return .offset
        default: break
        }
        guard let colon = p.firstIndex(of: ":") else { throw usage(text, "'\(p)' is not a known source") }
        let name = String(p[p.index(after: colon)...])
        guard !name.isEmpty else { throw usage(text, "'\(p)' names nothing after the colon") }
        switch p[..<colon] {
        case "header": return .header(name)
        case "column": return .column(name)
        case "const": return .constant(name)
        case "field":
            let path = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !path.contains(where: \.isEmpty) else { throw usage(text, "the path '\(name)' has an empty step") }
            return .field(path)
        default: throw usage(text, "'\(p[..<colon])' is not a known source")
        }
    }

    private static func usage(_ text: String, _ what: String) -> ImportUsageError {
        ImportUsageError("'\(text)': \(what); write key, header:NAME, field:PATH, column:NAME, topic, partition, offset, const:TEXT, or a template like '{column:aggregatetype}-{column:aggregateid}'")
    }

    /// Refuses the forms a format does not have, naming the option and the forms it does.
    public func check(allowed: [Kind], option: String, format: String) throws(ImportUsageError) {
        if allowed.isEmpty { throw ImportUsageError("\(option) does not apply to --format \(format)") }
        for part in parts {
            guard let kind = part.kind else { continue }
            if !allowed.contains(kind) {
                let forms = allowed.map(\.syntax).joined(separator: ", ")
                throw ImportUsageError(forms.isEmpty
                    ? "\(option) does not apply to --format \(format)"
                    : "\(option) \(text): --format \(format) has no \(kind.syntax); use \(forms)")
            }
        }
        if !parts.contains(where: { $0.kind != nil }) && !isConstant {
            throw ImportUsageError("\(option) \(text): a template needs at least one {…} placeholder")
        }
    }

    /// Resolves every placeholder with `lookup` and joins the text. A missing placeholder or
    /// one that is not a string, number or boolean gives an error naming it.
    public func text(_ lookup: (Part) -> JSONValue?) -> Result<String, FieldProblem> {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let s), .constant(let s):
                out += s
                continue
            default: break
            }
            guard let value = lookup(part), !value.isNull else { return .failure(FieldProblem("\(Self.describe(part)) is missing")) }
            guard let s = Self.scalarText(value) else {
                return .failure(FieldProblem("\(Self.describe(part)) is \(value.kindName == "object" || value.kindName == "array" ? "an \(value.kindName)" : "a \(value.kindName)"), not text"))
            }
            out += s
        }
        return .success(out)
    }

    /// The text of a string, number or boolean value.
    static func scalarText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let s): return s
        case .integer(let n): return String(n)
        case .double, .bool: return value.serialized()
        default: return nil
        }
    }

    /// How messages name a placeholder: "header 'type'", "column 'stream_id'", "field 'a.b'".
    public static func describe(_ part: Part) -> String {
        switch part {
        case .literal(let s), .constant(let s): return "'\(s)'"
        case .key: return "the message key"
        case .topic: return "the topic"
        case .partition: return "the partition"
        case .offset: return "the offset"
        case .header(let h): return "header '\(h)'"
        case .field(let p): return "field '\(p.joined(separator: "."))'"
        case .column(let c): return "column '\(c)'"
        }
    }
}

extension JSONValue {
    /// The value at a dot-separated path of object members (array indexes are numbers).
    public func value(at path: [String]) -> JSONValue? {
        var current = self
        for step in path {
            if let member = current[step] {
                current = member
            } else if let i = Int(step), let element = current[i] {
                current = element
            } else {
                return nil
            }
        }
        return current
    }
}

/// Why a `FieldSpec` found nothing usable in a record.
public struct FieldProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
