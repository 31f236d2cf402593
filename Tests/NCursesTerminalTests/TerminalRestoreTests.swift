import TmuxHarness
import Foundation
import Testing


/// Leaving the screen: by quitting, by a signal, by a crash, and refusing to start without a
/// usable terminal. The terminal must always be left as the shell had it.
@Suite(.serialized, .enabled(if: TmuxSession.isAvailable, "tmux is not installed (apt-get install tmux); the end-to-end terminal tests need it"))
struct TerminalRestoreTests {
    /// Main screen, no mouse tracking, cursor shown, cursor keys and keypad in normal mode.
    func expectRestored(_ session: TmuxSession, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let modes = try session.format("alt=#{alternate_on} mouse=#{mouse_any_flag} cursor=#{cursor_flag} keys=#{keypad_cursor_flag} keypad=#{keypad_flag}")
        #expect(modes == "alt=0 mouse=0 cursor=1 keys=0 keypad=0", sourceLocation: sourceLocation)
        let screen = try session.capture()
        #expect(!screen.contains("hostile:") && !screen.contains("┌"), "the frame is still on the screen:\n\(screen)", sourceLocation: sourceLocation)
    }

    @Test func quitExitsZeroAndRestores() throws {
        let session = try TermCheckProgram.start()
        defer { session.kill() }
        try session.type("q")
        #expect(try session.exitStatus() == 0)
        try expectRestored(session)
    }

    @Test func exitingWithoutRestoreStillRestores() throws {
        let session = try TermCheckProgram.start()
        defer { session.kill() }
        try session.type("x")
        #expect(try session.exitStatus() == 3)
        try expectRestored(session)
    }

    @Test func sigtermRestoresAndExitsBySignal() throws {
        let session = try TermCheckProgram.start()
        defer { session.kill() }
        let pid = try TermCheckProgram.pid(in: session)
        #expect(kill(pid, SIGTERM) == 0)
        #expect(try session.exitStatus() == 128 + Int(SIGTERM))
        try expectRestored(session)
    }

    @Test func sigintRestoresAndExitsBySignal() throws {
        let session = try TermCheckProgram.start()
        defer { session.kill() }
        let pid = try TermCheckProgram.pid(in: session)
        #expect(kill(pid, SIGINT) == 0)
        #expect(try session.exitStatus() == 128 + Int(SIGINT))
        try expectRestored(session)
    }

    @Test func hangupRestoresAndExitsBySignal() throws {
        let session = try TermCheckProgram.start()
        defer { session.kill() }
        let pid = try TermCheckProgram.pid(in: session)
        #expect(kill(pid, SIGHUP) == 0)
        #expect(try session.exitStatus() == 128 + Int(SIGHUP))
        try expectRestored(session)
    }

    @Test func crashRestoresAndShowsTheFatalError() throws {
        let session = try TermCheckProgram.start(environment: ["SWIFT_BACKTRACE": "enable=no"])
        defer { session.kill() }
        try session.type("!")
        let status = try session.exitStatus()
        // A Swift trap is SIGILL on x86-64, SIGTRAP on arm64.
        #expect(status == 128 + Int(SIGILL) || status == 128 + Int(SIGTRAP))
        try expectRestored(session)
        // Written to stderr while the frame was up, shown once the terminal is back.
        #expect(try session.capture(history: true).contains("Fatal error: crash requested with '!'"))
    }

    @Test(arguments: [
        ("dumb", "TERM=dumb is not supported (it cannot move the cursor); run it in a terminal emulator"),
        ("no-such-terminal", "TERM=no-such-terminal is not in the terminfo database; set TERM to a known type"),
    ])
    func unusableTermIsRefusedWithAClearError(term: String, message: String) throws {
        let session = try TmuxSession(command: TermCheckProgram.path, term: term)
        defer { session.kill() }
        #expect(try session.exitStatus() == 2)
        let screen = try session.capture(history: true)
        #expect(screen.contains("rewind-term-check needs a terminal: " + message), "\(screen)")
        #expect(try session.format("#{alternate_on}") == "0")
    }

    @Test func redirectedInputIsRefusedWithAClearError() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TermCheckProgram.path)
        let err = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(text.contains("rewind-term-check needs a terminal: its standard input is not a terminal"), "\(text)")
    }
}
