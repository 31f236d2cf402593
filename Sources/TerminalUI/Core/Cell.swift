/// One terminal cell: a grapheme cluster and its style.
///
/// A wide character (CJK, most emoji) occupies two cells: the first holds the text with
/// `width == 2`, the second is a continuation with empty text and `width == 0`. The text never
/// holds a control character: `ScreenBuffer` replaces those before storing them.
public struct Cell: Sendable, Hashable {
    public var text: String
    public var style: Style
    public var width: UInt8

    public init(text: String = " ", style: Style = .plain, width: UInt8 = 1) {
        self.text = text
        self.style = style
        self.width = width
    }

    public static let blank = Cell()
    public var isContinuation: Bool { width == 0 }
}
