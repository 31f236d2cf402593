import Foundation
import SafeText
import Testing
@testable import TerminalUI

/// Theme files are untrusted (copied from anywhere): any bytes give a theme or a `ThemeError`
/// with a line, never an abort in the TOML library, and the error is safe to print.
@Suite struct HostileThemeFileTests {
    func error(_ bytes: [UInt8]) -> ThemeError? {
        do {
            _ = try ThemeLoader.parse(bytes: bytes, source: "mine.toml")
            return nil
        } catch {
            return error
        }
    }

    @Test func bracketBackslashInAThemeIsAnErrorNotAnAbort() throws {
        for text in ["[\\", "[roles]\nbody = {\\ = 1}", "[palette]\nfg = \"\\q\""] {
            let e = try #require(error(Array(text.utf8)))
            #expect(e.kind == .syntax)
            #expect(e.line != nil)
            #expect(e.description.hasPrefix("mine.toml, line "))
        }
    }

    @Test func osc52InAThemeValueStaysText() throws {
        let text = "[palette]\nfg = \"\\u001b]52;c;cHduZWQ=\\u0007\"\n[roles]\nbody = { fg = \"fg\" }\n"
        let e = try #require(error(Array(text.utf8)))
        #expect(e.kind == .badColor)
        #expect(e.line == 2)
        #expect(!e.description.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(e.description.contains(#"\e]52;c;cHduZWQ=\x07"#))
    }

    @Test func notUTF8IsAnErrorWithTheLine() throws {
        let e = try #require(error(Array("[palette]\nfg = \"caf".utf8) + [0xE9, 0x22]))
        #expect(e.kind == .unreadable && e.line == 2)
    }

    /// Mutations of a real theme (most reach toml++, slower than rejected input): a quarter of
    /// REWIND_TOML_FUZZ_CASES (default 2,000, so 500).
    @Test func mutatedThemesNeverAbort() {
        let cases = (ProcessInfo.processInfo.environment["REWIND_TOML_FUZZ_CASES"].flatMap(Int.init) ?? 2_000) / 4
        let seed = Array((ThemeLoader.builtInText(named: "dark") ?? "[roles]\nbody = {}\n").utf8)
        let alphabet = Array("[]{}\\\"'=.,#\n -_:0123456789abcdef".utf8) + [0, 0x1B, 0xFF, 0xC3]
        var state: UInt64 = 0x5EED
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        var parsed = 0
        for _ in 0..<cases {
            var bytes = seed
            for _ in 0...(next() % 4) {
                let i = next() % (bytes.count + 1)
                switch next() % 3 {
                case 0: bytes.insert(alphabet[next() % alphabet.count], at: i)
                case 1: if i < bytes.count { bytes.remove(at: i) }
                default: if i < bytes.count { bytes[i] = alphabet[next() % alphabet.count] }
                }
            }
            if let e = error(bytes) {
                #expect(e.kind != .syntax || e.line != nil, "\(e)")
                #expect(SafeText.isClean(e.description.replacing("\n", with: " ")))
            } else {
                parsed += 1
            }
        }
        #expect(parsed > 0)
    }
}
