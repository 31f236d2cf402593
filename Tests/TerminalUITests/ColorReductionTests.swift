import Testing
@testable import TerminalUI

/// Reducing theme colours to what a terminal shows: 8, 16, 256 colours or none.
@Suite struct ColorReductionTests {
    @Test func pureColoursKeepTheirANSIName() {
        #expect(Color.rgb(255, 0, 0).reduced(to: .colors8) == .indexed(1))
        #expect(Color.rgb(0, 255, 0).reduced(to: .colors8) == .indexed(2))
        #expect(Color.rgb(255, 255, 0).reduced(to: .colors8) == .indexed(3))
        #expect(Color.rgb(0, 0, 255).reduced(to: .colors8) == .indexed(4))
        #expect(Color.rgb(255, 0, 255).reduced(to: .colors8) == .indexed(5))
        #expect(Color.rgb(0, 255, 255).reduced(to: .colors8) == .indexed(6))
        #expect(Color.rgb(0, 0, 0).reduced(to: .colors8) == .indexed(0))
        #expect(Color.rgb(255, 255, 255).reduced(to: .colors8) == .indexed(7))
    }

    @Test func softThemeColoursKeepTheirHue() {
        #expect(Color.rgb(0xEC, 0x6A, 0x72).reduced(to: .colors8) == .indexed(1))  // pastel red, not magenta
        #expect(Color.rgb(0x8B, 0xC8, 0x6F).reduced(to: .colors8) == .indexed(2))  // sage green, not yellow
        #expect(Color.rgb(0x5C, 0x9F, 0xF0).reduced(to: .colors8) == .indexed(4))  // sky blue
        #expect(Color.rgb(0xE0, 0x95, 0x5A).reduced(to: .colors8) == .indexed(3))  // orange leans to yellow
    }

    @Test func sixteenColoursUseBrightForLightColours() {
        #expect(Color.rgb(0xFF, 0x55, 0x55).reduced(to: .colors16) == .indexed(9))
        #expect(Color.rgb(0xCD, 0x00, 0x00).reduced(to: .colors16) == .indexed(1))
        #expect(Color.rgb(0x80, 0x80, 0x80).reduced(to: .colors16) == .indexed(8))
        #expect(Color.rgb(0xF0, 0xF0, 0xF0).reduced(to: .colors16) == .indexed(15))
        #expect(Color.indexed(9).reduced(to: .colors16) == .indexed(9))
        #expect(Color.indexed(9).reduced(to: .colors8) == .indexed(1))
    }

    @Test func greysBecomeTheGreyRampOn256() {
        for level in stride(from: 20, through: 230, by: 30) {
            let v = UInt8(level)
            guard case .indexed(let i) = Color.rgb(v, v, v).reduced(to: .colors256) else {
                Issue.record("grey \(level) is not indexed")
                continue
            }
            // The ramp (232–255), or one of the cube's own greys (16, 59, 102, 145, 188, 231).
            #expect((232...255).contains(i) || [16, 59, 102, 145, 188, 231].contains(i), "grey \(level) became \(i)")
        }
        #expect(Color.rgb(0x80, 0x80, 0x80).reduced(to: .colors256) == .indexed(244))
        #expect(Color.rgb(0xFF, 0x00, 0x00).reduced(to: .colors256) == .indexed(196))
    }

    @Test func indexedColoursReduceByTheirXtermValue() {
        #expect(Color.indexed(196).reduced(to: .colors8) == .indexed(1))
        #expect(Color.indexed(46).reduced(to: .colors8) == .indexed(2))
        #expect(Color.indexed(244).reduced(to: .colors8) == .indexed(7))
        #expect(Color.indexed(234).reduced(to: .colors8) == .indexed(0))
        #expect(Color.indexed(200).reduced(to: .colors256) == .indexed(200))
    }

    @Test func noColourMeansDefaultAndTrueColourKeepsRGB() {
        #expect(Color.rgb(1, 2, 3).reduced(to: .none) == .default)
        #expect(Color.indexed(3).reduced(to: .none) == .default)
        #expect(Color.rgb(1, 2, 3).reduced(to: .trueColor) == .rgb(1, 2, 3))
        #expect(Color.default.reduced(to: .colors8) == .default)
        let style = Style(foreground: .rgb(255, 0, 0), background: .indexed(4), attributes: [.bold, .underline])
        #expect(style.reduced(to: .none) == Style(attributes: [.bold, .underline]))
    }

    @Test func rgbComponentsOfEveryKind() {
        #expect(Color.default.rgbComponents == nil)
        #expect(Color.rgb(1, 2, 3).rgbComponents.map { [$0.red, $0.green, $0.blue] } == [1, 2, 3])
        #expect(Color.indexed(196).rgbComponents.map { [$0.red, $0.green, $0.blue] } == [255, 0, 0])
        #expect(Color.indexed(232).rgbComponents.map { [$0.red, $0.green, $0.blue] } == [8, 8, 8])
        #expect(Color.indexed(1).rgbComponents.map { [$0.red, $0.green, $0.blue] } == [205, 0, 0])
    }

    @Test func parsingColourNames() {
        #expect(Color(parsing: "bright-blue") == .indexed(12))
        #expect(Color(parsing: "RED") == .indexed(1))
        #expect(Color(parsing: "#0F0") == .rgb(0, 255, 0))
        #expect(Color(parsing: "255") == .indexed(255))
        #expect(Color(parsing: "256") == nil)
        #expect(Color(parsing: "#12345") == nil)
        #expect(Color(parsing: "#gggggg") == nil)
    }
}
