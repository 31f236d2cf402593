extension JSONValue {
    /// The value as JSON text; see `serializedBytes(pretty:sortedKeys:)`.
    public func serialized(pretty: Bool = false, sortedKeys: Bool = false) -> String {
        String(decoding: serializedBytes(pretty: pretty, sortedKeys: sortedKeys), as: UTF8.self)
    }

    /// The value as UTF-8 JSON text that `parse` reads back to an equal value.
    ///
    /// - Parameters:
    ///   - pretty: false gives the compact form with no spaces (`{"a":1,"b":[1,2]}`); true puts each
    ///     member and element on its own line, indented by two spaces, with `"key": value`. Empty
    ///     containers are `{}` and `[]` in both forms. No trailing newline.
    ///   - sortedKeys: orders object members by the code points of their keys instead of their
    ///     stored order.
    /// Strings escape `"`, `\`, every control character, U+007F, C1 controls, bidi and zero-width
    /// formatting characters (see `isTerminalHazard`) and U+2028/U+2029 (which break
    /// JavaScript and some terminals). Integers print exactly. Doubles print in the shortest form
    /// that reads back to the same double; integral ones within ±2^53 print without ".0" (jq
    /// style), negative zero prints as `-0` (which parses back to `.double(-0.0)`, so it is
    /// stable), and NaN and infinities, which JSON cannot express, print as `null`.
    /// Recurses once per nesting level; parsed values are at most `maximumParseDepth` deep.
    public func serializedBytes(pretty: Bool = false, sortedKeys: Bool = false) -> [UInt8] {
        var printer = JSONPrinter(pretty: pretty, sortedKeys: sortedKeys)
        printer.write(self, indent: 0)
        return printer.output
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text, with keys in stored order.
    public var description: String { serialized() }
}

/// Appends JSON text to a byte buffer.
struct JSONPrinter {
    let pretty: Bool
    let sortedKeys: Bool
    private(set) var output: [UInt8] = []

    init(pretty: Bool, sortedKeys: Bool) {
        self.pretty = pretty
        self.sortedKeys = sortedKeys
        output.reserveCapacity(256)
    }

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null:
            append("null")
        case .bool(let flag):
            append(flag ? "true" : "false")
        case .integer(let number):
            writeInteger(number)
        case .double(let number):
            writeDouble(number)
        case .string(let text):
            writeString(text)
        case .array(let elements):
            guard !elements.isEmpty else { return append("[]") }
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent: indent + 1)
                write(element, indent: indent + 1)
            }
            newline(indent: indent)
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            guard !members.isEmpty else { return append("{}") }
            output.append(UInt8(ascii: "{"))
            // Plain arrays let the loop borrow keys and values instead of copying each one.
            let keys = members.storage.keys.elements
            let values = members.storage.values.elements
            if sortedKeys {
                let order = keys.indices.sorted { keys[$0] < keys[$1] }
                for (position, index) in order.enumerated() {
                    writeMember(keys[index], values[index], first: position == 0, indent: indent)
                }
            } else {
                for index in keys.indices {
                    writeMember(keys[index], values[index], first: index == 0, indent: indent)
                }
            }
            newline(indent: indent)
            output.append(UInt8(ascii: "}"))
        }
    }

    private mutating func writeMember(_ key: JSONKey, _ value: JSONValue, first: Bool, indent: Int) {
        if !first { output.append(UInt8(ascii: ",")) }
        newline(indent: indent + 1)
        writeString(key.string)
        output.append(UInt8(ascii: ":"))
        if pretty { output.append(UInt8(ascii: " ")) }
        write(value, indent: indent + 1)
    }

    @inline(__always)
    private mutating func newline(indent: Int) {
        guard pretty else { return }
        output.append(UInt8(ascii: "\n"))
        for _ in 0..<indent * 2 { output.append(UInt8(ascii: " ")) }
    }

    mutating func append(_ literal: StaticString) {
        output.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Appends bytes that are already JSON text in the printer's form.
    mutating func append(raw bytes: [UInt8]) {
        output.append(contentsOf: bytes)
    }

    /// Empties the output, keeping its storage.
    mutating func clear() {
        output.removeAll(keepingCapacity: true)
    }

    // MARK: Numbers

    mutating func writeInteger(_ number: Int64) {
        // Work on the magnitude as UInt64 so Int64.min needs no special case.
        var magnitude = number.magnitude
        if number < 0 { output.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes; Int64 needs at most 19 digits
        withUnsafeMutableBytes(of: &digits) { buffer in
            var start = buffer.count
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude != 0
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start...]))
        }
    }

    mutating func writeDouble(_ number: Double) {
        guard number.isFinite else { return append("null") }
        if number == number.rounded(.towardZero), number.magnitude <= 9_007_199_254_740_992 {
            if number == 0, number.sign == .minus { return append("-0") }
            return writeInteger(Int64(number))
        }
        // The standard library's shortest round-trip form: "0.1", "1e-07", "1.5e+300" are JSON.
        output.append(contentsOf: number.description.utf8)
    }

    // MARK: Strings

    /// Writes `text` quoted, copying runs that need no escaping in one go.
    mutating func writeString(_ text: String) {
        let written: Void? = text.utf8.withContiguousStorageIfAvailable { writeQuoted($0) }
        if written == nil {
            // Only strings bridged from elsewhere lack contiguous UTF-8; make a copy that has it.
            var native = text
            native.withUTF8 { writeQuoted($0) }
        }
    }

    private mutating func writeQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        output.append(UInt8(ascii: "\""))
        defer { output.append(UInt8(ascii: "\"")) }
        guard let base = bytes.baseAddress else { return }
        var runStart = 0
        var index = 0
        while index < bytes.count {
            // Skip 8 bytes at a time to the next byte that might need escaping.
            while index + 8 <= bytes.count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                let candidates = Self.escapeCandidates(word)
                if candidates != 0 {
                    index += candidates.trailingZeroBitCount >> 3
                    break
                }
                index += 8
            }
            guard index < bytes.count else { break }
            let byte = bytes[index]
            let width: Int
            var scalar: UInt16?
            if byte >= 0x20, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\"), byte != 0x7F {
                // A multi-byte character a terminal could act on (see `Self.isTerminalHazard`).
                guard let (value, length) = Self.decodeBMP(bytes, at: index), Self.isTerminalHazard(value) else {
                    index += 1
                    continue
                }
                scalar = value
                width = length
            } else {
                width = 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            if let scalar { writeUnicodeEscape(scalar) } else { writeEscape(for: bytes, at: index) }
            index += width
            runStart = index
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
    }

    /// Characters escaped although JSON allows them raw, because a terminal may act on them when
    /// the output is shown: C1 controls (U+0080–U+009F; some terminals read U+009B as CSI),
    /// zero-width and bidirectional formatting characters (U+200B–U+200F, U+202A–U+202E,
    /// U+2060–U+2069, U+061C), line/paragraph separators (U+2028/U+2029, which also break
    /// JavaScript), the BOM (U+FEFF) and interlinear annotations (U+FFF9–U+FFFB).
    static func isTerminalHazard(_ v: UInt16) -> Bool {
        switch v {
        case 0x80...0x9F, 0x061C, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2069, 0xFEFF, 0xFFF9...0xFFFB: return true
        default: return false
        }
    }

    /// Decodes a 2- or 3-byte UTF-8 sequence (the only lengths `isTerminalHazard` can match).
    @inline(__always)
    static func decodeBMP(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt16, Int)? {
        let b0 = bytes[i]
        if b0 & 0xE0 == 0xC0, i + 1 < bytes.count {
            return (UInt16(b0 & 0x1F) << 6 | UInt16(bytes[i + 1] & 0x3F), 2)
        }
        if b0 & 0xF0 == 0xE0, i + 2 < bytes.count {
            return (UInt16(b0 & 0x0F) << 12 | UInt16(bytes[i + 1] & 0x3F) << 6 | UInt16(bytes[i + 2] & 0x3F), 3)
        }
        return nil
    }

    /// Marks (bit 7 of each byte) every byte of `word` that may need escaping: controls, `"`,
    /// `\`, DEL, and the lead bytes 0xC2, 0xD8, 0xE2 and 0xEF of `isTerminalHazard` characters.
    ///
    /// Exact about the lowest marked byte, which is all the caller uses: a false mark can only
    /// sit above a true one.
    @inline(__always)
    private static func escapeCandidates(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        func zeroBytes(_ value: UInt64) -> UInt64 { (value &- ones) & ~value }
        let controls = (word &- ones &* 0x20) & ~word
        let specials = zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C))
            | zeroBytes(word ^ (ones &* 0x7F)) | zeroBytes(word ^ (ones &* 0xE2))
            | zeroBytes(word ^ (ones &* 0xC2)) | zeroBytes(word ^ (ones &* 0xD8)) | zeroBytes(word ^ (ones &* 0xEF))
        return (controls | specials) & (ones &* 0x80)
    }

    private mutating func writeEscape(for bytes: UnsafeBufferPointer<UInt8>, at index: Int) {
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "\""): append("\\\"")
        case UInt8(ascii: "\\"): append("\\\\")
        case 0x0A: append("\\n")
        case 0x09: append("\\t")
        case 0x0D: append("\\r")
        case 0x08: append("\\b")
        case 0x0C: append("\\f")
        default: writeUnicodeEscape(UInt16(byte))
        }
    }

    private mutating func writeUnicodeEscape(_ unit: UInt16) {
        let hexDigits: StaticString = "0123456789abcdef"
        append("\\u")
        for shift in stride(from: 12, through: 0, by: -4) {
            output.append(hexDigits.utf8Start[Int(unit >> UInt16(shift) & 0xF)])
        }
    }
}
