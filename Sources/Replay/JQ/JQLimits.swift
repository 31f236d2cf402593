/// How far one run of a jq expression may go: a time budget and a memory ceiling, per event.
///
/// Set by `[limits]` in `rewind.toml` (docs/CONFIG.md, docs/SECURITY.md). Every jq expression
/// Rewind runs (aggregate and projection handlers and `init`, partition keys, upcasters) runs
/// under these; `JQWatchdog` stops a run that goes past either, and the run fails like a
/// handler's runtime error.
public struct JQLimits: Sendable, Equatable {
    /// Milliseconds one run may take (wall clock; checked every `JQWatchdog.tickMillis`).
    public var handlerMillis: Int
    /// MiB the process may grow by while one run goes on (resident memory, so approximate).
    public var handlerMemoryMiB: Int

    /// 1 s and 512 MiB: a normal handler takes microseconds and a few KiB, so these only stop
    /// runaways, while leaving room for a big state on a slow machine.
    public static let defaultMillis = 1000
    public static let defaultMemoryMiB = 512
    /// What `[limits]` accepts (checked when the file is loaded).
    public static let millisRange = 10...3_600_000
    public static let memoryRange = 16...65_536

    public init(handlerMillis: Int = JQLimits.defaultMillis, handlerMemoryMiB: Int = JQLimits.defaultMemoryMiB) {
        self.handlerMillis = handlerMillis
        self.handlerMemoryMiB = handlerMemoryMiB
    }

    /// The defaults.
    public static let standard = JQLimits()

    var memoryBytes: Int { handlerMemoryMiB &* 1_048_576 }
}

/// A jq run was stopped because Rewind is quitting (Ctrl-C, SIGTERM, `q`), not because of
/// anything wrong with the handler: callers stop what they are doing and record no fault.
public struct JQInterrupted: Error, Sendable, Equatable, CustomStringConvertible {
    public init() {}
    public var description: String { "stopped because Rewind is quitting" }
}
