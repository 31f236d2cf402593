import CNcursesw
import Glibc

/// What to hand curses for one cell so that its columns match the screen buffer's.
///
/// The buffer measures characters with `DisplayWidth`; curses (and the terminal, mostly)
/// with the C library's `wcwidth`. When they agree the cluster is written as it is. When they
/// do not, alignment wins over fidelity: a character the buffer gave two columns and `wcwidth`
/// one is written with a space after it; one it gave one column and `wcwidth` two (or none),
/// becomes U+FFFD. A cluster curses cannot hold in one cell (a ZWJ emoji sequence: several
/// spacing characters, or more than five) keeps only its first character.
struct Glyph {
    /// A spacing character followed by up to four combining ones.
    var characters: [wchar_t]
    /// Write a space in the next column too (the glyph is narrower than its cell).
    var padRight: Bool

    static let replacement: [wchar_t] = [0xFFFD]
    static let maximumCharacters = 5  // CCHARW_MAX

    init(_ text: String, columns: Int) {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first else {
            self.init(characters: [0x20], padRight: columns == 2)
            return
        }
        var chosen = [first]
        let rest = scalars.dropFirst()
        if rest.count < Self.maximumCharacters, rest.allSatisfy({ Curses.columns(of: $0) == 0 }) {
            chosen += rest
        }
        let width = Curses.columns(of: first)
        switch (width, columns) {
        case (1, 1), (2, 2):
            self.init(characters: chosen.map { wchar_t(bitPattern: $0.value) }, padRight: false)
        case (1, 2):
            self.init(characters: chosen.map { wchar_t(bitPattern: $0.value) }, padRight: true)
        default:
            self.init(characters: Self.replacement, padRight: columns == 2)
        }
    }

    private init(characters: [wchar_t], padRight: Bool) {
        self.characters = characters
        self.padRight = padRight
    }
}
