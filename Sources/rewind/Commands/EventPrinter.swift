import ArgumentParser
import EventLog
import Replay
import Interchange
import JSON
import SafeText

/// How `read`, `tail` and `export` print events: JSON Lines (the generic shape with position)
/// or a human table whose text from events is sanitized and trimmed to the terminal.
///
/// With a rewriter (`--upcast`, `--redact`), events are shown upcasted and redacted.
struct EventPrinter {
    var json: Bool
    var width: Int? = Output.terminalWidth
    /// Applies `--upcast` and `--redact`; nil shows the stored bytes.
    var rewriter: EventRewriter?
    private var headerPrinted = false
    /// The line buffer of `--json`, kept from one event to the next.
    private var writer = JSONObjectWriter()

    init(json: Bool, rewriter: EventRewriter? = nil) {
        self.json = json
        self.rewriter = rewriter.flatMap { $0.isIdentity ? nil : $0 }
    }

    /// Prints the event as stored (a printer without a rewriter cannot fail).
    mutating func print(_ e: EventView) {
        if json {
            GenericEventLine.encode(e, into: &writer) { Output.standard.line(bytes: $0) }
        } else {
            printRow(e, data: nil, schemaVersion: e.schemaVersion)
        }
    }

    /// Prints the event through the rewriter, if any.
    /// - Throws: `UpcastError` or `EventRewriteError` when the event cannot be rewritten.
    mutating func write(_ e: EventView) throws {
        guard let rewriter else { return print(e) }
        if json {
            Output.standard.line(bytes: try rewriter.encodeLine(e))
        } else {
            let rewritten = try rewriter.data(of: e)
            printRow(e, data: rewritten?.data, schemaVersion: rewritten?.schemaVersion ?? e.schemaVersion)
        }
    }

    private mutating func printRow(_ e: EventView, data rewrittenData: [UInt8]?, schemaVersion: UInt32) {
        if !headerPrinted {
            headerPrinted = true
            Output.standard.line(pad("POSITION", 9) + pad("STREAM", 24) + pad("VERSION", 8) + pad("TYPE", 24) + pad("TIME", 25) + "DATA")
        }
        let time = RFC3339.format(microsecondsSinceEpoch: e.originalMicros, fractionDigits: 3)
        var row = pad(String(e.position), 9) + pad(SafeText.preview(e.stream, columns: 23), 24)
            + pad(String(e.version), 8) + pad(SafeText.preview(e.type, columns: 23), 24) + pad(time, 25)
        let data: String
        if let rewrittenData {
            // Upcasted data says which schema version it now has; redacted data is JSON.
            let upgraded = schemaVersion != e.schemaVersion ? "v\(schemaVersion) " : ""
            data = upgraded + String(decoding: rewrittenData, as: UTF8.self)
        } else {
            data = e.contentType == .binary ? "<\(e.data.count) bytes binary>" : String(decoding: e.data, as: UTF8.self)
        }
        let room = width.map { max(8, $0 - row.count) } ?? Int.max
        row += SafeText.preview(data, columns: room)
        Output.standard.line(row)
    }

    private func pad(_ s: String, _ n: Int) -> String { s.columnPadded(n) }
}

/// `--redact`, `--upcast` and `--config`, shared by the commands that print events.
struct RewriteOptions: ParsableArguments {
    @Flag(name: .long, help: "Hide the fields listed under [redact] in rewind.toml (any depth, data and metadata).")
    var redact = false
    @Flag(name: .long, help: "Show data upgraded by the [upcasters] of rewind.toml, with its new schemaVersion (default: the stored bytes).")
    var upcast = false
    @Option(name: .long, help: ArgumentHelp("The rewind.toml to use with --redact and --upcast (default: LOG/rewind.toml).", valueName: "file"))
    var config: String?

    /// The rewriter the flags ask for, or nil when they ask for none.
    /// - Throws: `ConfigError` for a bad rewind.toml; `CLIError` when `--redact` has no fields.
    func rewriter(forLog log: String) throws -> EventRewriter? {
        guard redact || upcast else { return nil }
        let config = try RewindConfig.load(forLog: log, configPath: self.config)
        let file = config.path ?? RewindConfig.defaultPath(forLog: log)
        var redactor: Redactor?
        if redact {
            guard !config.redaction.fields.isEmpty else {
                let situation = config.path == nil ? "there is no \(file)" : "\(file) lists none"
                throw CLIError("--redact needs the names of the fields to hide, and \(situation); add to \(file):\n[redact]\nfields = [\"email\", \"ssn\"]")
            }
            redactor = Redactor(config.redaction)
        }
        var upcaster: Upcaster?
        if upcast {
            if config.upcasters.isEmpty {
                Console.note("--upcast: \(config.path == nil ? "there is no \(file)" : "\(file) has no [upcasters]"), so the stored data is shown")
            }
            upcaster = try Upcaster(config.upcasters, limits: config.limits)
        }
        return EventRewriter(redactor: redactor, upcaster: upcaster)
    }
}
