import Foundation

/// Compiled jq programs left by `rewind.toml`'s load-time check for the handler sets built right
/// after on the same thread: compiling costs 16–25 ms each (libjq rebuilds its builtins), and
/// checking then recompiling doubled the start-up of every command that replays.
///
/// Per thread (libjq states must stay on the thread that made them): a program deposited on one
/// thread is only ever taken on that thread. Taking removes it, so no two owners share one.
enum JQCompileCache {
    private final class Store {
        var programs: [String: JQProgram] = [:]
    }

    private static let key = "rewind.jq-compile-cache"

    private static var store: Store {
        let dictionary = Thread.current.threadDictionary
        if let existing = dictionary[key] as? Store { return existing }
        let created = Store()
        dictionary[key] = created
        return created
    }

    private static func cacheKey(_ expression: String, _ bindsEvent: Bool) -> String {
        (bindsEvent ? "e:" : "-:") + expression
    }

    /// Keeps `program` for a later `take` of the same expression on this thread (one per
    /// expression: a newer deposit replaces an older one).
    static func deposit(_ program: JQProgram) {
        store.programs[cacheKey(program.source, program.bindsEvent)] = program
    }

    /// The deposited program for this expression, removed from the cache; nil when none.
    static func take(_ expression: String, bindsEvent: Bool) -> JQProgram? {
        store.programs.removeValue(forKey: cacheKey(expression, bindsEvent))
    }
}

extension JQProgram {
    /// A compiled program for `expression`, held to `limits`: the one the config check left on
    /// this thread, or a fresh compile.
    public static func compiled(_ expression: String, bindsEvent: Bool, limits: JQLimits = .standard) throws -> JQProgram {
        if let cached = JQCompileCache.take(expression, bindsEvent: bindsEvent) {
            cached.limits = limits
            return cached
        }
        return try JQProgram(expression, bindsEvent: bindsEvent, limits: limits)
    }
}
