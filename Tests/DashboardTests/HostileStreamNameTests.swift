import EventLog
import Foundation
import Replay
import SafeText
import TerminalUI
import Testing
@testable import Dashboard

/// Stream names and types with zero-width joiners and line separators: shown escaped, so a
/// terminal cannot join them into the previous cell and shift the rest of the row.
@Suite(.serialized) struct HostileStreamNameTests {
    @Test func zwjInStreamNameDoesNotShiftRows() throws {
        let f = try BankFixture()
        do {
            let log = try EventLog.openWriter(at: f.logPath, options: .init(durability: .noSync))
            defer { log.close() }
            let event = NewEvent(type: "Joined\u{200D}", data: Array(#"{"who":"a\u200db\u2028c"}"#.utf8), originalMicros: BankFixture.base)
            _ = try log.append(to: "aa\u{200D}bb\u{2028}cc-1", [event])
        }
        let (app, term) = try f.app(size: Size(width: 120, height: 32))
        app.send(.tick(micros: 1))
        app.render()
        for cell in term.screen.cells {
            #expect(!cell.text.unicodeScalars.contains { $0.value == 0x200D || $0.value == 0x2028 }, "cell \(SafeText.escape(cell.text))")
            #expect(SafeText.isClean(cell.text))
        }
        let lines = term.lines
        // The streams pane's rows: the escaped name's row has its borders where a plain row has them.
        let hostile = try #require(lines.first { $0.contains("aa\\u{200D}bb") && $0.hasPrefix("│") }, "\(term.text)")
        let plain = try #require(lines.first { $0.contains("account-1") && $0.hasPrefix("│") })
        #expect(borderColumns(hostile) == borderColumns(plain))
    }
}
