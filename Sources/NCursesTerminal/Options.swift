import Glibc
import TerminalUI

extension NCursesTerminal {
    /// How to open the terminal.
    public struct Options: Sendable {
        /// Report mouse presses, releases, drags and the wheel.
        public var mouse: Bool
        /// Draw with at most this many colours (the terminal's own count is the upper bound).
        public var colorDepthOverride: ColorDepth?
        /// Attributes only, no colour. Defaults to whether `NO_COLOR` is set and non-empty
        /// (https://no-color.org).
        public var noColor: Bool
        /// How errors name the program: "rewind open needs a terminal: …".
        public var commandName: String

        public init(mouse: Bool = true, colorDepthOverride: ColorDepth? = nil, noColor: Bool = Options.environmentAsksForNoColor, commandName: String = "rewind open") {
            self.mouse = mouse
            self.colorDepthOverride = colorDepthOverride
            self.noColor = noColor
            self.commandName = commandName
        }

        /// Whether `NO_COLOR` is set to a non-empty value in this process's environment.
        public static var environmentAsksForNoColor: Bool {
            guard let value = getenv("NO_COLOR") else { return false }
            return value.pointee != 0
        }
    }
}
