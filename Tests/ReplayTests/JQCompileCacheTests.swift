@testable import Replay
import Testing

@Suite("jq compile cache", .serialized)
struct JQCompileCacheTests {
    @Test func configCheckLeavesItsProgramsForTheHandlerSetsOnTheSameThread() throws {
        let expression = ".items += 1 # unique to this test"
        let text = """
            [aggregates.cart]
            streams = "cart-*"
            init = '{items: 0, marker: "cache-test"}'
            [aggregates.cart.on]
            ItemAdded = '\(expression)'
            """
        _ = try RewindConfig.parse(text, path: "rewind.toml")
        // The check left both programs, each once, under its own binding.
        let handler = try #require(JQCompileCache.take(expression, bindsEvent: true))
        #expect(handler.source == expression && handler.bindsEvent)
        #expect(JQCompileCache.take(expression, bindsEvent: true) == nil)
        #expect(JQCompileCache.take(expression, bindsEvent: false) == nil)
        #expect(try handler.evaluate(["items": 1], event: [:]) == ["items": 2])

        // A handler set built after a check takes the checked programs instead of compiling.
        _ = try RewindConfig.parse(text, path: "rewind.toml")
        _ = try JQHandlerSet(owner: "cart", initExpression: "{items: 0, marker: \"cache-test\"}", handlers: ["ItemAdded": expression])
        #expect(JQCompileCache.take(expression, bindsEvent: true) == nil)
        #expect(JQCompileCache.take("{items: 0, marker: \"cache-test\"}", bindsEvent: false) == nil)
    }
}
