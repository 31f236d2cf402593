/// A mistake in how an import was asked for (an unknown format, an option the format does not
/// have): the command line reports it as a usage error.
public struct ImportUsageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The input formats `rewind import --format` reads.
public enum ImportFormat: String, Sendable, CaseIterable {
    /// Rewind's generic JSON Lines (what `rewind export` writes).
    case jsonl
    /// KurrentDB / EventStoreDB: AtomPub feeds (`?embed=body`) or gRPC clients' events as JSON Lines.
    case kurrent
    /// `kcat -J` envelopes, one Kafka message a line.
    case kcat
    /// Marten's `mt_events` table as CSV with a header (`COPY … TO STDOUT WITH CSV HEADER`).
    case marten
    /// Debezium change events of an events table or an outbox table, one a line.
    case debezium

    public static let names = allCases.map(\.rawValue).joined(separator: "|")

    /// Which `FieldSpec` forms this format's `--…-from` options take.
    public var allowedSpecs: [FieldSpec.Kind] {
        switch self {
        case .jsonl: return []
        case .kurrent: return [.field]
        case .kcat: return [.key, .header, .field, .topic, .partition, .offset]
        case .marten, .debezium: return [.column, .field]
        }
    }

    /// Refuses options this format has no use for (before anything is read).
    public func check(_ options: ImportOptions) throws(ImportUsageError) {
        try options.check(format: self, allowed: allowedSpecs)
    }

    /// Opens a reader of this format over the file at `path`.
    public func source(path: String, options: ImportOptions) throws -> any EventSource {
        switch self {
        case .jsonl: return try GenericLinesSource(path: path, options: options)
        case .kurrent: return try KurrentSource(path: path, options: options)
        case .kcat: return try KcatSource(path: path, options: options)
        case .marten: return try MartenSource(path: path, options: options)
        case .debezium: return try DebeziumSource(path: path, options: options)
        }
    }
}

/// Where an import takes each field of Rewind's event from, when not from the format's
/// default place, and how it renames event types.
public struct ImportOptions: Sendable {
    public var stream: FieldSpec?
    public var type: FieldSpec?
    public var id: FieldSpec?
    public var data: FieldSpec?
    public var version: FieldSpec?
    public var time: FieldSpec?
    /// The columns that identify a row of an ordinary table (`--key-columns a,b`, debezium):
    /// each row's changes become the events of stream `TABLE-KEY`.
    public var keyColumns: [String] = []
    public var typeMapping = TypeMapping()
    /// How a JSON-based input's records are laid out (`--framing`).
    public var framing = InputFraming.auto

    public init() {}

    /// Refuses the options a format has no use for, before anything is read.
    func check(format: ImportFormat, allowed: [FieldSpec.Kind]) throws(ImportUsageError) {
        let given: [(String, FieldSpec?)] = [
            ("--stream-from", stream), ("--type-from", type), ("--id-from", id),
            ("--data-from", data), ("--version-from", version), ("--time-from", time),
        ]
        if format == .marten && framing != .auto {
            throw ImportUsageError("--framing is for JSON inputs; --format marten reads CSV")
        }
        for case let (option, spec?) in given {
            try spec.check(allowed: allowed, option: option, format: format.rawValue)
        }
        // One id, version or data for every record is never what anyone means: the second
        // event would pass as "already present", or claim the version of the first.
        for case let (option, spec?) in given.dropFirst(2).prefix(3) where spec.isConstant {
            throw ImportUsageError("\(option) \(spec): a constant gives every event the same value; name a place that differs per record")
        }
        if !keyColumns.isEmpty && format != .debezium {
            throw ImportUsageError("--key-columns applies to --format debezium only (the columns that identify a row of a table)")
        }
    }

    /// Parses `--key-columns a,b`: column names separated by commas, none empty.
    public mutating func setKeyColumns(_ text: String) throws(ImportUsageError) {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed()) }
        guard !names.contains(where: \.isEmpty) else {
            throw ImportUsageError("--key-columns \(text): write column names separated by commas, e.g. --key-columns order_id,line_no")
        }
        keyColumns = names
    }
}

/// Renames event types on the way in: explicit renames first, then an optional change of case
/// (Marten stores `money_deposited` for `MoneyDeposited`).
public struct TypeMapping: Sendable, Equatable {
    public enum Case: String, Sendable, CaseIterable {
        /// Types as the source has them.
        case keep
        /// snake_case and kebab-case names become PascalCase: money_deposited → MoneyDeposited.
        case pascal
    }

    public var renames: [String: String] = [:]
    public var letterCase: Case = .keep

    public init(renames: [String: String] = [:], letterCase: Case = .keep) {
        self.renames = renames
        self.letterCase = letterCase
    }

    /// Parses a `FROM=TO` rename.
    public mutating func addRename(_ text: String) throws(ImportUsageError) {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw ImportUsageError("--rename-type \(text): write FROM=TO, e.g. --rename-type money_deposited=MoneyDeposited")
        }
        renames[String(parts[0])] = String(parts[1])
    }

    public var isIdentity: Bool { renames.isEmpty && letterCase == .keep }

    public func map(_ type: String) -> String {
        if let renamed = renames[type] { return renamed }
        switch letterCase {
        case .keep: return type
        case .pascal: return Self.pascal(type)
        }
    }

    /// money_deposited → MoneyDeposited; already-Pascal names are left alone.
    static func pascal(_ type: String) -> String {
        var out = ""
        var upperNext = true
        for ch in type {
            if ch == "_" || ch == "-" || ch == " " {
                upperNext = true
                continue
            }
            out += upperNext ? ch.uppercased() : String(ch)
            upperNext = false
        }
        return out.isEmpty ? type : out
    }
}
