/// A theme: a style for every role. Loaded from TOML by `ThemeLoader` (a palette, then roles).
public struct Theme: Sendable, Equatable {
    public var name: String
    /// One line saying what the theme is for (the file's `description`), if it has one.
    public var description: String?
    public var styles: [Role: Style]

    public init(name: String, description: String? = nil, styles: [Role: Style]) {
        self.name = name
        self.description = description
        self.styles = styles
    }

    /// The style of `role`; a role the theme leaves out looks like `body` plus its monochrome
    /// attributes, so nothing ever becomes indistinguishable.
    public subscript(role: Role) -> Style {
        if let s = styles[role] { return s }
        return (styles[.body] ?? .plain).adding(role.monochrome)
    }

    /// The theme for a terminal of `depth`: colours reduced.
    ///
    /// With no colour (`NO_COLOR`, a monochrome terminal) a theme that uses colours gets each
    /// role's `monochrome` attributes instead of its own: its attributes were chosen to go
    /// with its colours, and adding them to the monochrome ones can make two roles look the
    /// same (a bold `removed` plus underline is a `changed`). A theme without any colour was
    /// designed for this case and keeps its attributes.
    public func adapted(to depth: ColorDepth) -> Theme {
        var out = self
        let usesColor = styles.values.contains { $0.foreground != .default || $0.background != .default }
        for role in Role.allCases {
            if depth == .none && usesColor {
                out.styles[role] = Style(attributes: role.monochrome)
            } else {
                out.styles[role] = self[role].reduced(to: depth)
            }
        }
        return out
    }

    /// The built-in monochrome look: attributes only. Also what `NO_COLOR` gives.
    public static let monochrome: Theme = {
        var styles: [Role: Style] = [:]
        for role in Role.allCases { styles[role] = Style(attributes: role.monochrome) }
        return Theme(name: "monochrome", styles: styles)
    }()
}
