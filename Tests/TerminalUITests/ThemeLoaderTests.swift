import Foundation
import Testing
@testable import TerminalUI

/// Theme files: what they may say, and the error for each mistake (the key, the line and the
/// fix in the message).
@Suite struct ThemeLoaderTests {
    static let minimal = """
        name = "mine"
        description = "a test theme"

        [palette]
        fg = "#d0d0d0"
        bg = "#101010"
        accent = "#5c9ff0"

        [roles]
        body = { fg = "fg", bg = "bg" }
        selection = { fg = "bg", bg = "accent", bold = true }
        added = { fg = "green", underline = true }
        removed = { fg = 196 }
        """

    func parse(_ text: String) throws -> Theme { try ThemeLoader.parse(text: text, source: "mine.toml") }

    func error(_ text: String) -> ThemeError? {
        do {
            _ = try ThemeLoader.parse(text: text, source: "mine.toml")
            return nil
        } catch {
            return error
        }
    }

    @Test func paletteRolesAndLiteralColoursResolve() throws {
        let theme = try parse(Self.minimal)
        #expect(theme.name == "mine")
        #expect(theme.description == "a test theme")
        #expect(theme[.body] == Style(foreground: .rgb(0xD0, 0xD0, 0xD0), background: .rgb(0x10, 0x10, 0x10)))
        #expect(theme[.selection] == Style(foreground: .rgb(0x10, 0x10, 0x10), background: .rgb(0x5C, 0x9F, 0xF0), attributes: .bold))
        // A literal ANSI name, and the body's background where the role names none.
        #expect(theme[.added] == Style(foreground: .indexed(2), background: .rgb(0x10, 0x10, 0x10), attributes: .underline))
        #expect(theme[.removed].foreground == .indexed(196))
        // A role left out looks like body plus its monochrome attributes.
        #expect(theme[.lagCritical] == theme[.body].adding(Role.lagCritical.monochrome))
    }

    @Test func theNameDefaultsToTheFileName() throws {
        let theme = try ThemeLoader.parse(text: "[roles]\nbody = {}\n", source: "/home/u/.config/rewind/themes/ocean.toml")
        #expect(theme.name == "ocean")
        #expect(theme[.body] == Style())
    }

    @Test func shortHexAndDefaultAreColours() throws {
        let theme = try parse("[palette]\nx = \"#f80\"\n[roles]\nbody = { fg = \"x\", bg = \"default\" }\n")
        #expect(theme[.body] == Style(foreground: .rgb(0xFF, 0x88, 0x00), background: .default))
    }

    @Test func unknownTopLevelKeyIsNamedWithItsLine() throws {
        let e = try #require(error("nmae = \"x\"\n[roles]\nbody = {}\n"))
        #expect(e.kind == .unknownKey && e.keyPath == "nmae" && e.line == 1)
        #expect(e.description.contains("did you mean name?"))
        #expect(e.description.hasPrefix("mine.toml, line 1, nmae: unknown key 'nmae'"))
    }

    @Test func unknownTableIsNamed() throws {
        let e = try #require(error("[palete]\nfg = \"red\"\n[roles]\nbody = {}\n"))
        #expect(e.kind == .unknownKey && e.keyPath == "palete" && e.line == 1)
        #expect(e.description.contains("did you mean palette?"))
    }

    @Test func unknownRoleSuggestsTheClosestName() throws {
        let e = try #require(error("[roles]\nbody = {}\nselecton = { bold = true }\n"))
        #expect(e.kind == .unknownRole && e.keyPath == "roles.selecton" && e.line == 3)
        #expect(e.description.contains("'selecton' is not a role"))
        #expect(e.description.contains("did you mean selection?"))
        #expect(e.description.contains("lagWarning"))  // the list of roles
        let snake = try #require(error("[roles]\nbody = {}\nlag_warning = { bold = true }\n"))
        #expect(snake.description.contains("did you mean lagWarning?"))
    }

    @Test func unknownPaletteReferenceListsThePalette() throws {
        let text = "[palette]\nfg = \"#ffffff\"\naccent = \"#0000ff\"\n[roles]\nbody = { fg = \"fg\" }\nselection = { bg = \"acent\" }\n"
        let e = try #require(error(text))
        #expect(e.kind == .unknownColor && e.keyPath == "roles.selection.bg" && e.line == 6)
        #expect(e.description.contains("'acent' is not in the palette"))
        #expect(e.description.contains("did you mean 'accent'?"))
        #expect(e.description.contains("the palette names are: accent, fg"))
    }

    @Test(arguments: [
        ("[palette]\nx = \"#12345\"\n[roles]\nbody = {}\n", "palette.x", 2, "'#12345' is not a colour"),
        ("[palette]\nx = \"blurple\"\n[roles]\nbody = {}\n", "palette.x", 2, "'blurple' is not a colour"),
        ("[roles]\nbody = { fg = \"#ggg\" }\n", "roles.body.fg", 2, "'#ggg' is not a colour"),
        ("[roles]\nbody = { bg = 300 }\n", "roles.body.bg", 2, "300 is not a colour number (0-255)"),
    ])
    func badColourSyntaxSaysHowToWriteOne(text: String, key: String, line: Int, problem: String) throws {
        let e = try #require(error(text))
        #expect(e.kind == .badColor && e.keyPath == key && e.line == line)
        #expect(e.description.contains(problem))
        #expect(e.description.contains("#rrggbb, #rgb, a number 0-255"))
    }

    @Test func attributeMustBeABoolean() throws {
        let e = try #require(error("[roles]\nbody = {}\ntitle = { bold = \"yes\" }\n"))
        #expect(e.kind == .wrongType && e.keyPath == "roles.title.bold" && e.line == 3)
        #expect(e.description.contains("expected true or false, found the string \"yes\""))
        #expect(e.description.contains("write bold = true"))
    }

    @Test func unknownKeyInARoleListsTheKeys() throws {
        let e = try #require(error("[roles]\nbody = { colour = \"red\" }\n"))
        #expect(e.kind == .unknownKey && e.keyPath == "roles.body.colour" && e.line == 2)
        #expect(e.description.contains("fg, bg"))
        let typo = try #require(error("[roles]\nbody = { bodl = true }\n"))
        #expect(typo.description.contains("did you mean bold?"))
    }

    @Test func aRoleMustBeATable() throws {
        let e = try #require(error("[roles]\nbody = \"red\"\n"))
        #expect(e.kind == .wrongType && e.keyPath == "roles.body")
        #expect(e.description.contains("selection = { fg = \"bg\", bg = \"accent\", bold = true }"))
    }

    @Test func bodyIsRequired() throws {
        let e = try #require(error("[roles]\nselection = { reverse = true }\n"))
        #expect(e.kind == .missingKey && e.keyPath == "roles")
        #expect(e.description.contains("add body = { fg = \"fg\", bg = \"bg\" } under [roles]"))
        let none = try #require(error("name = \"x\"\n"))
        #expect(none.kind == .missingKey && none.description.contains("no [roles] table"))
    }

    @Test func rolesWrittenAsTablesWork() throws {
        let theme = try parse("[roles.body]\nfg = \"white\"\n[roles.selection]\nreverse = true\nbg = \"blue\"\n")
        #expect(theme[.selection] == Style(foreground: .indexed(7), background: .indexed(4), attributes: .reverse))
        let e = try #require(error("[roles.body]\nfg = \"white\"\n[roles.selection]\nreverse = 1\n"))
        #expect(e.keyPath == "roles.selection.reverse" && e.line == 4)
    }

    @Test func invalidTOMLGivesTheLine() throws {
        let e = try #require(error("[roles]\nbody = {}\ntitle = { fg = red }\n"))
        #expect(e.kind == .syntax && e.line == 3)
        #expect(e.description.contains("not valid TOML"))
    }

    @Test func theFirstMistakeInTheFileIsReported() throws {
        // TOMLKit sorts keys; errors still follow the order of the file.
        let e = try #require(error("[roles]\nbody = {}\nzebra = {}\nadded = { fg = \"nope\" }\n"))
        #expect(e.keyPath == "roles.zebra")
    }
}
