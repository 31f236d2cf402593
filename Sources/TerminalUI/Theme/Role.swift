/// The named roles a theme gives a style to. Views ask for a role, never for a colour.
public enum Role: String, CaseIterable, Sendable, Hashable {
    case body, border, borderFocused, title, titleFocused, header, dim
    case selection, selectionUnfocused, cursorLine
    case key, status, statusMode, error, warning, info
    case added, removed, changed, hypothetical, bookmark
    case jsonKey, jsonString, jsonNumber, jsonBool, jsonNull, jsonPunctuation
    case escaped
    case slider, sliderFilled, sliderThumb, density
    case lagOK, lagWarning, lagCritical, sparkline
    case badgeOK, badgeStalled, badgeFaulted, badgeDrift

    /// What a role looks like with no colour at all (monochrome terminals and `NO_COLOR`):
    /// every distinction a colour makes must survive as bold, dim, reverse or underline.
    public var monochrome: Attributes {
        switch self {
        case .body, .border, .jsonString, .jsonNumber, .jsonBool, .jsonPunctuation, .density, .slider, .info, .sparkline, .lagOK:
            return []
        case .borderFocused, .title, .header, .key, .jsonKey, .added, .lagWarning, .statusMode, .badgeOK, .sliderFilled:
            return .bold
        case .titleFocused:
            // Bold alone would look like every other title.
            return [.bold, .underline]
        case .dim, .jsonNull, .selectionUnfocused, .escaped:
            return .dim
        case .selection, .status, .sliderThumb, .badgeStalled, .badgeFaulted, .badgeDrift, .lagCritical, .error:
            return .reverse
        case .removed, .bookmark, .cursorLine, .warning:
            return .underline
        case .changed:
            // Not underline alone: a changed field must not read as a removed one.
            return [.bold, .underline]
        case .hypothetical:
            // Italic where the terminal has it, dim where it does not: never like removed.
            return [.italic, .dim]
        }
    }
}
