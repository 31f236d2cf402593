/// RFC 3339 timestamps to and from microseconds since the Unix epoch (proleptic Gregorian
/// calendar, UTC, no leap seconds).
///
/// Pure functions on integers and bytes, no Foundation and no locale; safe from any thread.
public enum RFC3339 {
    private static let microsecondsPerSecond: Int64 = 1_000_000
    private static let microsecondsPerDay: Int64 = 86_400_000_000

    /// Formats an instant as `YYYY-MM-DDThh:mm:ss[.f…]Z`, always in UTC.
    ///
    /// - Parameters:
    ///   - microsecondsSinceEpoch: any value; instants before 1970 are negative.
    ///   - fractionDigits: 0 through 6 (0, 3 and 6 are the usual ones); the fraction is truncated,
    ///     not rounded, so a formatted instant never lies in the future of the real one. 0 omits
    ///     the decimal point.
    /// Years outside 0000...9999 (more than ±8,000 years from now) cannot be written in RFC 3339;
    /// they come out in ISO 8601's expanded form (`-0001-…`, `+10000-…`), which `parse` refuses.
    public static func format(microsecondsSinceEpoch: Int64, fractionDigits: Int = 6) -> String {
        precondition((0...6).contains(fractionDigits), "RFC3339.format: fractionDigits must be 0...6")
        // Split without multiplying back, which would overflow near Int64.min.
        var days = microsecondsSinceEpoch / microsecondsPerDay
        var microsecondOfDay = microsecondsSinceEpoch % microsecondsPerDay
        if microsecondOfDay < 0 {
            days -= 1
            microsecondOfDay += microsecondsPerDay
        }
        let date = civil(fromDays: days)
        let secondOfDay = Int(microsecondOfDay / microsecondsPerSecond)
        var fraction = Int(microsecondOfDay % microsecondsPerSecond)
        for _ in fractionDigits..<6 { fraction /= 10 }

        return String(unsafeUninitializedCapacity: 40) { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            var out = DigitWriter(next: base)
            if (0...9999).contains(date.year) {
                out.digits(Int(date.year), count: 4)
            } else {
                out.byte(date.year < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                let magnitude = Int(date.year.magnitude)
                out.digits(magnitude, count: max(4, decimalDigitCount(magnitude)))
            }
            out.byte(UInt8(ascii: "-"))
            out.twoDigits(date.month)
            out.byte(UInt8(ascii: "-"))
            out.twoDigits(date.day)
            out.byte(UInt8(ascii: "T"))
            out.twoDigits(secondOfDay / 3600)
            out.byte(UInt8(ascii: ":"))
            out.twoDigits(secondOfDay / 60 % 60)
            out.byte(UInt8(ascii: ":"))
            out.twoDigits(secondOfDay % 60)
            if fractionDigits > 0 {
                out.byte(UInt8(ascii: "."))
                out.digits(fraction, count: fractionDigits)
            }
            out.byte(UInt8(ascii: "Z"))
            return out.next - base
        }
    }

    /// Writes ASCII into a buffer the caller sized (at most 30 bytes for any Int64 instant).
    private struct DigitWriter {
        var next: UnsafeMutablePointer<UInt8>

        @inline(__always)
        mutating func byte(_ value: UInt8) {
            next.pointee = value
            next += 1
        }

        /// `value` in 0...99, zero-padded.
        @inline(__always)
        mutating func twoDigits(_ value: Int) {
            next[0] = UInt8(truncatingIfNeeded: 48 + value / 10)
            next[1] = UInt8(truncatingIfNeeded: 48 + value % 10)
            next += 2
        }

        /// The lowest `count` decimal digits of a non-negative `value`, zero-padded.
        @inline(__always)
        mutating func digits(_ value: Int, count: Int) {
            var remaining = value
            var index = count - 1
            while index >= 0 {
                next[index] = UInt8(truncatingIfNeeded: 48 + remaining % 10)
                remaining /= 10
                index -= 1
            }
            next += count
        }
    }

    /// Parses a strict RFC 3339 date-time into microseconds since the epoch, or nil.
    ///
    /// Accepts `YYYY-MM-DD` + `T`, `t` or a space + `hh:mm:ss`, an optional fraction of 1 to 9
    /// digits (truncated to microseconds), and `Z`, `z` or a `±hh:mm` offset. Refuses anything
    /// else, including impossible dates (February 30), hour 24, leap second 60, and surrounding
    /// whitespace.
    public static func parse(_ text: String) -> Int64? {
        parse(text, flexible: false)
    }

    /// `parse(_:)` over UTF-8 bytes, without a copy.
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        if let seconds = parseWholeSecondsUTC(bytes) { return seconds }
        var scanner = Scanner(bytes: bytes)
        return scanner.dateTime(flexible: false)
    }

    /// `parse(utf8:)` for its most common shape, `YYYY-MM-DDThh:mm:ssZ`, read at fixed places
    /// (an import parses a time per event). Nil for anything else, valid or not: `Scanner`
    /// reads it then, and is the judge. Never a different value from `Scanner`'s.
    @inline(__always)
    private static func parseWholeSecondsUTC(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count == 20, let p = bytes.baseAddress, p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"),
              p[10] == UInt8(ascii: "T"), p[13] == UInt8(ascii: ":"), p[16] == UInt8(ascii: ":"),
              p[19] == UInt8(ascii: "Z") else { return nil }
        @inline(__always) func two(_ i: Int) -> Int? {
            let high = p[i] &- UInt8(ascii: "0"), low = p[i + 1] &- UInt8(ascii: "0")
            guard high < 10, low < 10 else { return nil }
            return Int(high) * 10 + Int(low)
        }
        guard let century = two(0), let yearOfCentury = two(2), let month = two(5), let day = two(8),
              let hour = two(11), let minute = two(14), let second = two(17) else { return nil }
        let year = century * 100 + yearOfCentury
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays: Int
        switch month {
        case 2: monthDays = leap ? 29 : 28
        case 4, 6, 9, 11: monthDays = 30
        default: monthDays = 31
        }
        guard month >= 1, month <= 12, day >= 1, day <= monthDays, hour < 24, minute < 60, second < 60 else { return nil }
        let days = RFC3339.days(fromCivilYear: Int64(year), month: month, day: day)
        return days * microsecondsPerDay + Int64(hour * 3600 + minute * 60 + second) * microsecondsPerSecond
    }

    /// Parses what users type for a time: RFC 3339, or the same without an offset (taken as UTC),
    /// with or without seconds, or a date alone (midnight UTC). Returns nil for anything else.
    ///
    /// Examples: "2026-01-15", "2026-01-15 10:00", "2026-01-15T10:00:00.5", "2026-01-15T10:00:00+02:00".
    public static func parseFlexible(_ text: String) -> Int64? {
        parse(text, flexible: true)
    }

    private static func parse(_ text: String, flexible: Bool) -> Int64? {
        var text = text
        return text.withUTF8 { bytes in
            var scanner = Scanner(bytes: bytes)
            return scanner.dateTime(flexible: flexible)
        }
    }

    /// Reads fixed-width fields left to right; every method returns nil on the first mismatch.
    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        var atEnd: Bool { position == bytes.count }

        mutating func dateTime(flexible: Bool) -> Int64? {
            guard let year = number(digits: 4), literal(UInt8(ascii: "-")),
                  let month = number(digits: 2), literal(UInt8(ascii: "-")),
                  let day = number(digits: 2),
                  (1...12).contains(month), (1...daysInMonth(month, year: year)).contains(day) else { return nil }
            let days = RFC3339.days(fromCivilYear: Int64(year), month: month, day: day)
            if flexible, atEnd { return days * microsecondsPerDay }

            guard literal(UInt8(ascii: "T")) || literal(UInt8(ascii: "t")) || literal(UInt8(ascii: " ")) else {
                return nil
            }
            guard let hour = number(digits: 2), literal(UInt8(ascii: ":")), let minute = number(digits: 2),
                  hour < 24, minute < 60 else { return nil }
            var second = 0
            if literal(UInt8(ascii: ":")) {
                guard let value = number(digits: 2), value < 60 else { return nil }
                second = value
            } else if !flexible {
                return nil
            }
            var microsecond: Int64 = 0
            if literal(UInt8(ascii: ".")) {
                guard let value = fraction() else { return nil }
                microsecond = value
            }
            var offsetSeconds = 0
            if literal(UInt8(ascii: "Z")) || literal(UInt8(ascii: "z")) {
                offsetSeconds = 0
            } else if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                let sign = bytes[position] == UInt8(ascii: "-") ? -1 : 1
                position += 1
                guard let offsetHour = number(digits: 2), literal(UInt8(ascii: ":")),
                      let offsetMinute = number(digits: 2), offsetHour < 24, offsetMinute < 60 else { return nil }
                offsetSeconds = sign * (offsetHour * 3600 + offsetMinute * 60)
            } else if !flexible {
                return nil
            }
            guard atEnd else { return nil }
            let secondOfDay = Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
            return days * microsecondsPerDay + secondOfDay * microsecondsPerSecond + microsecond
        }

        /// Reads exactly `digits` ASCII digits.
        mutating func number(digits: Int) -> Int? {
            guard position + digits <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<digits {
                let digit = bytes[position] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
                position += 1
            }
            return value
        }

        /// Reads 1...9 fraction digits as microseconds, dropping digits past the sixth.
        mutating func fraction() -> Int64? {
            var value: Int64 = 0
            var count = 0
            while position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 {
                if count < 6 { value = value * 10 + Int64(bytes[position] &- UInt8(ascii: "0")) }
                count += 1
                position += 1
            }
            guard (1...9).contains(count) else { return nil }
            for _ in count..<max(count, 6) { value *= 10 }
            return value
        }

        mutating func literal(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        func daysInMonth(_ month: Int, year: Int) -> Int {
            switch month {
            case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
            case 4, 6, 9, 11: return 30
            default: return 31
            }
        }
    }

    // MARK: Civil calendar

    // Both conversions count in 400-year eras starting on 0000-03-01, so that February, with
    // its leap day, ends each year (after Howard Hinnant's "chrono-compatible low-level date
    // algorithms"). All divisions are on non-negative values except the era's, which floors.

    /// Days since 1970-01-01 of a proleptic Gregorian date; `month` 1...12, `day` 1...31.
    static func days(fromCivilYear year: Int64, month: Int, day: Int) -> Int64 {
        let marchYear = month <= 2 ? year - 1 : year
        let era = floorDivide(marchYear, 400)
        let yearOfEra = marchYear - era * 400
        let monthFromMarch = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (before it when negative).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let daysSinceEpochMarch = days + 719_468
        let era = floorDivide(daysSinceEpochMarch, 146_097)
        let dayOfEra = daysSinceEpochMarch - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1)
        let month = Int(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }

    private static func decimalDigitCount(_ value: Int) -> Int {
        var count = 1
        var remaining = value / 10
        while remaining > 0 {
            count += 1
            remaining /= 10
        }
        return count
    }
}
