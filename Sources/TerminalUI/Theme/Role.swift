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
        case .borderFocused, .titleFocused, .title, .header, .key, .jsonKey, .added, .lagWarning, .statusMode, .badgeOK:
            return .bold
        case .dim, .jsonNull, .selectionUnfocused, .escaped:
            return .dim
        case .selection, .status, .sliderThumb, .sliderFilled, .badgeStalled, .badgeFaulted, .badgeDrift, .lagCritical, .error:
            return .reverse
        case .removed, .hypothetical, .bookmark, .changed, .cursorLine, .warning:
            return .underline
        }
    }
}
