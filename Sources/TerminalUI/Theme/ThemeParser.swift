import TOMLSupport

/// Turns a parsed theme file into a `Theme`, checking every key (see docs/THEMES.md).
///
/// A role's omitted `fg` or `bg` is `body`'s, so a theme with its own background needs to
/// name it once; `body`'s own omitted colours are the terminal's (`default`).
struct ThemeParser {
    let document: TOMLDocument
    /// The theme's name when the file has no `name` key.
    let fallbackName: String

    static let topLevelKeys = ["name", "description", "palette", "roles"]
    static let roleKeys = ["fg", "bg"] + Attributes.names
    static let colorForms = "#rrggbb, #rgb, a number 0-255, an ANSI name (red, bright-blue…) or default"
    static let roleExample = "selection = { fg = \"bg\", bg = \"accent\", bold = true }"

    func parse(_ root: TOMLNode.Table) throws(ThemeError) -> Theme {
        var name = fallbackName
        var description: String?
        var palette: [String: Color] = [:]
        var rolesTable: TOMLNode.Table?
        for (key, value) in root.members {
            switch key {
            case "name":
                name = try string(value, at: [key], fix: "write name = \"\(fallbackName)\"")
            case "description":
                description = try string(value, at: [key], fix: "write description = \"one line saying what the theme is for\"")
            case "palette":
                palette = try self.palette(value)
            case "roles":
                rolesTable = try table(value, at: [key], fix: "write a [roles] table with one entry per role, e.g. " + Self.roleExample)
            default:
                throw unknownKey(key, at: [], known: Self.topLevelKeys,
                                 fix: "a theme has name, description, a [palette] table and a [roles] table")
            }
        }
        guard let rolesTable else {
            throw error(.missingKey, [], "the theme has no [roles] table",
                        fix: "add [roles] with at least body = { fg = \"fg\", bg = \"bg\" }")
        }
        return Theme(name: name, description: description, styles: try roles(rolesTable, palette: palette))
    }

    // MARK: Sections

    func palette(_ value: TOMLNode) throws(ThemeError) -> [String: Color] {
        let table = try self.table(value, at: ["palette"], fix: "write [palette] and under it names for colours, e.g. accent = \"#5c9ff0\"")
        var palette: [String: Color] = [:]
        for (name, member) in table.members {
            palette[name] = try literalColor(member, at: ["palette", name])
        }
        return palette
    }

    func roles(_ table: TOMLNode.Table, palette: [String: Color]) throws(ThemeError) -> [Role: Style] {
        var written: [(Role, TOMLNode.Table)] = []
        for (key, value) in table.members {
            guard let role = Role(rawValue: key) else {
                let guess = NameSuggestion.closest(to: key, in: Role.allCases.map(\.rawValue))
                throw error(.unknownRole, ["roles", key], "'\(key)' is not a role",
                            fix: (guess.map { "did you mean \($0)? " } ?? "") + "the roles are: " + Role.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let body = try self.table(value, at: ["roles", key], fix: "write a role as an inline table, e.g. " + Self.roleExample)
            written.append((role, body))
        }
        guard let bodyTable = written.first(where: { $0.0 == .body })?.1 else {
            throw error(.missingKey, ["roles"], "the theme has no body role (the style of ordinary text and of the background)",
                        fix: "add body = { fg = \"fg\", bg = \"bg\" } under [roles] (or body = {} for the terminal's own colours)")
        }
        let body = try style(bodyTable, role: .body, palette: palette, base: .plain)
        var styles: [Role: Style] = [.body: body]
        for (role, table) in written where role != .body {
            styles[role] = try style(table, role: role, palette: palette, base: body)
        }
        return styles
    }

    /// A role's style: colours from `fg`/`bg` (else `base`'s), attributes from the flags.
    func style(_ table: TOMLNode.Table, role: Role, palette: [String: Color], base: Style) throws(ThemeError) -> Style {
        var style = Style(foreground: base.foreground, background: base.background)
        let path = ["roles", role.rawValue]
        for (key, value) in table.members {
            switch key {
            case "fg": style.foreground = try colorReference(value, at: path + [key], palette: palette)
            case "bg": style.background = try colorReference(value, at: path + [key], palette: palette)
            default:
                guard let attribute = Attributes(name: key), Attributes.names.contains(key) else {
                    throw unknownKey(key, at: path, known: Self.roleKeys,
                                     fix: "a role has fg, bg (palette names or colours) and the flags bold, dim, reverse, underline, italic")
                }
                guard let on = value.bool else {
                    throw error(.wrongType, path + [key], "expected true or false, found \(describe(value))",
                                fix: "write \(key) = true (or leave it out for false)")
                }
                if on { style.attributes.insert(attribute) }
            }
        }
        return style
    }

    // MARK: Values

    /// `fg`/`bg`: a palette name, or a colour written directly.
    func colorReference(_ value: TOMLNode, at path: [String], palette: [String: Color]) throws(ThemeError) -> Color {
        guard let text = value.string else { return try literalColor(value, at: path) }
        if let color = palette[text] { return color }
        if let color = Color(parsing: text) { return color }
        if text.hasPrefix("#") { return try literalColor(value, at: path) }
        let names = palette.keys.sorted()
        var fix = NameSuggestion.closest(to: text, in: names).map { "did you mean '\($0)'? " } ?? ""
        fix += names.isEmpty ? "the theme has no [palette]; " : "the palette names are: \(names.joined(separator: ", ")); "
        fix += "or write a colour: " + Self.colorForms
        throw error(.unknownColor, path, "'\(text)' is not in the palette and is not a colour", fix: fix)
    }

    /// A colour written directly: a string in one of `colorForms`, or an integer 0–255.
    func literalColor(_ value: TOMLNode, at path: [String]) throws(ThemeError) -> Color {
        let fix = "write a colour: " + Self.colorForms
        if let n = value.int {
            guard let index = UInt8(exactly: n) else {
                throw error(.badColor, path, "\(n) is not a colour number (0-255)", fix: fix)
            }
            return .indexed(index)
        }
        guard let text = value.string else {
            throw error(.wrongType, path, "expected a colour, found \(describe(value))", fix: fix)
        }
        guard let color = Color(parsing: text) else {
            throw error(.badColor, path, "'\(text)' is not a colour", fix: fix)
        }
        return color
    }

    func string(_ value: TOMLNode, at path: [String], fix: String) throws(ThemeError) -> String {
        guard let text = value.string else {
            throw error(.wrongType, path, "expected a string, found \(describe(value))", fix: fix)
        }
        return text
    }

    func table(_ value: TOMLNode, at path: [String], fix: String) throws(ThemeError) -> TOMLNode.Table {
        guard let table = value.table else {
            throw error(.wrongType, path, "expected a table, found \(describe(value))", fix: fix)
        }
        return table
    }

    // MARK: Errors

    func error(_ kind: ThemeError.Kind, _ path: [String], _ problem: String, fix: String?) -> ThemeError {
        document.error(kind, path, problem, fix: fix)
    }

    func unknownKey(_ key: String, at parent: [String], known: [String], fix: String) -> ThemeError {
        let place = parent.isEmpty ? "at the top of a theme" : "in a role"
        return document.unknownKey(key, at: parent, known: known, problem: "unknown key '\(key)' \(place)", fix: fix)
    }

    func describe(_ value: TOMLNode) -> String { value.described }
}
