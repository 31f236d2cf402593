import EventLog
import Testing

@Suite struct RFC3339Tests {
    private static let second: Int64 = 1_000_000
    private static let day: Int64 = 86_400 * second

    // MARK: Known instants

    @Test func knownInstantsParse() {
        #expect(RFC3339.parse("1970-01-01T00:00:00Z") == 0)
        #expect(RFC3339.parse("2026-01-15T10:00:00Z") == 1_768_471_200_000_000)
        #expect(RFC3339.parse("2000-02-29T00:00:00Z") == 951_782_400 * Self.second)
        #expect(RFC3339.parse("2038-01-19T03:14:08Z") == 2_147_483_648 * Self.second)
        #expect(RFC3339.parse("1900-01-01T00:00:00Z") == -2_208_988_800 * Self.second)
        #expect(RFC3339.parse("0000-01-01T00:00:00Z") == -62_167_219_200 * Self.second)
        #expect(RFC3339.parse("9999-12-31T23:59:59.999999Z") == 253_402_300_799_999_999)
    }

    /// `parse(utf8:)` reads `YYYY-MM-DDThh:mm:ssZ` at fixed places: the same answers as the
    /// scanner `parse(_:)` uses, valid or not.
    @Test func wholeSecondsFromBytesParseAsFromStrings() {
        var random = SystemRandomNumberGenerator()
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var texts = ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1900-02-29T00:00:00Z", "2000-02-29T12:00:00Z",
                     "2026-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
                     "2026-04-31T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T23:60:00Z",
                     "2026-01-01T23:59:60Z", "2026-01-01t10:00:00Z", "2026-01-01T10:00:00z", "2026-01-01 10:00:00Z",
                     "2026-01-01T10:00:0aZ", "2026-01-01T10:00:00+", "2026/01/01T10:00:00Z", "2026-01-01T10:00:00.5Z"]
        for _ in 0..<2000 {
            let year = Int.random(in: 0...9999, using: &random)
            let month = Int.random(in: 0...13, using: &random), day = Int.random(in: 0...32, using: &random)
            let hour = Int.random(in: 0...24, using: &random), minute = Int.random(in: 0...60, using: &random)
            let second = Int.random(in: 0...60, using: &random)
            let y = String(repeating: "0", count: 4 - String(year).count) + String(year)
            texts.append("\(y)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))Z")
        }
        // A byte that is not a digit in each digit's place.
        for place in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] {
            for bad: UInt8 in [0x2F, 0x3A, 0x20, 0xD9] {
                var bytes = Array("2026-01-15T10:00:00Z".utf8)
                bytes[place] = bad
                let fromBytes = bytes.withUnsafeBufferPointer { RFC3339.parse(utf8: $0) }
                #expect(fromBytes == nil, "byte \(bad) at \(place)")
            }
        }
        var valid = 0
        for text in texts {
            var copy = text
            let fromBytes = copy.withUTF8 { RFC3339.parse(utf8: $0) }
            #expect(fromBytes == RFC3339.parse(text), "\(text)")
            if fromBytes != nil { valid += 1 }
        }
        #expect(valid > 500)
    }

    @Test func knownInstantsFormat() {
        #expect(RFC3339.format(microsecondsSinceEpoch: 0) == "1970-01-01T00:00:00.000000Z")
        #expect(RFC3339.format(microsecondsSinceEpoch: 1_768_471_200_000_000) == "2026-01-15T10:00:00.000000Z")
        #expect(RFC3339.format(microsecondsSinceEpoch: 1_768_471_200_000_000, fractionDigits: 0) == "2026-01-15T10:00:00Z")
        #expect(RFC3339.format(microsecondsSinceEpoch: 1_768_471_200_123_456, fractionDigits: 3) == "2026-01-15T10:00:00.123Z")
        #expect(RFC3339.format(microsecondsSinceEpoch: 1_768_471_200_123_456) == "2026-01-15T10:00:00.123456Z")
        #expect(RFC3339.format(microsecondsSinceEpoch: 951_782_400 * Self.second - 1) == "2000-02-28T23:59:59.999999Z")
        #expect(RFC3339.format(microsecondsSinceEpoch: 253_402_300_799_999_999) == "9999-12-31T23:59:59.999999Z")
    }

    @Test func before1970() {
        #expect(RFC3339.format(microsecondsSinceEpoch: -1) == "1969-12-31T23:59:59.999999Z")
        #expect(RFC3339.format(microsecondsSinceEpoch: -1, fractionDigits: 3) == "1969-12-31T23:59:59.999Z")
        #expect(RFC3339.format(microsecondsSinceEpoch: -1, fractionDigits: 0) == "1969-12-31T23:59:59Z")
        #expect(RFC3339.format(microsecondsSinceEpoch: -Self.day) == "1969-12-31T00:00:00.000000Z")
        #expect(RFC3339.format(microsecondsSinceEpoch: -2_208_988_800 * Self.second, fractionDigits: 0) == "1900-01-01T00:00:00Z")
        #expect(RFC3339.format(microsecondsSinceEpoch: -62_167_219_200 * Self.second, fractionDigits: 0) == "0000-01-01T00:00:00Z")
        #expect(RFC3339.parse("1969-12-31T23:59:59.999999Z") == -1)
        #expect(RFC3339.parse("1969-12-31T23:59:59.5Z") == -500_000)
        #expect(RFC3339.parse("1600-02-29T12:00:00Z") == -11_670_955_200 * Self.second)
    }

    @Test func extremesFormatInExpandedForm() {
        #expect(RFC3339.format(microsecondsSinceEpoch: .max) == "+294247-01-10T04:00:54.775807Z")
        #expect(RFC3339.format(microsecondsSinceEpoch: .min) == "-290308-12-21T19:59:05.224192Z")
        #expect(RFC3339.format(microsecondsSinceEpoch: -62_167_219_200 * Self.second - 1, fractionDigits: 0)
            == "-0001-12-31T23:59:59Z")
        #expect(RFC3339.parse("-0001-12-31T23:59:59Z") == nil)
    }

    // MARK: Parsing details

    @Test func offsetsShiftToUTC() {
        let tenUTC: Int64 = 1_768_471_200_000_000
        #expect(RFC3339.parse("2026-01-15T12:00:00+02:00") == tenUTC)
        #expect(RFC3339.parse("2026-01-15T05:30:00-04:30") == tenUTC)
        #expect(RFC3339.parse("2026-01-15T10:00:00-00:00") == tenUTC)
        #expect(RFC3339.parse("2026-01-15T10:00:00+00:00") == tenUTC)
        #expect(RFC3339.parse("2026-01-16T09:59:00+23:59") == tenUTC)
        #expect(RFC3339.parse("2026-01-14T23:00:00-11:00") == tenUTC)
    }

    @Test func separatorsAndZoneLetterAnyCase() {
        let tenUTC: Int64 = 1_768_471_200_000_000
        #expect(RFC3339.parse("2026-01-15t10:00:00z") == tenUTC)
        #expect(RFC3339.parse("2026-01-15 10:00:00Z") == tenUTC)
    }

    @Test func fractionsTruncateToMicroseconds() {
        let tenUTC: Int64 = 1_768_471_200_000_000
        #expect(RFC3339.parse("2026-01-15T10:00:00.5Z") == tenUTC + 500_000)
        #expect(RFC3339.parse("2026-01-15T10:00:00.000001Z") == tenUTC + 1)
        #expect(RFC3339.parse("2026-01-15T10:00:00.1234567Z") == tenUTC + 123_456)
        #expect(RFC3339.parse("2026-01-15T10:00:00.999999999Z") == tenUTC + 999_999)
        #expect(RFC3339.parse("2026-01-15T12:00:00.25+02:00") == tenUTC + 250_000)
    }

    @Test func leapDays() {
        #expect(RFC3339.parse("2024-02-29T00:00:00Z") != nil)
        #expect(RFC3339.parse("2000-02-29T00:00:00Z") != nil)
        #expect(RFC3339.parse("2023-02-29T00:00:00Z") == nil)
        #expect(RFC3339.parse("1900-02-29T00:00:00Z") == nil)
        #expect(RFC3339.parse("2100-02-29T00:00:00Z") == nil)
    }

    static let rejected: [String] = [
        "", "2026-01-15", "2026-01-15T10:00:00", "2026-01-15T10:00Z", "2026-1-15T10:00:00Z",
        "26-01-15T10:00:00Z", "2026-13-01T10:00:00Z", "2026-00-10T10:00:00Z", "2026-01-00T10:00:00Z",
        "2026-01-32T10:00:00Z", "2026-04-31T10:00:00Z", "2026-02-30T10:00:00Z", "2026-01-15T24:00:00Z",
        "2026-01-15T10:60:00Z", "2026-01-15T10:00:60Z", "2026-01-15T10:00:00.Z",
        "2026-01-15T10:00:00.1234567890Z", "2026-01-15T10:00:00+24:00", "2026-01-15T10:00:00+02:60",
        "2026-01-15T10:00:00+0200", "2026-01-15T10:00:00+02", "2026-01-15T10:00:00ZZ",
        " 2026-01-15T10:00:00Z", "2026-01-15T10:00:00Z ", "2026-01-15X10:00:00Z", "2026/01/15T10:00:00Z",
        "2026-01-15T1:00:00Z", "2026-01-15T10:00:00UTC", "２０２６-01-15T10:00:00Z", "+2026-01-15T10:00:00Z",
        "2026-01-15T10:00:00,5Z", "2026-01-15T10:00:00.5",
    ]

    @Test(arguments: rejected)
    func strictParseRejects(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    // MARK: Flexible

    @Test func flexibleAcceptsWhatUsersType() {
        let tenUTC: Int64 = 1_768_471_200_000_000
        #expect(RFC3339.parseFlexible("2026-01-15") == tenUTC - 10 * 3_600 * Self.second)
        #expect(RFC3339.parseFlexible("1969-12-31") == -Self.day)
        #expect(RFC3339.parseFlexible("2026-01-15T10:00:00") == tenUTC)
        #expect(RFC3339.parseFlexible("2026-01-15 10:00") == tenUTC)
        #expect(RFC3339.parseFlexible("2026-01-15T10:00:00.25") == tenUTC + 250_000)
        #expect(RFC3339.parseFlexible("2026-01-15T11:00+01:00") == tenUTC)
        #expect(RFC3339.parseFlexible("2026-01-15T10:00:00Z") == tenUTC)
    }

    @Test(arguments: ["", "2026-01", "2026-01-15T", "2026-01-15T10", "2026-01-15T10:", "2026/01/15",
                      "2026-02-30", "2026-01-15 25:00", "2026-01-15T10:00:00+2", "2026-01-15 ", "today"])
    func flexibleStillRejects(_ text: String) {
        #expect(RFC3339.parseFlexible(text) == nil)
    }

    // MARK: Round trips

    @Test func randomInstantsRoundTrip() {
        var generator = RFC3339TestGenerator(seed: 0xDA7E)
        let lowest = -62_167_219_200 * Self.second  // 0000-01-01
        let highest: Int64 = 253_402_300_799_999_999  // 9999-12-31T23:59:59.999999
        for _ in 0..<20_000 {
            let instant = Int64.random(in: lowest...highest, using: &generator)
            let text = RFC3339.format(microsecondsSinceEpoch: instant)
            #expect(RFC3339.parse(text) == instant, "\(instant) \(text)")
            let millis = RFC3339.format(microsecondsSinceEpoch: instant, fractionDigits: 3)
            let flooredToMillisecond = instant - ((instant % 1_000) + 1_000) % 1_000
            #expect(RFC3339.parse(millis) == flooredToMillisecond, "\(instant) \(millis)")
        }
    }

    @Test func everyDayFrom1600To2400MatchesACountedCalendar() {
        // Walk the calendar one day at a time with the leap-year rule alone, independent of the
        // era arithmetic under test.
        var days = RFC3339.parse("1600-01-01T00:00:00Z").map { $0 / Self.day } ?? 0
        #expect(days == -135_140)
        for year in 1600..<2400 {
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            for (monthIndex, length) in lengths.enumerated() {
                for dayOfMonth in 1...length {
                    let expected = "\(year)-\(Self.twoDigits(monthIndex + 1))-\(Self.twoDigits(dayOfMonth))T00:00:00Z"
                    let formatted = RFC3339.format(microsecondsSinceEpoch: days * Self.day, fractionDigits: 0)
                    if formatted != expected || RFC3339.parse(expected) != days * Self.day {
                        Issue.record("day \(days): formatted \(formatted), expected \(expected)")
                        return
                    }
                    days += 1
                }
            }
        }
        #expect(RFC3339.parse("2400-01-01T00:00:00Z") == days * Self.day)
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}

/// SplitMix64: a small deterministic generator so failures reproduce.
struct RFC3339TestGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
