/// The marker file that makes a directory a Rewind log: `{"format":1,"segmentBytes":N}`.
struct LogMarker: Equatable {
    var format: Int
    var segmentBytes: Int

    func encoded() -> [UInt8] {
        Array("{\"format\":\(format),\"segmentBytes\":\(segmentBytes)}\n".utf8)
    }

    /// Reads the two numbers back; tolerant of whitespace and key order, strict about values.
    static func decode(_ bytes: [UInt8]) -> LogMarker? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let format = number(after: "\"format\"", in: text),
              let segmentBytes = number(after: "\"segmentBytes\"", in: text) else { return nil }
        return LogMarker(format: format, segmentBytes: segmentBytes)
    }

    private static func number(after key: String, in text: String) -> Int? {
        guard let k = text.range(of: key) else { return nil }
        var rest = text[k.upperBound...].drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" })
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" })
        return Int(rest.prefix(while: { $0.isNumber }))
    }
}
