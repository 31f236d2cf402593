import CNcursesw
import TerminalUI

/// Turns ncurses mouse states (`MEVENT.bstate`) into `MouseEvent`s.
///
/// ncurses reports a motion with `REPORT_MOUSE_POSITION` but does not say which button is
/// held, so the decoder remembers the last press: motion while a button is down is a drag;
/// motion with none down (only under any-motion tracking) is dropped. Wheel "buttons" 4 and
/// 5 become scrolls; their releases are dropped.
struct MouseDecoder {
    private(set) var heldButton: Int?

    static let position = cn_REPORT_MOUSE_POSITION()
    static func pressed(_ button: Int) -> mmask_t { cn_button_pressed(Int32(button)) }
    static func released(_ button: Int) -> mmask_t { cn_button_released(Int32(button)) }

    mutating func decode(state: mmask_t, x: Int, y: Int) -> MouseEvent? {
        if state & Self.pressed(4) != 0 { return MouseEvent(kind: .scrollUp, x: x, y: y) }
        if state & Self.pressed(5) != 0 { return MouseEvent(kind: .scrollDown, x: x, y: y) }
        for button in 1...3 {
            if state & Self.pressed(button) != 0 {
                heldButton = button
                return MouseEvent(kind: .press(button: button), x: x, y: y)
            }
            if state & Self.released(button) != 0 {
                heldButton = nil
                return MouseEvent(kind: .release, x: x, y: y)
            }
        }
        if state & Self.position != 0, let button = heldButton {
            return MouseEvent(kind: .drag(button: button), x: x, y: y)
        }
        return nil
    }

    /// A report decoded from the raw bytes (`EscapeSequenceDecoder`): the same events as
    /// ncurses' states give.
    mutating func decode(report: EscapeSequenceDecoder.MouseReport) -> MouseEvent? {
        let low = report.code & 3
        if report.code & 64 != 0 {
            switch low {
            case 0: return MouseEvent(kind: .scrollUp, x: report.x, y: report.y)
            case 1: return MouseEvent(kind: .scrollDown, x: report.x, y: report.y)
            default: return nil
            }
        }
        if report.code & 32 != 0 {
            // Motion: a drag while a button is held (which one the report may not say).
            let button = low == 3 ? heldButton : low + 1
            guard let button else { return nil }
            return MouseEvent(kind: .drag(button: button), x: report.x, y: report.y)
        }
        if report.released || low == 3 {
            heldButton = nil
            return MouseEvent(kind: .release, x: report.x, y: report.y)
        }
        heldButton = low + 1
        return MouseEvent(kind: .press(button: low + 1), x: report.x, y: report.y)
    }
}
