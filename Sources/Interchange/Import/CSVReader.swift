import Platform

/// Reads CSV (RFC 4180, as Postgres' `COPY … WITH CSV` writes it) record by record, in large
/// chunks: fields separated by commas, records by newlines (LF or CRLF); a field in double
/// quotes may hold commas, newlines and doubled quotes (`""` is one quote).
///
/// Postgres writes NULL as an empty unquoted field and the empty string as `""`: fields are
/// nil and "" respectively. A malformed record (a quote in an unquoted field, text after a
/// closing quote, a quoted field that never ends) is reported with the line it starts on, and
/// reading goes on with the next record. Not thread-safe.
struct CSVReader {
    /// One record: its fields, or why it is malformed; the line it starts on.
    struct Record {
        var fields: Result<[String?], FieldProblem>
        var line: Int
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    private let handle: SystemFile
    private let chunkSize: Int

    init(handle: SystemFile, chunkSize: Int = 1 << 20) {
        self.handle = handle
        self.chunkSize = chunkSize
    }

    /// Calls `body` with every record that is not a blank line, and the bytes read so far.
    func forEachRecord(_ body: (Record, Int) throws -> Void) throws {
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var offset = 0
        var state = State.fieldStart
        var field: [UInt8] = []
        var fields: [String?] = []
        var quotedField = false
        var problem: String?
        var line = 1
        var recordLine = 1
        var recordHasBytes = false

        func endField() {
            if !quotedField && field.last == 13 { field.removeLast() }  // the CR of a CRLF
            fields.append(field.isEmpty && !quotedField ? nil : String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            quotedField = false
        }
        func endRecord(_ bytesRead: Int) throws {
            endField()
            defer {
                fields.removeAll(keepingCapacity: true)
                problem = nil
                recordHasBytes = false
            }
            // A blank line (or a lone CR) is no record.
            if fields.count == 1 && fields[0] == nil && problem == nil { return }
            let result: Result<[String?], FieldProblem> = problem.map { .failure(FieldProblem($0)) } ?? .success(fields)
            try body(Record(fields: result, line: recordLine), bytesRead)
        }

        while true {
            let got = try buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return try handle.read(into: base, count: raw.count, at: offset)
            }
            if got == 0 { break }
            for i in 0..<got {
                let byte = buffer[i]
                if !recordHasBytes {
                    recordHasBytes = true
                    recordLine = line
                }
                switch state {
                case .fieldStart, .unquoted:
                    switch byte {
                    case UInt8(ascii: "\""):
                        if state == .fieldStart {
                            state = .quoted
                            quotedField = true
                        } else {
                            if problem == nil { problem = "a double quote inside an unquoted field (quote the whole field and double the quote: \"a\"\"b\")" }
                            field.append(byte)
                        }
                    case UInt8(ascii: ","):
                        endField()
                        state = .fieldStart
                    case 10:
                        try endRecord(offset + i + 1)
                        line += 1
                        state = .fieldStart
                    default:
                        field.append(byte)
                        state = .unquoted
                    }
                case .quoted:
                    if byte == UInt8(ascii: "\"") {
                        state = .quoteInQuoted
                    } else {
                        if byte == 10 { line += 1 }
                        field.append(byte)
                    }
                case .quoteInQuoted:
                    switch byte {
                    case UInt8(ascii: "\""):
                        field.append(byte)
                        state = .quoted
                    case UInt8(ascii: ","):
                        endField()
                        state = .fieldStart
                    case 10:
                        try endRecord(offset + i + 1)
                        line += 1
                        state = .fieldStart
                    case 13:
                        break  // CRLF after a closing quote
                    default:
                        if problem == nil { problem = "text after the closing quote of a field (a quote inside a quoted field must be doubled: \"\")" }
                        field.append(byte)
                        state = .unquoted
                    }
                }
            }
            offset += got
        }
        if state == .quoted {
            problem = "a quoted field that starts in this record never ends (a closing double quote is missing)"
        }
        if recordHasBytes { try endRecord(offset) }
    }
}
