import Foundation
import Platform
import TOMLSupport

/// Finds, reads and validates themes: TOML files with a `[palette]` and a `[roles]` table
/// (docs/THEMES.md). The built-in themes are compiled in (`BuiltInThemes`), so the binary
/// needs no files at run time.
///
/// All functions are pure apart from reading the file they are given (or the themes
/// directory), and safe to call from any thread.
public enum ThemeLoader {
    /// The theme used when none is asked for.
    public static let defaultName = "dark"

    /// The names of the built-in themes, default first.
    public static var builtInNames: [String] { BuiltInThemes.all.map(\.name) }

    /// A built-in theme, or nil for a name that is not one (see `builtInNames`).
    public static func builtIn(named name: String) -> Theme? {
        guard let entry = BuiltInThemes.all.first(where: { $0.name == name }) else { return nil }
        return try? parse(text: entry.text, source: "built-in theme \(name)")
    }

    /// The TOML text of a built-in theme (a starting point for writing one's own), or nil.
    public static func builtInText(named name: String) -> String? {
        BuiltInThemes.all.first { $0.name == name }.map { $0.text + "\n" }
    }

    /// Reads and validates the theme file at `path`.
    /// - Throws: `ThemeError` naming the file, the key and the line, with what to write.
    public static func load(file path: String) throws(ThemeError) -> Theme {
        guard let status = try? FileSystem.status(path) else {
            throw ThemeError(kind: .unreadable, file: path, problem: "no such file",
                             fix: "check the path, or give a built-in theme's name: " + builtInNames.joined(separator: ", "))
        }
        guard !status.isDirectory else {
            throw ThemeError(kind: .unreadable, file: path, problem: "this is a directory, not a theme file",
                             fix: "give the .toml file itself, e.g. \(path.hasSuffix("/") ? path : path + "/")mine.toml")
        }
        // Platform reads only a regular file and never waits on a FIFO (a theme may come with a
        // copied directory, like a log's files).
        let bytes: [UInt8]
        do { bytes = try FileSystem.readFile(path) } catch let error as IOError where error.isRefusedFileType {
            throw ThemeError(kind: .unreadable, file: path, problem: "this is not a regular file", fix: "give a regular .toml file")
        } catch {
            throw ThemeError(kind: .unreadable, file: path, problem: "the file cannot be read", fix: "check its permissions")
        }
        return try parse(bytes: bytes, source: path)
    }

    /// Validates theme text. `source` names it in errors and, without a `name` key, gives
    /// the theme its name (the file name without `.toml`).
    /// - Throws: `ThemeError`.
    public static func parse(text: String, source: String) throws(ThemeError) -> Theme {
        try parse(bytes: Array(text.utf8), source: source)
    }

    /// Validates the bytes of a theme (any bytes: text that is not UTF-8 or not TOML is a
    /// `ThemeError` with its line, never a crash); see `parse(text:source:)`.
    public static func parse(bytes: [UInt8], source: String) throws(ThemeError) -> Theme {
        let document = try TOMLDocument(bytes: bytes, file: source) { _, _ in
            "check the line's syntax: strings are quoted (fg = \"#5c9ff0\"), a role is an inline table on one line: " + ThemeParser.roleExample
        }
        var name = source.split(separator: "/").last.map(String.init) ?? source
        if name.hasSuffix(".toml") { name.removeLast(5) }
        return try ThemeParser(document: document, fallbackName: name).parse(document.root)
    }

    /// The theme a `--theme` value asks for.
    ///
    /// - nil: the default theme (`dark`).
    /// - A value with a `/` or ending in `.toml`: that file.
    /// - A name: `NAME.toml` in the user's themes directory (`$XDG_CONFIG_HOME/rewind/themes`,
    ///   else `~/.config/rewind/themes`) if it exists, so a user can override a built-in by
    ///   its name; otherwise the built-in theme of that name.
    /// - Throws: `ThemeError`; for an unknown name, the message lists the built-in names.
    public static func resolve(_ nameOrFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ThemeError) -> Theme {
        guard let value = nameOrFile, !value.isEmpty else {
            guard let theme = builtIn(named: defaultName) else {
                throw ThemeError(kind: .unknownTheme, file: defaultName, problem: "the default theme is missing from this build", fix: "report this as a bug")
            }
            return theme
        }
        if value.contains("/") || value.hasSuffix(".toml") {
            return try load(file: value)
        }
        let directories = themeDirectories(environment)
        for directory in directories {
            let path = directory + "/" + value + ".toml"
            if FileSystem.exists(path) { return try load(file: path) }
        }
        if let theme = builtIn(named: value) { return theme }
        let guess = NameSuggestion.closest(to: value, in: builtInNames).map { "did you mean \($0)? " } ?? ""
        let place = directories.first.map { " or put \(value).toml in \($0)/," } ?? ""
        throw ThemeError(kind: .unknownTheme, file: value, problem: "there is no theme of that name",
                         fix: guess + "the built-in themes are: \(builtInNames.joined(separator: ", "));\(place) or give the path of a theme file (e.g. ./\(value).toml)")
    }

    /// Where a user's own themes live, most specific first.
    public static func themeDirectories(_ environment: [String: String]) -> [String] {
        var directories: [String] = []
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            directories.append(config + "/rewind/themes")
        }
        if let home = environment["HOME"], !home.isEmpty {
            let path = (home.hasSuffix("/") ? String(home.dropLast()) : home) + "/.config/rewind/themes"
            if !directories.contains(path) { directories.append(path) }
        }
        return directories
    }
}
