// Number parsing for JSONParser.

extension JSONParser {
    /// The powers of ten a double holds exactly (Clinger's fast path; `JSONCompactCopier` too).
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Reads a number; `position` is at its `-` or first digit.
    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        let negative = self[position] == UInt8(ascii: "-")
        if negative { position += 1 }

        // All digits go into `significand`; while it stays exact, the value is significand * 10^exponent.
        var significand: UInt64 = 0
        var exact = true
        var exponent = 0
        guard position < count else { throw error(.unexpectedEndOfInput, at: position) }
        if self[position] == UInt8(ascii: "0") {
            position += 1
            if position < count, Self.isDigit(self[position]) { throw error(.leadingZero, at: position - 1) }
        } else if Self.isDigit(self[position]) {
            while position < count, Self.isDigit(self[position]) {
                Self.accumulate(self[position], into: &significand, exact: &exact)
                position += 1
            }
        } else {
            throw error(.expectedDigit, at: position)
        }
        var isInteger = true
        if position < count, self[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < count, Self.isDigit(self[position]) else {
                throw error(.expectedFractionDigit, at: position)
            }
            while position < count, Self.isDigit(self[position]) {
                Self.accumulate(self[position], into: &significand, exact: &exact)
                exponent -= 1
                position += 1
            }
        }
        if position < count, self[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            var exponentNegative = false
            if position < count, self[position] == UInt8(ascii: "+") || self[position] == UInt8(ascii: "-") {
                exponentNegative = self[position] == UInt8(ascii: "-")
                position += 1
            }
            guard position < count, Self.isDigit(self[position]) else {
                throw error(.expectedExponentDigit, at: position)
            }
            var written = 0
            while position < count, Self.isDigit(self[position]) {
                if written < 100_000 { written = written * 10 + Int(self[position] &- 0x30) }
                position += 1
            }
            exponent += exponentNegative ? -written : written
        }

        if isInteger, exact, exponent == 0 {
            // `-0` stays a double so that it prints back as `-0` (an integer has no negative zero).
            if negative, significand == 0 { return .double(-0.0) }
            if !negative, significand <= UInt64(Int64.max) { return .integer(Int64(significand)) }
            if negative, significand <= UInt64(Int64.max) { return .integer(-Int64(significand)) }
            if negative, significand == UInt64(Int64.max) + 1 { return .integer(.min) }
        }
        // Clinger's fast path: both operands are exact doubles, so one rounding gives the answer.
        if exact, significand <= 1 << 53, (-22...22).contains(exponent) {
            let magnitude = Double(significand)
            let scaled = exponent < 0
                ? magnitude / Self.exactPowersOfTen[-exponent]
                : magnitude * Self.exactPowersOfTen[exponent]
            return .double(negative ? -scaled : scaled)
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: position - start), as: UTF8.self)
        guard let value = Double(text) else { throw error(.expectedDigit, at: start) }
        if value.isInfinite { return .double(negative ? -.greatestFiniteMagnitude : .greatestFiniteMagnitude) }
        return .double(value)
    }

    /// Appends a digit to `significand`, or clears `exact` once it would overflow.
    @inline(__always)
    private static func accumulate(_ digit: UInt8, into significand: inout UInt64, exact: inout Bool) {
        let value = UInt64(digit &- 0x30)
        if exact, significand <= (UInt64.max - value) / 10 {
            significand = significand &* 10 &+ value
        } else {
            exact = false
        }
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }
}
