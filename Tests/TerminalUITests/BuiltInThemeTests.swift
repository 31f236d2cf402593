import Foundation
import Testing
@testable import TerminalUI

/// The themes Rewind ships: they parse, define every role, keep the distinctions that matter
/// at every colour depth, and the embedded copies match `Themes/*.toml`.
@Suite struct BuiltInThemeTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func namesAreTheFourThemesDefaultFirst() {
        #expect(ThemeLoader.builtInNames == ["dark", "light", "high-contrast", "monochrome"])
        #expect(ThemeLoader.defaultName == "dark")
    }

    @Test(arguments: ThemeLoader.builtInNames)
    func everyBuiltInParsesAndDefinesEveryRole(name: String) throws {
        let theme = try #require(ThemeLoader.builtIn(named: name))
        #expect(theme.name == name)
        #expect(theme.description?.isEmpty == false)
        for role in Role.allCases {
            #expect(theme.styles[role] != nil, "\(name) leaves out \(role)")
        }
    }

    @Test(arguments: ThemeLoader.builtInNames)
    func embeddedTextEqualsTheFile(name: String) throws {
        let file = Self.repository.appendingPathComponent("Themes/\(name).toml")
        let text = try String(contentsOf: file, encoding: .utf8)
        let embedded = try #require(ThemeLoader.builtInText(named: name))
        #expect(text == embedded, "Themes/\(name).toml and its embedded copy differ: run Themes/embed.sh")
    }

    @Test func everyThemeFileIsBuiltIn() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.repository.appendingPathComponent("Themes").path)
        let names = files.filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }.sorted()
        #expect(names == ThemeLoader.builtInNames.sorted(), "add the new theme to Themes/embed.sh")
    }

    @Test func monochromeFileIsTheMonochromeLook() throws {
        let theme = try #require(ThemeLoader.builtIn(named: "monochrome"))
        #expect(theme.styles == Theme.monochrome.styles)
        #expect(theme.adapted(to: .none).styles == theme.styles)
    }

    /// Roles a user must be able to tell apart wherever they meet.
    static let distinctGroups: [[Role]] = [
        [.added, .removed, .changed, .hypothetical],
        [.lagOK, .lagWarning, .lagCritical],
        [.body, .selection, .selectionUnfocused],
        [.title, .titleFocused],
        [.border, .borderFocused],
        [.slider, .sliderFilled, .sliderThumb],
        [.body, .status],
    ]

    @Test(arguments: ThemeLoader.builtInNames, [ColorDepth.none, .colors8, .colors16, .colors256])
    func distinctionsSurviveEveryColorDepth(name: String, depth: ColorDepth) throws {
        let theme = try #require(ThemeLoader.builtIn(named: name)).adapted(to: depth)
        for group in Self.distinctGroups {
            for (i, a) in group.enumerated() {
                for b in group[(i + 1)...] {
                    #expect(theme[a] != theme[b], "\(name) at \(depth): \(a) and \(b) look the same: \(theme[a])")
                }
            }
        }
    }

    @Test(arguments: ThemeLoader.builtInNames, [ColorDepth.colors8, .colors16, .colors256])
    func noRoleDrawsTextInItsBackgroundColour(name: String, depth: ColorDepth) throws {
        let theme = try #require(ThemeLoader.builtIn(named: name)).adapted(to: depth)
        for role in Role.allCases where theme[role].background != .default && !theme[role].attributes.contains(.reverse) {
            #expect(theme[role].foreground != theme[role].background, "\(name) at \(depth): \(role) is invisible")
        }
    }

    @Test(arguments: ThemeLoader.builtInNames)
    func noColorKeepsAttributesAndSelectionIsReverse(name: String) throws {
        let theme = try #require(ThemeLoader.builtIn(named: name)).adapted(to: .none)
        for role in Role.allCases {
            #expect(theme[role].foreground == .default && theme[role].background == .default)
        }
        #expect(theme[.selection].attributes.contains(.reverse))
        #expect(theme[.status].attributes.contains(.reverse))
        #expect(theme[.error].attributes.contains(.reverse))
        #expect(theme[.added].attributes.contains(.bold))
    }

    @Test func colourThemesKeepTheirMeaningOnEightColours() throws {
        let red: UInt8 = 1, green: UInt8 = 2, yellow: UInt8 = 3, magenta: UInt8 = 5
        for name in ["dark", "light", "high-contrast"] {
            let theme = try #require(ThemeLoader.builtIn(named: name)).adapted(to: .colors8)
            #expect(theme[.added].foreground == .indexed(green), "\(name): added is not green")
            #expect(theme[.removed].foreground == .indexed(red), "\(name): removed is not red")
            #expect(theme[.lagWarning].foreground == .indexed(yellow) || theme[.lagWarning].background == .indexed(yellow), "\(name)")
            #expect(theme[.hypothetical].foreground == .indexed(magenta), "\(name): hypothetical is not magenta")
            #expect(theme[.selection].background != theme[.body].background, "\(name): selection has the body's background")
        }
    }

    @Test func darkUsesTheTerminalsOwnColoursForBody() throws {
        let dark = try #require(ThemeLoader.builtIn(named: "dark"))
        #expect(dark[.body] == Style())
        // A role without bg is drawn on the body's background.
        #expect(dark[.added].background == .default)
        let light = try #require(ThemeLoader.builtIn(named: "light"))
        #expect(light[.added].background == light[.body].background)
        #expect(light[.body].background == .rgb(0xFA, 0xFA, 0xFA))
    }
}
