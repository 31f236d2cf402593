import Foundation
import Testing
import TerminalUI

/// `--theme NAME|FILE`: built-in names, files, the user's themes directory, and the errors.
@Suite struct ThemeResolveTests {
    /// A fresh directory, removed at the end of the test.
    final class Scratch {
        let path = NSTemporaryDirectory() + "rewind-themes-\(getpid())-\(UUID().uuidString.prefix(8))"
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        func write(_ relative: String, _ text: String) throws -> String {
            let file = path + "/" + relative
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            return file
        }
    }

    @Test func nothingAskedMeansDark() throws {
        #expect(try ThemeLoader.resolve(nil, environment: [:]).name == "dark")
        #expect(try ThemeLoader.resolve("", environment: [:]).name == "dark")
    }

    @Test(arguments: ThemeLoader.builtInNames)
    func builtInNamesResolve(name: String) throws {
        #expect(try ThemeLoader.resolve(name, environment: [:]).name == name)
    }

    @Test func aPathOrATomlNameIsAFile() throws {
        let scratch = try Scratch()
        let file = try scratch.write("ocean.toml", "[roles]\nbody = { fg = \"cyan\" }\n")
        #expect(try ThemeLoader.resolve(file, environment: [:])[.body].foreground == .indexed(6))
        // Ending in .toml makes it a file (relative to the working directory), not a name.
        #expect {
            _ = try ThemeLoader.resolve("no-such-\(getpid()).toml", environment: [:])
        } throws: { error in
            (error as? ThemeError)?.kind == .unreadable && "\(error)".contains("no-such-\(getpid()).toml: no such file")
        }
    }

    @Test func aNameIsLookedUpInTheUsersThemesDirectoryFirst() throws {
        let scratch = try Scratch()
        _ = try scratch.write("config/rewind/themes/ocean.toml", "[roles]\nbody = { fg = \"cyan\" }\n")
        _ = try scratch.write("config/rewind/themes/dark.toml", "name = \"my dark\"\n[roles]\nbody = {}\n")
        let xdg = ["XDG_CONFIG_HOME": scratch.path + "/config", "HOME": "/nonexistent"]
        #expect(try ThemeLoader.resolve("ocean", environment: xdg).name == "ocean")
        #expect(try ThemeLoader.resolve("dark", environment: xdg).name == "my dark")
        _ = try scratch.write("home/.config/rewind/themes/forest.toml", "[roles]\nbody = { fg = \"green\" }\n")
        let home = ["HOME": scratch.path + "/home"]
        #expect(try ThemeLoader.resolve("forest", environment: home).name == "forest")
    }

    @Test func anUnknownNameListsTheBuiltInThemes() {
        #expect {
            _ = try ThemeLoader.resolve("darc", environment: ["HOME": "/home/u"])
        } throws: { error in
            let text = "\(error)"
            return (error as? ThemeError)?.kind == .unknownTheme
                && text.contains("darc: there is no theme of that name")
                && text.contains("did you mean dark?")
                && text.contains("the built-in themes are: dark, light, high-contrast, monochrome")
                && text.contains("put darc.toml in /home/u/.config/rewind/themes/")
        }
    }

    @Test func aFifoAsThemeFileIsUnreadableInsteadOfAHang() throws {
        let scratch = try Scratch()
        let fifo = scratch.path + "/pipe.toml"
        #expect(mkfifo(fifo, 0o644) == 0)
        #expect {
            _ = try ThemeLoader.resolve(fifo, environment: [:])
        } throws: { error in
            (error as? ThemeError)?.kind == .unreadable && "\(error)".contains("this is not a regular file")
        }
    }

    @Test func aMissingFileOrADirectoryIsUnreadable() throws {
        let scratch = try Scratch()
        #expect {
            _ = try ThemeLoader.load(file: scratch.path + "/nope.toml")
        } throws: { error in
            (error as? ThemeError)?.kind == .unreadable && "\(error)".contains("nope.toml: no such file")
        }
        #expect {
            _ = try ThemeLoader.load(file: scratch.path)
        } throws: { error in
            (error as? ThemeError)?.kind == .unreadable && "\(error)".contains("this is a directory, not a theme file")
        }
    }

    @Test func aBadUserThemeReportsItsOwnPath() throws {
        let scratch = try Scratch()
        let file = try scratch.write("themes/rewind/themes/bad.toml", "[roles]\nbody = { fg = \"nope\" }\n")
        let environment = ["XDG_CONFIG_HOME": scratch.path + "/themes"]
        #expect {
            _ = try ThemeLoader.resolve("bad", environment: environment)
        } throws: { error in
            "\(error)".hasPrefix(file + ", line 2, roles.body.fg: 'nope' is not in the palette")
        }
    }
}
