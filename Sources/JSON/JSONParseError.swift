/// Why and where a JSON text was refused.
///
/// `offset` is the byte offset of the offending byte (or the input's length when the input ended
/// too early). `line` and `column` are 1-based and locate the same byte the way an editor does:
/// lines are separated by "\n", and the column counts Unicode scalars (not bytes) from the start
/// of the line.
public struct JSONParseError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What was wrong, independent of where.
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        case emptyInput
        case unexpectedEndOfInput
        case expectedValue
        case expectedKey
        case expectedColon
        case expectedCommaOrObjectEnd
        case expectedCommaOrArrayEnd
        case invalidLiteral
        case trailingData
        case tooDeep(limit: Int)
        case unterminatedString
        case unescapedControlCharacter(UInt8)
        case invalidEscape
        case invalidUnicodeEscape
        case invalidUTF8
        case leadingZero
        case expectedDigit
        case expectedFractionDigit
        case expectedExponentDigit

        public var description: String {
            switch self {
            case .emptyInput: return "the input is empty; expected a JSON value"
            case .unexpectedEndOfInput: return "unexpected end of input"
            case .expectedValue: return "expected a value (object, array, string, number, true, false or null)"
            case .expectedKey: return "expected a string key in double quotes"
            case .expectedColon: return "expected ':' after an object key"
            case .expectedCommaOrObjectEnd: return "expected ',' or '}' after an object value"
            case .expectedCommaOrArrayEnd: return "expected ',' or ']' after an array element"
            case .invalidLiteral: return "invalid literal; expected true, false or null"
            case .trailingData: return "unexpected data after the JSON value"
            case .tooDeep(let limit): return "objects and arrays are nested deeper than \(limit) levels"
            case .unterminatedString: return "unterminated string; expected a closing '\"'"
            case .unescapedControlCharacter(let byte):
                return "control character \(Self.hex(byte)) must be escaped in a string"
            case .invalidEscape:
                return "invalid escape; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX"
            case .invalidUnicodeEscape: return "expected four hex digits after \\u"
            case .invalidUTF8: return "invalid UTF-8 in a string"
            case .leadingZero: return "numbers must not have leading zeros"
            case .expectedDigit: return "expected a digit after '-'"
            case .expectedFractionDigit: return "expected a digit after the decimal point"
            case .expectedExponentDigit: return "expected a digit in the exponent"
            }
        }

        private static func hex(_ byte: UInt8) -> String {
            let digits: [Character] = Array("0123456789ABCDEF")
            return "U+00" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
        }
    }

    /// Byte offset of the offending byte in the input.
    public let offset: Int
    /// 1-based line of the offending byte.
    public let line: Int
    /// 1-based column of the offending byte, counted in Unicode scalars.
    public let column: Int
    /// What was wrong.
    public let reason: Reason

    public init(offset: Int, line: Int, column: Int, reason: Reason) {
        self.offset = offset
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// Locates `offset` in `bytes` and builds the error; only runs when parsing has failed.
    init(reason: Reason, offset: Int, in bytes: UnsafeRawBufferPointer) {
        var line = 1
        var column = 1
        for index in 0..<min(offset, bytes.count) {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        self.init(offset: offset, line: line, column: column, reason: reason)
    }

    public var description: String {
        "invalid JSON at line \(line), column \(column): \(reason)"
    }
}
