import EventLog
import Replay

/// How `read`, `tail` and `export` print events: JSON Lines (the generic shape with position)
/// or a human table whose text from events is sanitized and trimmed to the terminal.
struct EventPrinter {
    var json: Bool
    var width: Int? = Output.terminalWidth
    private var headerPrinted = false

    init(json: Bool) {
        self.json = json
    }

    mutating func print(_ e: EventView) {
        if json {
            Output.standard.line(bytes: GenericEventLine.encode(e))
            return
        }
        if !headerPrinted {
            headerPrinted = true
            Output.standard.line(pad("POSITION", 9) + pad("STREAM", 24) + pad("VERSION", 8) + pad("TYPE", 24) + pad("TIME", 25) + "DATA")
        }
        let time = RFC3339.format(microsecondsSinceEpoch: e.originalMicros, fractionDigits: 3)
        var row = pad(String(e.position), 9) + pad(TextSanitizer.preview(e.stream, width: 23), 24)
            + pad(String(e.version), 8) + pad(TextSanitizer.preview(e.type, width: 23), 24) + pad(time, 25)
        let data = e.contentType == .binary ? "<\(e.data.count) bytes binary>" : String(decoding: e.data, as: UTF8.self)
        let room = width.map { max(8, $0 - row.count) } ?? Int.max
        row += TextSanitizer.preview(data, width: room)
        Output.standard.line(row)
    }

    private func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
    }
}
