import Foundation
import JSON
import Replay
import Synchronization
import Testing

/// The watchdog and prelude in-process: a run over its budget fails like a runtime error and
/// leaves the program usable; cancelled runs throw `JQInterrupted`; builtins that reach outside
/// the handler are gone; `[limits]` is read and checked.
@Suite("jq limits", .serialized)
struct JQLimitsTests {
    @Test func overBudgetRunThrowsAndTheProgramKeepsWorking() throws {
        let p = try JQProgram("if $e.loop then until(false; .) else . + 1 end", bindsEvent: true, limits: JQLimits(handlerMillis: 100))
        #expect {
            _ = try p.evaluate(1, event: ["loop": true])
        } throws: { error in
            (error as? JQError)?.message.contains("stopped after its time budget of 100 ms") == true
        }
        // The halted state starts afresh on the next run.
        #expect(try p.evaluate(1, event: ["loop": false]) == 2)
        #expect(try p.evaluate(41, event: ["loop": false]) == 42)
    }

    @Test func cancellingAThreadStopsItsRunAndRefusesTheNext() throws {
        let thread = Mutex<UInt?>(nil)
        let outcome = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        let worker = Thread {
            thread.withLock { $0 = JQWatchdog.currentThread }
            do {
                let p = try JQProgram("until(false; .)", bindsEvent: false, limits: JQLimits(handlerMillis: 600_000))
                for _ in 0..<2 {
                    do { _ = try p.evaluate(1); outcome.withLock { $0.append("finished") } } catch is JQInterrupted {
                        outcome.withLock { $0.append("interrupted") }
                    } catch { outcome.withLock { $0.append("\(error)") } }
                }
            } catch { outcome.withLock { $0.append("\(error)") } }
            done.signal()
        }
        worker.start()
        var id: UInt?
        while id == nil { id = thread.withLock { $0 }; usleep(1000) }
        let target = try #require(id)
        JQWatchdog.shared.cancelEvaluations(onThread: target)
        defer { JQWatchdog.shared.forgetThread(target) }
        #expect(done.wait(timeout: .now() + 30) == .success, "the cancelled run went on")
        #expect(outcome.withLock { $0 } == ["interrupted", "interrupted"])
    }

    @Test func builtinsThatReachOutsideAreGone() throws {
        let halt = try JQProgram("halt", bindsEvent: false)
        #expect {
            _ = try halt.evaluate(1)
        } throws: { ($0 as? JQError)?.message.contains("halt is not available") == true }
        let haltError = try JQProgram(#"halt_error(1)"#, bindsEvent: false)
        #expect(throws: JQError.self) { try haltError.evaluate("bye") }
        #expect(try JQProgram("[env, $ENV]", bindsEvent: false).evaluate(nil) == [[:], [:]])
        #expect(try JQProgram("debug | stderr | . + 1", bindsEvent: true).evaluate(1, event: [:]) == 2)
        // `input` after the event finds nothing more.
        #expect(throws: JQError.self) { try JQProgram("input", bindsEvent: true).evaluate(1, event: [:]) }
    }

    @Test func limitsSectionIsReadAndChecked() throws {
        let config = try RewindConfig.parse("[limits]\nhandlerMillis = 250\nhandlerMemoryMiB = 64\n", path: "rewind.toml")
        #expect(config.limits == JQLimits(handlerMillis: 250, handlerMemoryMiB: 64))
        #expect(try RewindConfig.parse("", path: "rewind.toml").limits == JQLimits(handlerMillis: 1000, handlerMemoryMiB: 512))
        for (text, words) in [
            ("[limits]\nhandlerMillis = 0\n", "handlerMillis"), ("[limits]\nhandlerMillis = \"1s\"\n", "a string"),
            ("[limits]\nhandlerMemoryMiB = 1\n", "from 16 to 65536"), ("[limits]\nhandlerMilis = 5\n", "did you mean handlerMillis"),
        ] {
            #expect {
                _ = try RewindConfig.parse(text, path: "rewind.toml")
            } throws: { error in
                "\(error)".contains(words)
            }
        }
    }
}
