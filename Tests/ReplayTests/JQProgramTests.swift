import Replay
import Testing
import JSON

// libjq states are confined to one thread; these tests each build their own programs.
@Suite("jq programs", .serialized)
struct JQProgramTests {
    @Test func handlerSeesStateAsDotAndEventAsDollarE() throws {
        let p = try JQProgram(".balanceCents += $e.data.amountCents | .last = $e.type", bindsEvent: true)
        let state: JSONValue = ["balanceCents": 100, "opened": true]
        let event: JSONValue = ["type": "MoneyDeposited", "data": ["amountCents": 250]]
        let out = try p.evaluate(state, event: event)
        #expect(out == ["balanceCents": 350, "opened": true, "last": "MoneyDeposited"])
        // Key order of the state is kept through libjq.
        #expect(out?.serialized() == "{\"balanceCents\":350,\"opened\":true,\"last\":\"MoneyDeposited\"}")
        // Compiled once, run many times.
        var s: JSONValue = ["balanceCents": 0]
        for i in 1...100 {
            s = try #require(try p.evaluate(s, event: ["type": "T", "data": ["amountCents": .integer(Int64(i))]]))
        }
        #expect(s["balanceCents"] == 5050)
    }

    @Test func compileErrorCarriesJqsMessage() {
        #expect {
            _ = try JQProgram(".balance +=", bindsEvent: true)
        } throws: { error in
            guard let e = error as? JQError else { return false }
            return e.message.contains("syntax error")
        }
    }

    @Test func trailingCommentDoesNotSwallowTheProgram() throws {
        let p = try JQProgram(". + 1 # add one", bindsEvent: false)
        #expect(try p.evaluate(41) == 42)
    }

    @Test func runtimeErrorIsThrownAndEmptyKeepsNothing() throws {
        let p = try JQProgram(".x += $e.data", bindsEvent: true)
        #expect(throws: JQError.self) { try p.evaluate(["x": 1], event: ["data": "text"]) }
        // The same program keeps working after an error.
        #expect(try p.evaluate(["x": 1], event: ["data": 2]) == ["x": 3])
        let none = try JQProgram("empty", bindsEvent: false)
        #expect(try none.evaluate(1) == nil)
    }

    @Test func numbersStringsAndNestingRoundTrip() throws {
        let p = try JQProgram(".", bindsEvent: false)
        let value: JSONValue = ["i": 9_007_199_254_740_992, "d": 1.5, "s": "ünï\u{1F600}", "a": [1, [2, nil], ["k": false]], "e": [:]]
        #expect(try p.evaluate(value) == value)
    }
}

