/// A theme: a style for every role. Loaded from TOML by `ThemeLoader` (a palette, then roles).
public struct Theme: Sendable, Equatable {
    public var name: String
    public var styles: [Role: Style]

    public init(name: String, styles: [Role: Style]) {
        self.name = name
        self.styles = styles
    }

    /// The style of `role`; a role the theme leaves out looks like `body` plus its monochrome
    /// attributes, so nothing ever becomes indistinguishable.
    public subscript(role: Role) -> Style {
        if let s = styles[role] { return s }
        return (styles[.body] ?? .plain).adding(role.monochrome)
    }

    /// The theme for a terminal of `depth`: colours reduced; with no colour, each role keeps its
    /// attributes plus the role's monochrome attributes.
    public func adapted(to depth: ColorDepth) -> Theme {
        var out = self
        for role in Role.allCases {
            var s = self[role].reduced(to: depth)
            if depth == .none { s.attributes.formUnion(role.monochrome) }
            out.styles[role] = s
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
